"""The catalogue resources of the API: published micro-credentials, institutions with something published, and
published standard-set versions. Each mirrors its public HTML page's rule for what is public; drafts, members,
emails and consultation comments never appear. A page of any list runs a fixed number of SQL queries."""
from collections import defaultdict
from datetime import datetime

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import aliased, joinedload, selectinload

from qa_portal.core.access import public
from qa_portal.decisions.models import Decision
from qa_portal.decisions.services.qa_status import decision_standing
from qa_portal.extensions import db
from qa_portal.pilots.models import (Institution, MicroCredential, Outcome, PublicQaStatus, SpecificationStatus,
                                     SpecificationVersion)
from qa_portal.pilots.services.qa_status import public_qa_status, with_public_status
from qa_portal.registry.services.errors import ApiError
from qa_portal.registry.services.paging import json_response, keyset_page, list_response
from qa_portal.registry.services.params import (choice_param, datetime_param, int_param, limit_param, reject_unknown,
                                       text_param)
from qa_portal.registry.services.serializers.catalogue import (QaDecision, institution_detail_json, micro_credential_json,
                                                      standard_version_json)
from qa_portal.registry.views import bp
from qa_portal.reviews.models import Case, CaseSpecification
from qa_portal.standards.models import Standard, StandardSet, StandardVersion, VersionStatus
from qa_portal.standards.permissions import published_standard_versions

PAGING = {"limit", "cursor"}
PUBLISHED_STANDARD_STATUSES = {VersionStatus.APPROVED.value, VersionStatus.SUPERSEDED.value,
                               VersionStatus.WITHDRAWN.value}


def _not_found(resource: str, identifier: int) -> ApiError:
    """The 404 for an id that is unknown or not published (the two are indistinguishable on purpose)."""
    return ApiError(404, "not_found", f"No published {resource} with id {identifier}.",
                    {"resource": resource, "id": identifier})


def _text_like(columns, text: str):
    """Any column contains text (`%` and `_` taken literally): lower() on both sides for Latin, the typed text as is
    for scripts SQLite cannot lower-case (Armenian), as the catalogue searches."""
    literal = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    lowered, exact = f"%{literal.lower()}%", f"%{literal}%"
    return or_(*[func.lower(column).like(lowered, escape="\\") for column in columns],
               *[column.like(exact, escape="\\") for column in columns])


# --- micro-credentials ---------------------------------------------------------------------------------------

def _published_credential_ids() -> Select:
    """Ids of micro-credentials with at least one published version: exactly those the public catalogue lists."""
    return select(SpecificationVersion.micro_credential_id).where(
        SpecificationVersion.status == SpecificationStatus.PUBLISHED)


def _latest_published_versions():
    """Subquery: each micro-credential's newest published version number (the catalogue's entry)."""
    return (select(SpecificationVersion.micro_credential_id, func.max(SpecificationVersion.number).label("number"))
            .where(SpecificationVersion.status == SpecificationStatus.PUBLISHED)
            .group_by(SpecificationVersion.micro_credential_id).subquery())


def published_micro_credentials() -> Select:
    """Published micro-credentials with their institution and public versions (with outcomes) loaded; the draft
    versions are never even read."""
    return (select(MicroCredential)
            .where(MicroCredential.id.in_(_published_credential_ids()))
            .options(joinedload(MicroCredential.institution), with_public_status(),
                     selectinload(MicroCredential.versions.and_(
                         SpecificationVersion.is_public))
                     .selectinload(SpecificationVersion.outcomes)))


def _credentials_covered_by_decisions(*conditions) -> Select:
    """Ids of micro-credentials a version of which a case with a decision meeting the conditions reviewed."""
    return (select(SpecificationVersion.micro_credential_id)
            .join(CaseSpecification, CaseSpecification.specification_version_id == SpecificationVersion.id)
            .join(Decision, Decision.case_id == CaseSpecification.case_id).where(*conditions))


def _updated_since(statement: Select, since: datetime) -> Select:
    """Micro-credentials whose record (QA status), a public version, or a published decision on them changed at or
    after since: the same times as the `updated_at` served."""
    changed_versions = select(SpecificationVersion.micro_credential_id).where(
        SpecificationVersion.is_public, SpecificationVersion.updated_at >= since)
    return statement.where(or_(MicroCredential.updated_at >= since, MicroCredential.id.in_(changed_versions),
                               MicroCredential.id.in_(_credentials_covered_by_decisions(Decision.published_at >= since))))


