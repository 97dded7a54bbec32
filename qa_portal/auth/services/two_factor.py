"""Two-factor sign-in: an authenticator app (TOTP, RFC 6238, through pyotp) confirmed by a first code, ten one-time
recovery codes stored hashed, the code step of sign-in throttled per (account, address), and the admin's reset."""
import base64
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import timezone

import pyotp
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, func, select

from qa_portal.audit.services import record
from qa_portal.auth.models import RecoveryCode, SignInStep, TwoFactorCredential, User
from qa_portal.auth.services.sessions import end_sessions, two_factor_required
from qa_portal.auth.services.sign_in import record_failure, seconds_to_wait
from qa_portal.core.errors import DomainError
from qa_portal.core.models import utcnow
from qa_portal.extensions import db

RECOVERY_CODE_COUNT = 10
TOTP_CODE = re.compile(r"\d{6}")
ACCEPTED_STEPS = (0, -1, 1)  # the current 30-second step first, then one step either side for clock drift


class WrongCode(DomainError):
    """A code that does not match: bad input (400), shown at the code field."""

    status_code = 400


def _fernet_key(secret_key: str) -> bytes:
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"qa-portal", info=b"two-factor secrets")
    return base64.urlsafe_b64encode(derived.derive(secret_key.encode()))


def _cipher() -> MultiFernet:
    # Keys derive from SECRET_KEY (and SECRET_KEY_FALLBACKS while a rotation is under way), never stored.
    keys = [current_app.config["SECRET_KEY"], *(current_app.config.get("SECRET_KEY_FALLBACKS") or [])]
    return MultiFernet([Fernet(_fernet_key(key)) for key in keys])


def encrypt_secret(secret: str) -> str:
    """Encrypt an authenticator secret for the database (Fernet with a key derived from SECRET_KEY)."""
    return _cipher().encrypt(secret.encode()).decode()


def decrypt_secret(stored: str) -> str:
    """The authenticator secret from its stored form; a secret the current keys cannot read is refused."""
    try:
        return _cipher().decrypt(stored.encode()).decode()
    except InvalidToken:
        raise DomainError(_("Your authenticator can no longer be checked. Ask an administrator to reset your "
                            "two-factor sign-in."), field="code") from None


def normalise_code(code: str) -> str:
    """Codes are compared without spaces or hyphens and in lower case, however they were typed."""
    return re.sub(r"[\s-]", "", code or "").lower()


def _recovery_hash(code: str) -> str:
    return hashlib.sha256(normalise_code(code).encode()).hexdigest()


def _new_recovery_code() -> str:
    raw = base64.b32encode(secrets.token_bytes(10)).decode().lower()  # 80 random bits, 16 characters
    return "-".join(raw[i:i + 4] for i in range(0, 16, 4))


def _matching_step(secret: str, code: str, after_step: int | None) -> int | None:
    """The time step (within ±1 of now) whose code this is, if it is later than the last step used."""
    code = normalise_code(code)
    if not TOTP_CODE.fullmatch(code):
        return None
    totp = pyotp.TOTP(secret)
    now_step = totp.timecode(utcnow().replace(tzinfo=timezone.utc))
    for offset in ACCEPTED_STEPS:
        step = now_step + offset
        if (after_step is None or step > after_step) and hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def provisioning_uri(user: User, secret: str) -> str:
    """The otpauth:// address an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=current_app.config["QA_2FA_ISSUER"])


def begin_enrolment(user: User) -> str:
    """The secret of the user's enrolment in progress, starting one if there is none (a page reload shows the same
    QR code). The authenticator in use, if any, stays in use until a code from the new one confirms it."""
    credential = user.second_factor or TwoFactorCredential(user=user)
    if credential.pending_secret is None:
        credential.pending_secret, credential.pending_at = encrypt_secret(pyotp.random_base32()), utcnow()
    db.session.add(credential)
    db.session.flush()
    return decrypt_secret(credential.pending_secret)


def _replace_recovery_codes(user: User) -> list[str]:
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [_new_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    db.session.add_all([RecoveryCode(user_id=user.id, code_hash=_recovery_hash(code)) for code in codes])
    return codes


def confirm_enrolment(user: User, code: str) -> list[str]:
    """Switch the enrolment in progress on once a code from the app proves it holds the secret; return ten fresh
    recovery codes (shown once; only their hashes are kept). Audited."""
    credential = user.second_factor
    if credential is None or credential.pending_secret is None:
        raise DomainError(_("Start the set-up again: scan the new QR code."), field="code")
    step = _matching_step(decrypt_secret(credential.pending_secret), code, None)
    if step is None:
        raise WrongCode(_("That code does not match. Enter the 6-digit code your app shows now."), field="code")
    replacing = credential.enabled_at is not None
    credential.secret, credential.enabled_at, credential.last_used_step = credential.pending_secret, utcnow(), step
    credential.pending_secret = credential.pending_at = None
    codes = _replace_recovery_codes(user)
    db.session.flush()
    record(user, "auth.two_factor_enabled", user,
           f"{'Replaced the authenticator' if replacing else 'Turned on two-factor sign-in'} for {user.email}",
           {"replaced": replacing})
    return codes


@dataclass
class SecondFactorResult:
    """The code step's answer: which factor passed ("totp" or "recovery_code"), or how long to wait."""

    method: str | None = None
    retry_after: int | None = None


