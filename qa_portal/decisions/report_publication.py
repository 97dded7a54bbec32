"""The published panel report (ESG 2.6): the frozen final version of a published decision's case, rendered as a PDF
by the reviews stage's report_pdf. Never a draft or the working copy; the frozen content holds only the report
itself (panel names and roles, each standard's findings and judgement, the conclusion and recommended outcome),
none of the members' scores or the site-visit notes."""
from qa_portal.reviews.models import Case, PanelReportVersion
from qa_portal.reviews.report_pdf import report_pdf
from qa_portal.decisions.models import Decision
from qa_portal.decisions.publication import final_version_of

__all__ = ["published_report_version", "published_report_pdf"]


def published_report_version(decision: Decision) -> PanelReportVersion | None:
    """The final frozen report version published with the decision; None while the decision is unpublished or the
    case has no final version."""
    if not decision.is_published:
        return None
    return final_version_of(decision.case)


def _printable_content(version: PanelReportVersion, case: Case) -> dict:
    """The frozen content marked final, with the cover's case details taken from the case where it lacks them."""
    content = dict(version.content)
    cover = {"reference": case.reference, "institution": case.institution.name_en,
             "institution_hy": case.institution.name_hy or "", "standard_version": case.standard_version.label}
    content["case"] = {**cover, **(content.get("case") or {})}
    content["final"], content["number"] = True, content.get("number") or version.number
    for key, default in (("panel", []), ("sections", []), ("overall_conclusion", ""),
                         ("recommended_outcome", None), ("recommendation_reason", "")):
        content.setdefault(key, default)
    return content


def published_report_pdf(decision: Decision) -> bytes | None:
    """The published panel report of the decision as a PDF (no watermark, the final version's SHA-256 stated); None
    when there is nothing published to render."""
    version = published_report_version(decision)
    if version is None:
        return None
    return report_pdf(_printable_content(version, decision.case), version.sha256)
