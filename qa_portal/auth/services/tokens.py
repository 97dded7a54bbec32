"""One-time, expiring set-password links (itsdangerous signed tokens)."""
import hashlib

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

SALT = "set-password"


class TokenInvalid(Exception):
    """The link is broken, already used or expired; `expired` tells which."""

    def __init__(self, expired: bool):
        super().__init__("expired" if expired else "invalid")
        self.expired = expired


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def _fingerprint(user) -> str:
    # The token binds the current password hash, so setting a password spends the link.
    return hashlib.sha256((user.password_hash or "none").encode()).hexdigest()[:16]


def make_set_password_token(user) -> str:
    """Sign a token naming the user and the state of their password."""
    return _serializer().dumps({"uid": user.id, "fp": _fingerprint(user)})


def read_set_password_token(token: str, load_user) -> object:
    """Return the user a valid token names, or raise TokenInvalid."""
    max_age = current_app.config["QA_SET_PASSWORD_MAX_AGE_HOURS"] * 3600
    try:
        data = _serializer().loads(token, max_age=max_age)
    except SignatureExpired:
        raise TokenInvalid(expired=True) from None
    except BadSignature:
        raise TokenInvalid(expired=False) from None
    user = load_user(data.get("uid"))
    if user is None or not user.active or data.get("fp") != _fingerprint(user):
        raise TokenInvalid(expired=False)
    return user
