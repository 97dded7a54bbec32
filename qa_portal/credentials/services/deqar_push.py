"""Push published reports to DEQAR's Submission API v2 (reference/deqar.md §1, §3): each decision's report is checked
with the portal's DEQAR rules, POSTed once (after asking DEQAR whether its local identifier already exists, so a run
that died after a POST never duplicates it), PUT in full when its content changes, and its deletion requested when
DEQAR must no longer show it (overturned on appeal, case withdrawn). Idempotent: an unchanged, accepted report is
not sent again. DEQAR's answer — report id, flag, warnings or errors — is kept for the officers' page."""
import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import or_, select

from qa_portal.audit.services import record
from qa_portal.core.models import utcnow
from qa_portal.credentials.models import DeqarPush, PushState
from qa_portal.credentials.services.deqar_client import DeqarAnswer, DeqarClient, DeqarUnreachable
from qa_portal.decisions.models import AppealOutcome, Decision
from qa_portal.extensions import db
from qa_portal.registry.services.deqar.build import checked_report, decision_sequences
from qa_portal.registry.services.queries import changed_since, published_decisions
from qa_portal.reviews.models import CaseState

__all__ = ["PushResult", "client_from_config", "must_show", "decisions_to_push", "push_decision", "report_hash",
           "deqar_messages"]

BATCH = 200


@dataclass(frozen=True)
class PushResult:
    """What one decision's push did: posted, updated, deleted, unchanged, invalid, refused, failed (or would_*)."""

    decision_id: int
    local_identifier: str
    action: str
    message: str = ""


def client_from_config() -> DeqarClient:
    """A client for QA_DEQAR_API_URL with QA_DEQAR_TOKEN and the configured retries."""
    config = current_app.config
    return DeqarClient(config["QA_DEQAR_API_URL"], config["QA_DEQAR_TOKEN"],
                       attempts=config["QA_DEQAR_PUSH_ATTEMPTS"],
                       backoff_seconds=config["QA_DEQAR_PUSH_BACKOFF_SECONDS"],
                       timeout_seconds=config["QA_DEQAR_TIMEOUT_SECONDS"])


def must_show(decision: Decision) -> bool:
    """DEQAR keeps superseded and expired reports as history (their validity says so); a decision overturned on
    appeal, or of a withdrawn case, must no longer be shown."""
    overturned = decision.appeal is not None and decision.appeal.outcome == AppealOutcome.RETURN
    return not overturned and decision.case.state != CaseState.WITHDRAWN


def report_hash(report: dict) -> str:
    """SHA-256 of the report's canonical JSON: a different hash means DEQAR's copy is out of date."""
    return hashlib.sha256(json.dumps(report, sort_keys=True, separators=(",", ":")).encode("utf-8")).hexdigest()


def deqar_messages(body, prefix: str = "") -> list[str]:
    """DEQAR's errors or warnings as lines "field[0].sub: message", whatever the nesting of its DRF error object."""
    if isinstance(body, str):
        return [f"{prefix}: {body}" if prefix else body]
    if isinstance(body, list):
        messages = []
        for index, item in enumerate(body):
            item_prefix = f"{prefix}[{index}]" if prefix and not isinstance(item, str) else prefix
            messages += deqar_messages(item, item_prefix)
        return messages
    if isinstance(body, dict):
        messages = []
        for name, value in body.items():
            name = "" if name == "non_field_errors" else name
            messages += deqar_messages(value, ".".join(part for part in (prefix, name) if part))
        return messages
    return [str(body)]


def decisions_to_push(since: datetime | None):
    """Published decisions in id order, in batches (constant memory): all, or those whose public record changed since
    the date plus those whose last push failed."""
    statement = published_decisions()
    if since is not None:
        failed = select(DeqarPush.decision_id).where(DeqarPush.state == PushState.FAILED)
        statement = statement.where(or_(changed_since(since), Decision.id.in_(failed)))
    last_id = 0
    while True:
        batch = list(db.session.scalars(statement.where(Decision.id > last_id).order_by(Decision.id)
                                        .limit(BATCH)).unique())
        if not batch:
            return
        sequences = decision_sequences(batch)
        for decision in batch:
            yield decision, sequences[decision.id]
        last_id = batch[-1].id


def _store(push: DeqarPush | None, decision: Decision, local_identifier: str, state: PushState, **values) -> DeqarPush:
    if push is None:
        push = DeqarPush(decision_id=decision.id, local_identifier=local_identifier, attempts=0)
        db.session.add(push)
    push.state, push.pushed_at = state, utcnow()
    push.attempts = (push.attempts or 0) + values.pop("attempts", 0)
    for name, value in values.items():
        setattr(push, name, value)
    db.session.flush()
    return push


def _existing_report_id(client: DeqarClient, report: dict) -> tuple[str | None, int]:
    """DEQAR's id for the local identifier if it already has the report (check/local-identifier)."""
    answer = client.request("GET", "check/local-identifier",
                            query={"agency": report["agency"], "local_identifier": report["local_identifier"]})
    body = answer.body if isinstance(answer.body, dict) else {}
    if answer.status == 200 and body.get("id") is not None:
        return str(body["id"]), answer.attempts
    return None, answer.attempts


