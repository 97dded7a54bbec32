"""Two-factor helpers: enrol a user directly through the services, compute codes for any moment."""
import time
from dataclasses import dataclass

import pyotp

from qa_portal.auth.services import begin_enrolment, confirm_enrolment
from qa_portal.extensions import db


@dataclass
class Enrolment:
    """A user's authenticator secret and the recovery codes they were shown."""

    secret: str
    recovery_codes: list[str]

    def code(self, steps_ahead: int = 0) -> str:
        """The app's code now, or the given number of 30-second steps later (a step not yet used)."""
        return pyotp.TOTP(self.secret).at(time.time() + 30 * steps_ahead)


def make_two_factor(user) -> Enrolment:
    """Turn two-factor sign-in on for the user, confirmed with the code of the previous step (so the current and next
    steps stay unused for the test)."""
    secret = begin_enrolment(user)
    codes = confirm_enrolment(user, pyotp.TOTP(secret).at(time.time() - 30))
    db.session.commit()
    return Enrolment(secret=secret, recovery_codes=codes)
