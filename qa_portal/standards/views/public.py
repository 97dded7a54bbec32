"""Public pages: published standard-set versions at permanent URLs (/standards/<set code>/v<number>) and their PDF."""
from flask import Response, abort, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from qa_portal.core.access import public
from qa_portal.extensions import db
from qa_portal.standards.models import Standard, StandardSet, StandardVersion, VersionStatus
from qa_portal.standards.pdf import standard_version_pdf
from qa_portal.standards.permissions import published_standard_versions
from qa_portal.standards.views import bp
from qa_portal.standards.workflow import STATUS_LABELS


@bp.route("/standards/")
@public
def public_index():
    versions = db.session.scalars(
        published_standard_versions().options(selectinload(StandardVersion.standard_set))
        .order_by(StandardVersion.standard_set_id, StandardVersion.number.desc())
    ).all()
    sets: dict[int, tuple[StandardSet, list[StandardVersion]]] = {}
    for version in versions:
        sets.setdefault(version.standard_set_id, (version.standard_set, []))[1].append(version)
    return render_template("standards/public_index.html", sets=list(sets.values()), status_labels=STATUS_LABELS)


def _load_published(code: str, number: int) -> StandardVersion:
    version = db.session.scalar(
        published_standard_versions().join(StandardVersion.standard_set)
        .where(StandardSet.code == code.lower(), StandardVersion.number == number)
        .options(selectinload(StandardVersion.standards).selectinload(Standard.criteria),
                 selectinload(StandardVersion.levels))
    )
    if version is None:
        abort(404)
    return version


@bp.route("/standards/<code>")
@public
def public_set(code: str):
    current = db.session.scalar(
        select(StandardVersion).join(StandardVersion.standard_set)
        .where(StandardSet.code == code.lower(), StandardVersion.status == VersionStatus.APPROVED)
        .order_by(StandardVersion.number.desc()).limit(1))
    if current is None:
        abort(404)
    return redirect(url_for("standards.public_version", code=current.standard_set.code, number=current.number))


@bp.route("/standards/<code>/v<int:number>")
@public
def public_version(code: str, number: int):
    version = _load_published(code, number)
    current = db.session.scalar(
        select(StandardVersion).where(StandardVersion.standard_set_id == version.standard_set_id,
                                      StandardVersion.status == VersionStatus.APPROVED))
    return render_template("standards/public_version.html", version=version, current=current,
                           status_labels=STATUS_LABELS, signed_in=current_user.is_authenticated)


@bp.route("/standards/<code>/v<int:number>/pdf")
@public
def public_version_pdf(code: str, number: int):
    version = _load_published(code, number)
    filename = f"{version.standard_set.code}-v{version.number}.pdf"
    return Response(standard_version_pdf(version), mimetype="application/pdf",
                    headers={"Content-Disposition": f"inline; filename={filename}"})
