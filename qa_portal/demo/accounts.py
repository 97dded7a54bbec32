"""Demo accounts (one or more per role, one with two-factor sign-in) and the two demo institutions."""
import time

import pyotp
from sqlalchemy import select

from qa_portal.auth.models import Role, TwoFactorCredential, User
from qa_portal.auth.services import confirm_enrolment, create_user, find_user_by_email
from qa_portal.auth.services.passwords import hash_password
from qa_portal.auth.services.two_factor import encrypt_secret
from qa_portal.core.models import utcnow
from qa_portal.extensions import db
from qa_portal.pilots.models import Institution, InstitutionMembership

DEMO_PASSWORD = "demo-password-2026"

DEMO_INSTITUTIONS = [
    ("HEI-A", "Demo University A", "Ցուցադրական համալսարան Ա"),
    ("HEI-B", "Demo Institute B", "Ցուցադրական ինստիտուտ Բ"),
]

# (email, full name, roles, institution short name)
DEMO_USERS = [
    ("admin@example.org", "Ada Admin", {Role.ADMIN}, None),
    ("officer@example.org", "Olga Officer", {Role.OFFICER}, None),
    ("council@example.org", "Karen Council", {Role.COUNCIL}, None),
    ("council2@example.org", "Lilit Council", {Role.COUNCIL}, None),  # the council meets as a body of three
    ("council3@example.org", "Davit Council", {Role.COUNCIL}, None),
    ("hei-a@example.org", "Anna Quality (HEI A)", {Role.HEI}, "HEI-A"),
    ("hei-b@example.org", "Boris Quality (HEI B)", {Role.HEI}, "HEI-B"),
    ("chair@example.org", "Chris Chair", {Role.EXPERT}, None),
    ("academic@example.org", "Alex Academic", {Role.EXPERT}, None),
    ("student@example.org", "Sona Student", {Role.EXPERT}, None),
    ("employer@example.org", "Emil Employer", {Role.EXPERT}, None),
    ("appeals@example.org", "Aram Appeals", {Role.APPEALS}, None),
]

# The demo's enrolled account signs in with the password and a code from this key (`make run` prints it; any
# authenticator app or `oathtool --totp -b KEY` gives the codes). Demo data never loads in production.
TWO_FACTOR_DEMO_EMAIL = "secure-officer@example.org"
TWO_FACTOR_DEMO_KEY = "QAPORTALDEMOSECUREOFFICERTOTPKEY"


def _enrol_two_factor_demo(user: User) -> None:
    """Enrol the demo account through the real confirmation, with the previous step's code so the current one is
    still free for the newcomer's first sign-in."""
    db.session.add(TwoFactorCredential(user=user, pending_secret=encrypt_secret(TWO_FACTOR_DEMO_KEY),
                                       pending_at=utcnow()))
    db.session.flush()
    confirm_enrolment(user, pyotp.TOTP(TWO_FACTOR_DEMO_KEY).at(time.time() - 30))


def _institution(short_name: str) -> Institution:
    return db.session.scalar(select(Institution).where(Institution.short_name == short_name))


def load() -> bool:
    """Create the demo institutions and accounts that do not exist yet."""
    created = False
    for short_name, name_en, name_hy in DEMO_INSTITUTIONS:
        if _institution(short_name) is None:
            db.session.add(Institution(short_name=short_name, name_en=name_en, name_hy=name_hy))
            created = True
    db.session.flush()
    for email, full_name, roles, institution_short in DEMO_USERS:
        if find_user_by_email(email) is not None:
            continue
        user, _token = create_user(None, email, full_name, roles)
        user.password_hash = hash_password(DEMO_PASSWORD)
        if institution_short:
            db.session.add(InstitutionMembership(user=user, institution=_institution(institution_short)))
        created = True
    if find_user_by_email(TWO_FACTOR_DEMO_EMAIL) is None:
        user, _token = create_user(None, TWO_FACTOR_DEMO_EMAIL, "Siran Secure (two-factor)", {Role.OFFICER})
        user.password_hash = hash_password(DEMO_PASSWORD)
        _enrol_two_factor_demo(user)
        created = True
    # One account still waiting for its first password, to show the set-password link flow.
    if find_user_by_email("new-officer@example.org") is None:
        create_user(None, "new-officer@example.org", "Nora Newcomer", {Role.OFFICER})
        created = True
    db.session.flush()
    return created


def demo_user(email: str) -> User | None:
    """A demo account by email (for other domains' demo loaders)."""
    return find_user_by_email(email)
