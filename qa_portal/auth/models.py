"""User accounts, their roles, signed-in sessions, second factors, and failed sign-in attempts (for throttling)."""
import enum
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import BigInteger, CheckConstraint, DateTime, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from qa_portal.core.models import TimestampMixin, string_enum, utcnow
from qa_portal.extensions import db


class Role(enum.StrEnum):
    ADMIN = "admin"
    OFFICER = "officer"
    COUNCIL = "council"
    HEI = "hei"
    EXPERT = "expert"
    APPEALS = "appeals"


ROLE_ENUM = string_enum(Role, "role", 20)


class User(UserMixin, TimestampMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (CheckConstraint("email = lower(email)", name="email_lowercase"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    locale: Mapped[str | None] = mapped_column(String(8))
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime)
    password_changed_at: Mapped[datetime | None] = mapped_column(DateTime)

    role_links: Mapped[list["UserRole"]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )
    second_factor: Mapped["TwoFactorCredential | None"] = relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True
    )

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def roles(self) -> set[Role]:
        return {link.role for link in self.role_links}

    def has_role(self, *roles: Role) -> bool:
        """True when the user holds any of the given roles."""
        return bool(self.roles.intersection(roles))

    @property
    def two_factor_enabled(self) -> bool:
        """True once the user confirmed an authenticator app with a first code."""
        return self.second_factor is not None and self.second_factor.enabled_at is not None

    def __repr__(self) -> str:
        return f"<User {self.email}>"


class UserRole(db.Model):
    __tablename__ = "user_roles"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[Role] = mapped_column(ROLE_ENUM, primary_key=True)
    granted_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    user: Mapped[User] = relationship(back_populates="role_links")


class SignInStep(enum.StrEnum):
    PASSWORD = "password"
    SECOND_FACTOR = "second_factor"


class LoginFailure(db.Model):
    """One failed sign-in step; recent rows for an (email, client address) pair decide how long that pair waits."""

    __tablename__ = "login_failures"
    __table_args__ = (Index("ix_login_failures_email_address_at", "email", "remote_addr", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    remote_addr: Mapped[str | None] = mapped_column(String(64))
    step: Mapped[SignInStep] = mapped_column(string_enum(SignInStep, "sign_in_step", 20), default=SignInStep.PASSWORD)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class UserSession(db.Model):
    """One signed-in browser. Its cookie carries a random token whose SHA-256 names this row; deleting the row ends
    that session and every copy of its cookie."""

    __tablename__ = "user_sessions"
    __table_args__ = (Index("ix_user_sessions_user_id", "user_id"), Index("ix_user_sessions_created_at", "created_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    second_factor: Mapped[bool] = mapped_column(default=False)
    remote_addr: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(200))

    user: Mapped[User] = relationship()


class TwoFactorCredential(db.Model):
    """A user's authenticator app (TOTP, RFC 6238). Secrets are encrypted at rest; `secret` is in use once a first
    code confirmed it (`enabled_at`), `pending_secret` is an enrolment waiting for that code."""

    __tablename__ = "two_factor_credentials"
    __table_args__ = (
        CheckConstraint("(secret IS NULL) = (enabled_at IS NULL)", name="enabled_has_secret"),
        CheckConstraint("(pending_secret IS NULL) = (pending_at IS NULL)", name="pending_has_time"),
    )

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    secret: Mapped[str | None] = mapped_column(String(255))
    enabled_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_used_step: Mapped[int | None] = mapped_column(BigInteger)
    pending_secret: Mapped[str | None] = mapped_column(String(255))
    pending_at: Mapped[datetime | None] = mapped_column(DateTime)

    user: Mapped[User] = relationship(back_populates="second_factor")


class RecoveryCode(db.Model):
    """One of a user's one-time recovery codes, stored as the SHA-256 of a random 80-bit code; spent when used."""

    __tablename__ = "recovery_codes"
    __table_args__ = (UniqueConstraint("user_id", "code_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column(DateTime)
