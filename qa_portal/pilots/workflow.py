"""The pilots' lifecycles on the core engine: calls, specification versions and applications.

Each status column here is assigned by its Workflow only (tests/test_architecture.py checks this over the AST).

call:           draft ─open─► open ─close─► closed ─complete_selection─► selection_done
specification:  draft ─publish─► published ─withdraw (reason)─► withdrawn
                draft ─publish_reviewed (the system's, when a published QA decision covers it)─► published
application:    draft ─submit─► submitted;  draft, submitted ─withdraw (reason)─► withdrawn
"""
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from qa_portal.core.dates import format_moment
from qa_portal.audit.services import record
from qa_portal.core.models import utcnow
from qa_portal.core.workflow import Transition, TransitionRefused, Workflow
from qa_portal.extensions import db
from qa_portal.pilots.models import (
    Application, ApplicationAction, ApplicationStatus, Call, CallAction, CallStatus, SelectionOutcome,
    SpecificationAction, SpecificationStatus, SpecificationVersion,
)
from qa_portal.pilots.models.specification_rules import completeness
from qa_portal.pilots.permissions import (
    can_close_call, can_complete_selection, can_open_call, can_publish_specification_version,
    can_submit_application, can_withdraw_application, can_withdraw_specification_version,
)
from qa_portal.pilots.signals import selection_completed
from qa_portal.standards.models import VersionStatus

# --- labels ---------------------------------------------------------------------------------------------------------

CALL_STATUS_LABELS = {
    CallStatus.DRAFT: _l("draft"),
    CallStatus.OPEN: _l("open"),
    CallStatus.CLOSED: _l("closed"),
    CallStatus.SELECTION_DONE: _l("selection done"),
}
CALL_ACTION_LABELS = {
    CallAction.OPEN: _l("Open the call"),
    CallAction.CLOSE: _l("Close the call"),
    CallAction.COMPLETE_SELECTION: _l("Complete selection"),
}
SPECIFICATION_STATUS_LABELS = {
    SpecificationStatus.DRAFT: _l("draft"),
    SpecificationStatus.PUBLISHED: _l("published"),
    SpecificationStatus.WITHDRAWN: _l("withdrawn"),
}
SPECIFICATION_ACTION_LABELS = {
    SpecificationAction.PUBLISH: _l("Publish"),
    SpecificationAction.PUBLISH_REVIEWED: _l("Publish with the QA decision"),
    SpecificationAction.WITHDRAW: _l("Withdraw"),
}
APPLICATION_STATUS_LABELS = {
    ApplicationStatus.DRAFT: _l("draft"),
    ApplicationStatus.SUBMITTED: _l("submitted"),
    ApplicationStatus.WITHDRAWN: _l("withdrawn"),
}
APPLICATION_ACTION_LABELS = {
    ApplicationAction.SUBMIT: _l("Submit application"),
    ApplicationAction.WITHDRAW: _l("Withdraw"),
}


# --- the call --------------------------------------------------------------------------------------------------------

def _require_approved_standards(call: Call, _data: dict) -> None:
    """A call opens only while the standard-set version it applies is still approved."""
    if call.standard_version.status != VersionStatus.APPROVED:
        raise TransitionRefused(_("The call's standard-set version %(label)s is no longer approved; bind the call to "
                                  "an approved version before opening it.", label=call.standard_version.label))


def _require_selection_criteria(call: Call, _data: dict) -> None:
    """A call opens only with at least one selection criterion to score applications against."""
    if not call.criteria:
        raise TransitionRefused(_("Add at least one selection criterion before opening the call."))


def _require_future_closing(call: Call, _data: dict) -> None:
    """A call opens only while its closing date is still ahead."""
    if call.closes_at <= utcnow():
        raise TransitionRefused(_("The closing date has passed: move it to the future before opening the call."))


def _submitted(call: Call) -> list[Application]:
    """The call's submitted applications (drafts and withdrawn ones take no part in the selection)."""
    return [application for application in call.applications if application.status == ApplicationStatus.SUBMITTED]


def selected_applications(call: Call) -> list[Application]:
    """The call's submitted applications whose selection decision is "selected"."""
    return [application for application in _submitted(call)
            if application.decision is not None and application.decision.outcome == SelectionOutcome.SELECTED]


def _require_every_application_decided(call: Call, _data: dict) -> None:
    """The selection completes only once every submitted application has a selection decision."""
    undecided = [application for application in _submitted(call) if application.decision is None]
    if undecided:
        raise TransitionRefused(_("Every submitted application needs a selection decision first (%(count)d without "
                                  "one).", count=len(undecided)))


