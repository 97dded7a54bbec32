"""The public catalogue of published micro-credentials, with permanent per-version pages (no sign-in)."""
from decimal import Decimal, InvalidOperation

from flask import abort, redirect, render_template, request, url_for
from sqlalchemy import func, or_, select
from sqlalchemy.orm import contains_eager, selectinload

from qa_portal.core.access import public
from qa_portal.core.input_checks import parse_id
from qa_portal.core.pagination import paginate
from qa_portal.extensions import db
from qa_portal.pilots.models import (Institution, MicroCredential, PublicQaStatus, SpecificationStatus,
                                     SpecificationVersion)
from qa_portal.pilots.models.reference import isced_fields
from qa_portal.pilots.services.qa_status import public_qa_status, with_public_status
from qa_portal.pilots.views import bp
from qa_portal.pilots.views.display import element_context

CATALOGUE_PAGE_SIZE = 20
FILTER_NAMES = ("q", "institution", "eqf", "field", "ects_min", "ects_max", "qa")


def _decimal(text: str) -> Decimal | None:
    try:
        value = Decimal(text.replace(",", "."))
    except (InvalidOperation, ValueError):
        return None
    return value if value.is_finite() else None


def _latest_published():
    """Subquery: the newest published version number of each micro-credential."""
    return (
        select(SpecificationVersion.micro_credential_id, func.max(SpecificationVersion.number).label("number"))
        .where(SpecificationVersion.status == SpecificationStatus.PUBLISHED)
        .group_by(SpecificationVersion.micro_credential_id)
        .subquery()
    )


def catalogue_query(filters: dict):
    """The latest published version of each micro-credential matching the filters, institution eager-loaded."""
    latest = _latest_published()
    query = (
        select(SpecificationVersion)
        .join(latest, (latest.c.micro_credential_id == SpecificationVersion.micro_credential_id)
              & (latest.c.number == SpecificationVersion.number))
        .join(SpecificationVersion.micro_credential)
        .join(MicroCredential.institution)
        .options(contains_eager(SpecificationVersion.micro_credential).contains_eager(MicroCredential.institution),
                 contains_eager(SpecificationVersion.micro_credential).options(with_public_status()))
        .order_by(SpecificationVersion.title_en, SpecificationVersion.id)
    )
    if filters["q"]:
        # lower() on both sides for Latin titles; the typed text as is for scripts SQLite cannot lower-case.
        lowered, exact = f"%{filters['q'].lower()}%", f"%{filters['q']}%"
        query = query.where(or_(func.lower(SpecificationVersion.title_en).like(lowered),
                                func.lower(SpecificationVersion.title_hy).like(lowered),
                                SpecificationVersion.title_en.like(exact),
                                SpecificationVersion.title_hy.like(exact)))
    if institution_id := parse_id(filters["institution"]):
        query = query.where(MicroCredential.institution_id == institution_id)
    if filters["eqf"] == "na":
        query = query.where(SpecificationVersion.eqf_not_applicable.is_(True))
    elif eqf_level := parse_id(filters["eqf"]):
        query = query.where(SpecificationVersion.eqf_level == eqf_level)
    if filters["field"].isascii() and filters["field"].isdigit():
        query = query.where(SpecificationVersion.isced_f_code.like(f"{filters['field']}%"))
    ects_min, ects_max = _decimal(filters["ects_min"]), _decimal(filters["ects_max"])
    if ects_min is not None:
        query = query.where(SpecificationVersion.ects >= ects_min)
    if ects_max is not None:
        query = query.where(SpecificationVersion.ects <= ects_max)
    if filters["qa"] in {status.value for status in PublicQaStatus}:
        query = query.where(public_qa_status(MicroCredential.id) == filters["qa"])
    return query


@bp.route("/catalogue")
@public
def catalogue():
    filters = {name: (request.args.get(name) or "").strip()[:200] for name in FILTER_NAMES}
    page = paginate(catalogue_query(filters), CATALOGUE_PAGE_SIZE)
    institutions = db.session.scalars(
        select(Institution).where(Institution.id.in_(  # only institutions with something published (no drafts)
            select(MicroCredential.institution_id).join(MicroCredential.versions)
            .where(SpecificationVersion.status == SpecificationStatus.PUBLISHED)))
        .order_by(Institution.name_en)
    ).all()
    broad_fields = {code: name for code, name in isced_fields().items() if len(code) == 2}
    return render_template("pilots/catalogue.html", page=page, filters=filters, institutions=institutions,
                           broad_fields=broad_fields, **element_context())


def _public_credential(credential_id: int) -> MicroCredential:
    credential = db.session.scalar(
        select(MicroCredential).where(MicroCredential.id == credential_id).options(
            selectinload(MicroCredential.institution),
            selectinload(MicroCredential.versions).selectinload(SpecificationVersion.outcomes),
            with_public_status(),
        )
    )
    if credential is None or not any(version.is_public for version in credential.versions):
        abort(404)
    return credential


@bp.route("/catalogue/<int:credential_id>")
@public
def catalogue_entry(credential_id: int):
    credential = _public_credential(credential_id)
    version = credential.latest_published or [v for v in credential.versions if v.is_public][-1]
    return redirect(url_for("pilots.catalogue_version", credential_id=credential.id, number=version.number))


@bp.route("/catalogue/<int:credential_id>/v<int:number>")
@public
def catalogue_version(credential_id: int, number: int):
    credential = _public_credential(credential_id)
    version = next((v for v in credential.versions if v.number == number and v.is_public), None)
    if version is None:
        abort(404)
    history = [v for v in credential.versions if v.is_public]
    return render_template("pilots/catalogue_version.html", credential=credential, version=version,
                           history=history, latest_published=credential.latest_published, **element_context())
