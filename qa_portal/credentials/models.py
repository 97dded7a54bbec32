"""The QA labels issued for published decisions (one per reviewed micro-credential version, each with a status-list
index allocated once), the credential issuers institutions register, and each decision's push state in DEQAR."""
import enum
from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from qa_portal.auth.models import User
from qa_portal.core.models import string_enum, utcnow
from qa_portal.decisions.models import Decision
from qa_portal.extensions import db
from qa_portal.pilots.models import Institution, SpecificationVersion

__all__ = ["QaLabel", "IssuerKey", "PushState", "DeqarPush"]


class QaLabel(db.Model):
    """The signed QA label of one micro-credential version a published positive or conditional decision covers:
    the VC-JWT exactly as issued, the key that signed it and its bit in the status list (never reused)."""

    __tablename__ = "qa_labels"
    __table_args__ = (
        UniqueConstraint("decision_id", "specification_version_id"),
        CheckConstraint("status_index >= 0", name="status_index_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id", ondelete="RESTRICT"), index=True)
    specification_version_id: Mapped[int] = mapped_column(
        ForeignKey("specification_versions.id", ondelete="RESTRICT"), index=True)
    status_index: Mapped[int] = mapped_column(Integer, unique=True)
    credential_id: Mapped[str] = mapped_column(String(80), unique=True)
    kid: Mapped[str] = mapped_column(String(100))
    issued_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    jwt: Mapped[str] = mapped_column(Text)

    decision: Mapped[Decision] = relationship()
    specification_version: Mapped[SpecificationVersion] = relationship(lazy="joined")


class IssuerKey(db.Model):
    """A credential issuer an institution registered: the issuer id its badges carry (a DID or URL) and the Ed25519
    public key (JWK) they are signed with. Revoked keys stay for the record but verify nothing."""

    __tablename__ = "issuer_keys"
    __table_args__ = (
        UniqueConstraint("issuer_id", "thumbprint"),
        CheckConstraint("length(trim(issuer_id)) > 0", name="has_issuer_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id", ondelete="CASCADE"), index=True)
    issuer_id: Mapped[str] = mapped_column(String(500), index=True)
    public_key_jwk: Mapped[dict] = mapped_column(JSON)
    thumbprint: Mapped[str] = mapped_column(String(64))
    registered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    registered_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    institution: Mapped[Institution] = relationship(lazy="joined")
    registered_by: Mapped[User | None] = relationship(foreign_keys=[registered_by_id])

    @property
    def is_active(self) -> bool:
        """Not revoked: badges signed with it verify."""
        return self.revoked_at is None


class PushState(enum.StrEnum):
    """Where a decision's report stands with DEQAR after the last push."""

    SENT = "sent"  # DEQAR accepted the report (POST or PUT)
    REFUSED = "refused"  # DEQAR answered 4xx: its messages are kept
    INVALID = "invalid"  # the portal's own DEQAR rules refused it: never sent
    FAILED = "failed"  # the network or DEQAR's server failed on every attempt: tried again on the next push
    DELETION_REQUESTED = "deletion_requested"  # DEQAR must no longer show it: deletion asked


class DeqarPush(db.Model):
    """A published decision's report in DEQAR: its local identifier, DEQAR's report id once created, the hash of
    the report last accepted (a changed report is PUT), and DEQAR's last answer (errors, flag, warnings)."""

    __tablename__ = "deqar_pushes"
    __table_args__ = (
        CheckConstraint("state != 'sent' OR (report_id IS NOT NULL AND content_hash IS NOT NULL)",
                        name="sent_has_report_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id", ondelete="RESTRICT"), unique=True)
    local_identifier: Mapped[str] = mapped_column(String(255), unique=True)
    report_id: Mapped[str | None] = mapped_column(String(40))
    state: Mapped[PushState] = mapped_column(string_enum(PushState, "deqar_push_state", 30), index=True)
    content_hash: Mapped[str | None] = mapped_column(String(64))
    flag: Mapped[str | None] = mapped_column(String(20))
    messages: Mapped[list] = mapped_column(JSON, default=list)
    response: Mapped[dict | None] = mapped_column(JSON)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    pushed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    decision: Mapped[Decision] = relationship()