def _accepted(answer: DeqarAnswer) -> bool:
    return (answer.status == 200 and isinstance(answer.body, dict)
            and answer.body.get("submission_status") == "success")


def _delete(actor, client: DeqarClient, decision: Decision, push: DeqarPush | None, local_identifier: str,
            dry_run: bool) -> PushResult:
    if push is None or push.report_id is None or push.state == PushState.DELETION_REQUESTED:
        return PushResult(decision.id, local_identifier, "unchanged", "Not shown in DEQAR; nothing to delete.")
    if dry_run:
        return PushResult(decision.id, local_identifier, "would_delete", f"DEQAR report {push.report_id}")
    answer = client.request("DELETE", f"delete/report/{push.report_id}/")
    if answer.status == 200:
        _store(push, decision, local_identifier, PushState.DELETION_REQUESTED, attempts=answer.attempts,
               response={"status": answer.status, "body": answer.body},
               messages=["Deletion requested: DEQAR flags the report and its staff confirm the deletion."])
        record(actor, "deqar.delete", decision, f"{local_identifier}: deletion of DEQAR report {push.report_id} "
                                                "requested", {"report_id": push.report_id})
        return PushResult(decision.id, local_identifier, "deleted", f"DEQAR report {push.report_id}")
    messages = deqar_messages(answer.body) or [f"HTTP {answer.status}"]
    _store(push, decision, local_identifier, PushState.REFUSED, attempts=answer.attempts, messages=messages,
           response={"status": answer.status, "body": answer.body})
    return PushResult(decision.id, local_identifier, "refused", "; ".join(messages))


def _send(actor, client: DeqarClient, decision: Decision, push: DeqarPush | None, report: dict,
          content_hash: str) -> PushResult:
    local_identifier = report["local_identifier"]
    report_id, attempts = (push.report_id, 0) if push and push.report_id else _existing_report_id(client, report)
    if report_id:
        answer = client.request("PUT", "submit/report", {**report, "report_id": report_id})
    else:
        answer = client.request("POST", "submit/report", report)
    attempts += answer.attempts
    if _accepted(answer):
        body = answer.body
        submitted = body.get("submitted_report") or {}
        new_id = str(submitted.get("id", report_id))
        warnings = deqar_messages(body.get("report_warnings") or []) + deqar_messages(
            body.get("institution_warnings") or [])
        _store(push, decision, local_identifier, PushState.SENT, attempts=attempts, report_id=new_id,
               content_hash=content_hash, flag=body.get("report_flag"), messages=warnings,
               response={"status": answer.status, "body": body})
        action = "updated" if report_id else "posted"
        record(actor, f"deqar.{'put' if report_id else 'post'}", decision,
               f"{local_identifier}: report {action} in DEQAR as {new_id}",
               {"report_id": new_id, "flag": body.get("report_flag")})
        return PushResult(decision.id, local_identifier, action, f"DEQAR report {new_id}, flag "
                                                                 f"{body.get('report_flag', 'none')}")
    errors = answer.body.get("errors", answer.body) if isinstance(answer.body, dict) else answer.body
    messages = deqar_messages(errors) or [f"HTTP {answer.status}"]
    _store(push, decision, local_identifier, PushState.REFUSED, attempts=attempts, messages=messages,
           report_id=report_id, response={"status": answer.status, "body": answer.body})
    record(actor, "deqar.refused", decision, f"{local_identifier}: DEQAR refused the report",
           {"status": answer.status, "messages": messages})
    return PushResult(decision.id, local_identifier, "refused", "; ".join(messages))


def push_decision(actor, client: DeqarClient, decision: Decision, sequence: int, dry_run: bool = False) -> PushResult:
    """Bring DEQAR's copy of one decision's report up to date; a dry run only says what it would do."""
    report, problems = checked_report(decision, sequence)
    local_identifier = report["local_identifier"]
    push = db.session.scalar(select(DeqarPush).where(DeqarPush.decision_id == decision.id))
    if not must_show(decision):
        return _delete(actor, client, decision, push, local_identifier, dry_run)
    if problems:
        messages = [f"{problem.field}: {problem.message}" for problem in problems]
        if not dry_run:
            _store(push, decision, local_identifier, PushState.INVALID, messages=messages)
        return PushResult(decision.id, local_identifier, "invalid", "; ".join(messages))
    content_hash = report_hash(report)
    if push is not None and push.state == PushState.SENT and push.content_hash == content_hash:
        return PushResult(decision.id, local_identifier, "unchanged", f"DEQAR report {push.report_id}")
    if dry_run:
        verb = "would_put" if push is not None and push.report_id else "would_post"
        return PushResult(decision.id, local_identifier, verb, "valid report")
    try:
        return _send(actor, client, decision, push, report, content_hash)
    except DeqarUnreachable as error:
        _store(push, decision, local_identifier, PushState.FAILED, attempts=error.attempts, messages=[str(error)])
        return PushResult(decision.id, local_identifier, "failed", str(error))