def _spend_recovery_code(user: User, code: str) -> bool:
    recovery = db.session.scalar(select(RecoveryCode).where(
        RecoveryCode.user_id == user.id, RecoveryCode.code_hash == _recovery_hash(code),
        RecoveryCode.used_at.is_(None)))
    if recovery is None:
        return False
    recovery.used_at = utcnow()
    return True


def _accept_totp(credential: TwoFactorCredential, code: str) -> bool:
    step = _matching_step(decrypt_secret(credential.secret), code, credential.last_used_step)
    if step is None:
        return False
    credential.last_used_step = step  # a code is never accepted twice
    return True


def verify_second_factor(user: User, code: str, remote_addr: str | None) -> SecondFactorResult:
    """Check a code from the authenticator (once per time step) or an unused recovery code (spent); throttled and
    audited like the password step."""
    wait = seconds_to_wait(user.email, remote_addr, SignInStep.SECOND_FACTOR)
    if wait is not None:
        record(None, "auth.second_factor_throttled", user, f"Refused a code for {user.email} from a throttled address",
               {"remote_addr": remote_addr, "retry_after": wait})
        return SecondFactorResult(retry_after=wait)
    credential = user.second_factor
    method = None
    if credential is not None and credential.enabled_at is not None:
        if TOTP_CODE.fullmatch(normalise_code(code)):
            method = "totp" if _accept_totp(credential, code) else None
        elif _spend_recovery_code(user, code):
            method = "recovery_code"
    if method is None:
        record_failure(user.email, remote_addr, SignInStep.SECOND_FACTOR)
        record(None, "auth.second_factor_failed", user, f"Wrong second-factor code for {user.email}",
               {"remote_addr": remote_addr})
        return SecondFactorResult()
    db.session.flush()
    return SecondFactorResult(method=method)


def unused_recovery_codes(user: User) -> int:
    """How many of the user's recovery codes are still unused."""
    return db.session.scalar(select(func.count(RecoveryCode.id)).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))) or 0


def _require_current_code(user: User, code: str) -> None:
    credential = user.second_factor
    if credential is None or credential.enabled_at is None:
        raise DomainError(_("Two-factor sign-in is not turned on."), field="code")
    if not _accept_totp(credential, code):
        raise WrongCode(_("That code does not match. Enter the 6-digit code your app shows now."), field="code")


def renew_recovery_codes(actor: User, code: str) -> list[str]:
    """Replace one's recovery codes (the old ones stop working) after a current authenticator code; audited."""
    _require_current_code(actor, code)
    codes = _replace_recovery_codes(actor)
    db.session.flush()
    record(actor, "auth.recovery_codes_renewed", actor, f"New recovery codes for {actor.email}")
    return codes


def turn_off_two_factor(actor: User, code: str) -> None:
    """Turn one's own two-factor sign-in off after a current code; refused when one's roles require it. Audited."""
    if two_factor_required(actor):
        raise DomainError(_("Your role requires two-factor sign-in, so it cannot be turned off."), field="code")
    _require_current_code(actor, code)
    _remove_second_factor(actor)
    record(actor, "auth.two_factor_disabled", actor, f"Turned off two-factor sign-in for {actor.email}")


def _remove_second_factor(user: User) -> None:
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    user.second_factor = None  # the credential is an orphan now, and deleted
    db.session.flush()


def reset_two_factor(actor: User, user: User) -> None:
    """An administrator removes a user's authenticator and recovery codes (a lost phone): every session of the user
    ends and they must enrol again at their next sign-in if their role requires it. Audited."""
    if user.id == actor.id:
        raise DomainError(_("Use your own account page to change your two-factor sign-in."))
    _remove_second_factor(user)
    ended = end_sessions(user)
    record(actor, "user.two_factor_reset", user, f"Reset two-factor sign-in of {user.email}", {"sessions_ended": ended})
