"""Password hashing (argon2id) and the password policy."""
import secrets
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import gettext as _

MIN_LENGTH = 12


def _hasher() -> PasswordHasher:
    if current_app.config.get("QA_FAST_PASSWORD_HASH"):
        # Tests hash hundreds of passwords; the algorithm stays argon2id, only the cost drops.
        return PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    return PasswordHasher()


def hash_password(password: str) -> str:
    """Return an argon2id hash of the password."""
    return _hasher().hash(password)


@lru_cache(maxsize=4)
def _dummy_hash(time_cost: int, memory_cost: int, parallelism: int) -> str:
    # A hash of a random secret with the current cost, made once per process: checking a password against it costs
    # what checking a real account does.
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism).hash(
        secrets.token_urlsafe(32))


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when the password matches the stored hash. A missing hash (unknown account, no password yet) still costs
    one full check against a dummy hash, so the answer's timing does not tell whether an account exists."""
    hasher = _hasher()
    try:
        return hasher.verify(password_hash or _dummy_hash(hasher.time_cost, hasher.memory_cost, hasher.parallelism),
                             password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


def password_problems(password: str, email: str) -> list[str]:
    """The reasons a new password breaks the policy (≥ 12 characters, not the email); empty if fine."""
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(_("Use at least %(n)d characters.", n=MIN_LENGTH))
    lowered = password.strip().lower()
    if email and (lowered == email.lower() or lowered == email.split("@")[0].lower()):
        problems.append(_("Do not use your email address as your password."))
    return problems