def _title_matches(statement: Select, text: str) -> Select:
    """Micro-credentials whose latest published title (English or Armenian) contains text."""
    latest = _latest_published_versions()
    matching = (select(SpecificationVersion.micro_credential_id)
                .join(latest, (latest.c.micro_credential_id == SpecificationVersion.micro_credential_id)
                      & (latest.c.number == SpecificationVersion.number))
                .where(_text_like([SpecificationVersion.title_en, SpecificationVersion.title_hy], text)))
    return statement.where(MicroCredential.id.in_(matching))


def qa_decisions(credential_ids: list[int]) -> dict[int, list[QaDecision]]:
    """The published decisions on cases that reviewed a version of each micro-credential, oldest first, each with
    its standing today and the published decision replacing it (one query; the status follows the latest)."""
    if not credential_ids:
        return {}
    later = aliased(Decision)
    replacing = (select(later.id).where(later.supersedes_id == Decision.id, later.published_at.is_not(None))
                 .correlate(Decision).scalar_subquery())
    rows = db.session.execute(
        select(SpecificationVersion.micro_credential_id, Decision.id, Decision.published_at, Outcome.code,
               Outcome.kind, decision_standing(Decision), replacing)
        .join(CaseSpecification, CaseSpecification.specification_version_id == SpecificationVersion.id)
        .join(Decision, Decision.case_id == CaseSpecification.case_id)
        .join(Outcome, Outcome.id == Decision.outcome_id)
        .where(SpecificationVersion.micro_credential_id.in_(credential_ids), Decision.published_at.is_not(None))
        .distinct().order_by(Decision.published_at, Decision.id))
    decisions: dict[int, list[QaDecision]] = defaultdict(list)
    for credential_id, *facts in rows:
        decisions[credential_id].append(QaDecision(*facts))
    return decisions


@bp.route("/micro-credentials")
@public
def micro_credential_list():
    """Published micro-credentials (at least one published version, as the catalogue), by id; filters
    `updated_since`, `institution` (id), `q` (title), `qa_status`."""
    reject_unknown({"updated_since", "institution", "q", "qa_status"} | PAGING)
    limit = limit_param()
    statement = published_micro_credentials()
    if (since := datetime_param("updated_since")) is not None:
        statement = _updated_since(statement, since)
    if (institution_id := int_param("institution")) is not None:
        statement = statement.where(MicroCredential.institution_id == institution_id)
    if (text := text_param("q")) is not None:
        statement = _title_matches(statement, text)
    if (status := choice_param("qa_status", {status.value for status in PublicQaStatus})) is not None:
        statement = statement.where(public_qa_status(MicroCredential.id) == status)
    credentials, next_cursor = keyset_page(statement, MicroCredential.id, "micro-credentials", limit)
    decisions = qa_decisions([credential.id for credential in credentials])
    return list_response([micro_credential_json(credential, decisions.get(credential.id, []))
                          for credential in credentials], next_cursor, limit)


@bp.route("/micro-credentials/<int:specification_id>")
@public
def micro_credential_detail(specification_id: int):
    """One published micro-credential; 404 when it has no published version (drafts only, or withdrawn)."""
    reject_unknown(set())
    credential = db.session.scalars(
        published_micro_credentials().where(MicroCredential.id == specification_id)).unique().one_or_none()
    if credential is None:
        raise _not_found("micro-credential", specification_id)
    return json_response(micro_credential_json(credential, qa_decisions([credential.id]).get(credential.id, [])))


# --- institutions --------------------------------------------------------------------------------------------

def public_institutions() -> Select:
    """Institutions with something published: a micro-credential with a published version (in the catalogue) or a
    published decision (in the register). Others (only drafts, only cases in progress) are not listed."""
    with_credentials = select(MicroCredential.institution_id).where(
        MicroCredential.id.in_(_published_credential_ids()))
    with_decisions = select(Case.institution_id).join(Decision, Decision.case_id == Case.id).where(
        Decision.published_at.is_not(None))
    return select(Institution).where(or_(Institution.id.in_(with_credentials), Institution.id.in_(with_decisions)))