def _require_at_most_max_pilots(call: Call, _data: dict) -> None:
    """No more applications are selected than the call allows pilots."""
    selected = selected_applications(call)
    if len(selected) > call.max_pilots:
        raise TransitionRefused(_("At most %(max)d applications may be selected; %(count)d are.",
                                  max=call.max_pilots, count=len(selected)))


def _stamp_opened(call: Call, _actor, _data: dict) -> None:
    """Opening records when the call opened."""
    call.opened_at = utcnow()


def _stamp_closed(call: Call, _actor, _data: dict) -> None:
    """Closing records when the call closed."""
    call.closed_at = utcnow()


def _stamp_selection_completed(call: Call, _actor, _data: dict) -> None:
    """Completing the selection records when it was completed."""
    call.selection_completed_at = utcnow()


def _announce_selection(call: Call, actor, _data: dict) -> None:
    """Downstream stages hear which applications were selected (reviews opens one case per application)."""
    selection_completed.send(call, actor=actor, applications=selected_applications(call))


C = CallStatus
CALL_WORKFLOW = Workflow(
    name="call", state_attr="status", states=CallStatus, actions=CallAction,
    state_labels=CALL_STATUS_LABELS, action_labels=CALL_ACTION_LABELS, describe=lambda call: f"Call {call.id}",
    object_label=_l("this call"),
    transitions={
        CallAction.OPEN: Transition(
            {C.DRAFT}, C.OPEN, can_open_call,
            guards=(_require_approved_standards, _require_selection_criteria, _require_future_closing),
            effects=(_stamp_opened,)),
        CallAction.CLOSE: Transition({C.OPEN}, C.CLOSED, can_close_call, effects=(_stamp_closed,)),
        CallAction.COMPLETE_SELECTION: Transition(
            {C.CLOSED}, C.SELECTION_DONE, can_complete_selection,
            guards=(_require_every_application_decided, _require_at_most_max_pilots),
            effects=(_stamp_selection_completed, _announce_selection)),
    },
)
del C


# --- the specification version ---------------------------------------------------------------------------------------

def _require_latest(version: SpecificationVersion, _data: dict) -> None:
    """Only the newest version of a micro-credential is published on request."""
    if version is not version.micro_credential.latest_version:
        raise TransitionRefused(_("Only the latest version can be published."))


def _require_complete(version: SpecificationVersion, _data: dict) -> None:
    """A version is published only once every mandatory element is filled in."""
    percent, missing = completeness(version)
    if missing:
        raise TransitionRefused(_("This specification is %(percent)s%% complete; it cannot be published before "
                                  "these elements are filled in: %(missing)s.", percent=percent,
                                  missing=", ".join(missing)))


def _stamp_published(version: SpecificationVersion, _actor, _data: dict) -> None:
    """Publication records when the version became public."""
    version.published_at = utcnow()


def _stamp_withdrawn(version: SpecificationVersion, _actor, data: dict) -> None:
    """Withdrawal keeps the reason and the date; the version stays readable at its URL, marked withdrawn."""
    version.withdrawn_at = utcnow()
    version.withdrawal_reason = data["reason"]


S = SpecificationStatus
SPECIFICATION_WORKFLOW = Workflow(
    name="specification", state_attr="status", states=SpecificationStatus, actions=SpecificationAction,
    state_labels=SPECIFICATION_STATUS_LABELS, action_labels=SPECIFICATION_ACTION_LABELS,
    describe=lambda version: f"“{version.title_en}” v{version.number}", object_label=_l("this version"),
    reason_field="reason",
    transitions={
        SpecificationAction.PUBLISH: Transition(
            {S.DRAFT}, S.PUBLISHED, can_publish_specification_version, guards=(_require_latest, _require_complete),
            effects=(_stamp_published,),
            confirm=_l("This version becomes public in the catalogue at a permanent address and can no longer be "
                       "changed: a later change is a new version. The agency and everyone reading the catalogue see "
                       "it.")),
        SpecificationAction.PUBLISH_REVIEWED: Transition(  # the system's, with a published QA decision (ESG 2.6)
            {S.DRAFT}, S.PUBLISHED, None, effects=(_stamp_published,)),
        SpecificationAction.WITHDRAW: Transition(  # the withdrawal form on the specification page takes it
            {S.PUBLISHED}, S.WITHDRAWN, can_withdraw_specification_version, requires_reason=True, danger=True,
            button=False, effects=(_stamp_withdrawn,),
            confirm=_l("This published version is withdrawn for good, with your reasons: the public catalogue and "
                       "the institution show it as withdrawn and no new application can name it.")),
    },
)
del S


