"""Match a learner's achievement with the public catalogue — by its catalogue URL, or by title and institution —
and find the decisions under which that micro-credential was quality-assured on a given day."""
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from urllib.parse import urlsplit

from sqlalchemy import and_, exists, func, not_, or_, select
from sqlalchemy.orm import aliased

from qa_portal.credentials.services.labels import LABELLED_KINDS
from qa_portal.credentials.urls import public_base_url
from qa_portal.decisions.models import Appeal, AppealOutcome, Decision
from qa_portal.extensions import db
from qa_portal.pilots.models import Institution, MicroCredential, Outcome, SpecificationVersion
from qa_portal.reviews.models import CaseSpecification

__all__ = ["AchievementMatch", "match_achievement", "decisions_in_force_on"]

CATALOGUE_PATH = re.compile(r"^/catalogue/(?P<credential>[1-9][0-9]{0,8})(?:/v(?P<number>[1-9][0-9]{0,4}))?/?$")


@dataclass(frozen=True)
class AchievementMatch:
    """The public catalogue version the achievement names, and how it was matched ("url" or "title")."""

    version: SpecificationVersion
    by: str


def _public_versions():
    return select(SpecificationVersion).where(SpecificationVersion.is_public)


def _by_url(url: str) -> SpecificationVersion | None:
    """The public version a catalogue URL of this portal names (the latest public one for /catalogue/<id>)."""
    parts, base = urlsplit(url), urlsplit(public_base_url())
    match = CATALOGUE_PATH.match(parts.path)
    if parts.netloc.lower() != base.netloc.lower() or match is None:
        return None
    query = _public_versions().where(SpecificationVersion.micro_credential_id == int(match["credential"]))
    if match["number"]:
        query = query.where(SpecificationVersion.number == int(match["number"]))
    return db.session.scalars(query.order_by(SpecificationVersion.number.desc()).limit(1)).first()


def _institutions_named(name: str) -> list[int]:
    folded = name.strip().lower()
    return list(db.session.scalars(select(Institution.id).where(or_(
        func.lower(Institution.name_en) == folded, func.lower(Institution.name_hy) == folded,
        func.lower(Institution.short_name) == folded))))


def _by_title(title: str, institution_ids: list[int]) -> SpecificationVersion | None:
    """The latest public version titled so (English or Armenian, any case) of one of the institutions' micro-
    credentials; None when nothing or several different micro-credentials match."""
    folded = title.strip().lower()
    versions = db.session.scalars(
        _public_versions().join(SpecificationVersion.micro_credential)
        .where(MicroCredential.institution_id.in_(institution_ids),
               or_(func.lower(SpecificationVersion.title_en) == folded,
                   func.lower(SpecificationVersion.title_hy) == folded))
        .order_by(SpecificationVersion.number.desc())).all()
    if len({version.micro_credential_id for version in versions}) != 1:
        return None
    return versions[0]


def match_achievement(achievement: dict, institution: Institution | None, issuer_name: str | None) \
        -> AchievementMatch | None:
    """The catalogue version the achievement is: its id (or the issuer's url for it) when it is a catalogue URL of
    this portal, else its name among the micro-credentials of the registered institution (or of the institution whose
    name the issuer or the achievement's creator carries)."""
    for url in (achievement.get("id"), achievement.get("url")):
        if isinstance(url, str):
            version = _by_url(url)
            if version is not None:
                return AchievementMatch(version, "url")
    name = achievement.get("name")
    if not isinstance(name, str) or not name.strip():
        return None
    institution_ids = [institution.id] if institution else []
    creator = achievement.get("creator")
    for candidate in (issuer_name, creator.get("name") if isinstance(creator, dict) else None):
        if not institution_ids and isinstance(candidate, str) and candidate.strip():
            institution_ids = _institutions_named(candidate)
    version = _by_title(name, institution_ids) if institution_ids else None
    return AchievementMatch(version, "title") if version else None


def decisions_in_force_on(micro_credential_id: int, day: date) -> list[Decision]:
    """Published positive or conditional decisions on a version of the micro-credential whose validity covers the day
    and that had not been superseded (by a decision published by then) or returned on appeal by then."""
    later = aliased(Decision)
    day_end = datetime.combine(day + timedelta(days=1), datetime.min.time())
    covers = exists().where(
        CaseSpecification.case_id == Decision.case_id,
        SpecificationVersion.id == CaseSpecification.specification_version_id,
        SpecificationVersion.micro_credential_id == micro_credential_id)
    replaced = exists().where(later.supersedes_id == Decision.id, later.published_at.is_not(None),
                              later.published_at < day_end)
    overturned = exists().where(Appeal.decision_id == Decision.id, Appeal.outcome == AppealOutcome.RETURN,
                                Appeal.decided_at < day_end)
    return list(db.session.scalars(
        select(Decision).join(Outcome, Outcome.id == Decision.outcome_id)
        .where(Decision.published_at.is_not(None), Outcome.kind.in_(LABELLED_KINDS), covers,
               and_(Decision.valid_from <= day, Decision.valid_to >= day), not_(replaced), not_(overturned))
        .order_by(Decision.id)))