def publication_counts(institution_ids: list[int]) -> tuple[dict[int, int], dict[int, int]]:
    """How many published micro-credentials and published decisions each institution has (two GROUP BY queries)."""
    if not institution_ids:
        return {}, {}
    credentials = dict(db.session.execute(
        select(MicroCredential.institution_id, func.count(MicroCredential.id))
        .where(MicroCredential.institution_id.in_(institution_ids),
               MicroCredential.id.in_(_published_credential_ids()))
        .group_by(MicroCredential.institution_id)).all())
    decisions = dict(db.session.execute(
        select(Case.institution_id, func.count(Decision.id)).join(Decision, Decision.case_id == Case.id)
        .where(Case.institution_id.in_(institution_ids), Decision.published_at.is_not(None))
        .group_by(Case.institution_id)).all())
    return credentials, decisions


def _institutions_json(institutions: list[Institution]) -> list[dict]:
    """The institutions with their publication counts and links."""
    credentials, decisions = publication_counts([institution.id for institution in institutions])
    return [institution_detail_json(institution, credentials.get(institution.id, 0), decisions.get(institution.id, 0))
            for institution in institutions]


@bp.route("/institutions")
@public
def institution_list():
    """Institutions with a published micro-credential or a published decision, by id; filters `updated_since`
    (the institution's own record) and `q` (English or Armenian name, acronym)."""
    reject_unknown({"updated_since", "q"} | PAGING)
    limit = limit_param()
    statement = public_institutions()
    if (since := datetime_param("updated_since")) is not None:
        statement = statement.where(Institution.updated_at >= since)
    if (text := text_param("q")) is not None:
        statement = statement.where(_text_like([Institution.name_en, Institution.name_hy, Institution.short_name],
                                               text))
    institutions, next_cursor = keyset_page(statement, Institution.id, "institutions", limit)
    return list_response(_institutions_json(institutions), next_cursor, limit)


@bp.route("/institutions/<int:institution_id>")
@public
def institution_detail(institution_id: int):
    """One institution with something published; 404 for one with nothing published or an unknown id."""
    reject_unknown(set())
    institution = db.session.scalar(public_institutions().where(Institution.id == institution_id))
    if institution is None:
        raise _not_found("institution", institution_id)
    return json_response(_institutions_json([institution])[0])


# --- standards -----------------------------------------------------------------------------------------------

def published_standards() -> Select:
    """Standard-set versions with a public page (approved, superseded, withdrawn after approval), with their set,
    standards, criteria and compliance scale loaded; drafts and versions in consultation never."""
    return published_standard_versions().options(
        joinedload(StandardVersion.standard_set),
        selectinload(StandardVersion.standards).selectinload(Standard.criteria),
        selectinload(StandardVersion.levels))


@bp.route("/standards")
@public
def standard_list():
    """Published standard-set versions with their standards and criteria, by id; filters `set` (code), `status`
    (approved = in force, superseded, withdrawn) and `updated_since`."""
    reject_unknown({"set", "status", "updated_since"} | PAGING)
    limit = limit_param()
    statement = published_standards()
    if (code := text_param("set", max_length=40)) is not None:
        statement = statement.where(StandardVersion.standard_set_id.in_(
            select(StandardSet.id).where(StandardSet.code == code.lower())))
    if (status := choice_param("status", PUBLISHED_STANDARD_STATUSES)) is not None:
        statement = statement.where(StandardVersion.status == VersionStatus(status))
    if (since := datetime_param("updated_since")) is not None:
        statement = statement.where(StandardVersion.updated_at >= since)
    versions, next_cursor = keyset_page(statement, StandardVersion.id, "standards", limit)
    return list_response([standard_version_json(version) for version in versions], next_cursor, limit)


@bp.route("/standards/<int:version_id>")
@public
def standard_detail(version_id: int):
    """One published standard-set version; 404 for a draft, a version in consultation or an unknown id."""
    reject_unknown(set())
    version = db.session.scalars(published_standards().where(StandardVersion.id == version_id)).unique().one_or_none()
    if version is None:
        raise _not_found("standard version", version_id)
    return json_response(standard_version_json(version))