def freeze_specification_version(actor, version: SpecificationVersion) -> SpecificationVersion:
    """Freeze a version because an application or case uses it; later edits make a new version."""
    if version.frozen_at is None:
        version.frozen_at = utcnow()
        db.session.flush()
        record(actor, "specification.freeze", version.micro_credential,
               f"Froze version {version.number} of “{version.title_en}”", {"version": version.number})
    return version


# --- the application -------------------------------------------------------------------------------------------------

def ensure_call_accepts(call: Call, doing) -> None:
    """Refuse (409) unless the call is open and inside its opening and closing date-times."""
    now = utcnow()
    if call.status != CallStatus.OPEN:
        raise TransitionRefused(_("This call is not open (it is %(status)s); you cannot %(doing)s.",
                                  status=CALL_STATUS_LABELS[call.status], doing=doing))
    if now < call.opens_at:
        raise TransitionRefused(_("This call opens on %(when)s UTC; you cannot %(doing)s yet.",
                                  when=format_moment(call.opens_at), doing=doing))
    if now >= call.closes_at:
        raise TransitionRefused(_("This call closed on %(when)s UTC; late applications are refused.",
                                  when=format_moment(call.closes_at)))


def _require_call_accepting(application: Application, _data: dict) -> None:
    """An application is submitted only while its call accepts submissions."""
    ensure_call_accepts(application.call, _l("submit"))


def _require_motivation(application: Application, _data: dict) -> None:
    """An application is submitted only with its motivation written."""
    if not application.motivation.strip():
        raise TransitionRefused(_("Write your motivation before submitting."), field="motivation")


def _require_specifications(application: Application, _data: dict) -> None:
    """An application names at least one specification, each complete in its latest version."""
    if not application.specification_links:
        raise TransitionRefused(_("Choose at least one of your institution's micro-credential specifications."),
                                field="specification_ids")
    for link in application.specification_links:
        version = link.specification.latest_version
        percent, missing = completeness(version)
        if missing:
            raise TransitionRefused(
                _("The specification “%(title)s” is incomplete (%(percent)d%%); complete it first. Missing: "
                  "%(missing)s.", title=version.title_en, percent=percent, missing=", ".join(missing)),
                field="specification_ids")


def _require_selection_pending(application: Application, _data: dict) -> None:
    """An application is withdrawn only until its call's selection is complete (then the case is withdrawn)."""
    if application.call.status == CallStatus.SELECTION_DONE:
        raise TransitionRefused(_("The selection is complete; withdraw from the review case instead."))


def _freeze_specification_versions(application: Application, actor, _data: dict) -> None:
    """Submission freezes the specification versions it uses: later edits create new versions."""
    for link in application.specification_links:
        link.specification_version_id = freeze_specification_version(actor, link.specification.latest_version).id


def _stamp_submitted(application: Application, actor, _data: dict) -> None:
    """Submission records when and by whom."""
    application.submitted_at = utcnow()
    application.submitted_by_id = getattr(actor, "id", None)


def _stamp_application_withdrawn(application: Application, _actor, data: dict) -> None:
    """Withdrawal records when and why."""
    application.withdrawn_at = utcnow()
    application.withdrawal_reason = data["reason"]


A = ApplicationStatus
APPLICATION_WORKFLOW = Workflow(
    name="application", state_attr="status", states=ApplicationStatus, actions=ApplicationAction,
    state_labels=APPLICATION_STATUS_LABELS, action_labels=APPLICATION_ACTION_LABELS,
    describe=lambda application: f"Application {application.id}", object_label=_l("this application"),
    reason_field="reason",
    transitions={
        ApplicationAction.SUBMIT: Transition(
            {A.DRAFT}, A.SUBMITTED, can_submit_application,
            guards=(_require_call_accepting, _require_motivation, _require_specifications),
            effects=(_stamp_submitted, _freeze_specification_versions)),
        ApplicationAction.WITHDRAW: Transition(  # the withdrawal form (with its reason) takes it
            {A.DRAFT, A.SUBMITTED}, A.WITHDRAWN, can_withdraw_application, guards=(_require_selection_pending,),
            requires_reason=True, danger=True, button=False, effects=(_stamp_application_withdrawn,),
            confirm=_l("The application is withdrawn for good and leaves the selection; the agency sees it as "
                       "withdrawn, with your reasons.")),
    },
)
del A
