"""Every kind of message the portal sends: its category (for preferences), subject, what happened, what to do and
the link's label — lazy strings with %(reference)s-style placeholders, rendered in the recipient's language.

Bodies never carry confidential content (no scores, findings, reasons or file names): only what to do, by when, and
the link to the page where the recipient reads the rest after signing in."""
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

# Account and security mail is always sent at once and cannot be opted out of; the rest may wait for a daily
# digest or be turned off per category.
ACCOUNT = "account"
DIGEST = "digest"  # the digest itself is never held for a digest
OPTIONAL_CATEGORIES = {
    "panels": _l("Panels and conflicts of interest"),
    "cases": _l("Review cases"),
    "decisions": _l("Decisions and appeals"),
    "calls": _l("Pilot calls"),
    "consultations": _l("Consultations on standards"),
    "reminders": _l("Reminders of deadlines"),
}


@dataclass(frozen=True)
class MessageKind:
    """One kind of message: who may turn it off (category) and its words."""

    key: str
    category: str
    subject: object
    summary: object
    action: object
    link_label: object

    @property
    def optional(self) -> bool:
        """Whether preferences (digest, opt-out) apply: everything except account and security mail."""
        return self.category not in (ACCOUNT, DIGEST)


KINDS: dict[str, MessageKind] = {}


def _kind(key, category, subject, summary, action, link_label) -> MessageKind:
    KINDS[key] = MessageKind(key, category, subject, summary, action, link_label)
    return KINDS[key]


_kind("expert_proposed", "panels",
      _l("%(reference)s: you are proposed for the expert panel"),
      _l("You are proposed as a member (%(role)s) of the expert panel of review case %(reference)s (%(institution)s)."),
      _l("Sign your declaration of interests before you can see the case's documents."),
      _l("Open your declaration"))
_kind("conflict_flagged", "panels",
      _l("%(reference)s: a conflict of interest to rule on"),
      _l("A proposed panel member of case %(reference)s has a declared or detected conflict of interest."),
      _l("Rule on the conflict: mitigated, with reasons, or upheld."),
      _l("Open the panel"))
_kind("conflict_ruled", "panels",
      _l("%(reference)s: ruling on your conflict of interest"),
      _l("The coordinating officer ruled on your declaration for case %(reference)s."),
      _l("Read the ruling on the panel page."),
      _l("Open the panel"))
_kind("objection_raised", "panels",
      _l("%(reference)s: the institution objects to a panel member"),
      _l("The institution raised an objection to a proposed member of the panel of case %(reference)s."),
      _l("Read the objection and rule on it: upheld or rejected, with reasons."),
      _l("Open the panel"))
_kind("objection_ruled", "panels",
      _l("%(reference)s: ruling on your objection"),
      _l("The coordinating officer ruled on your objection to a panel member of case %(reference)s."),
      _l("Read the ruling on the panel page."),
      _l("Open the panel"))
_kind("panel_confirmed", "cases",
      _l("%(reference)s: the panel is confirmed and the desk review started"),
      _l("The expert panel of case %(reference)s is confirmed and has started its desk review."),
      _l("See who sits on the panel; nothing is needed from you now."),
      _l("Open the case"))
_kind("scoring_started", "panels",
      _l("%(reference)s: the desk review started — score by %(due)s"),
      _l("The desk review of case %(reference)s (%(institution)s) has started."),
      _l("Read the self-evaluation and evidence, then score every criterion and submit your scores."),
      _l("Open your scoring"))
_kind("ser_submitted", "cases",
      _l("%(reference)s: self-evaluation submitted"),
      _l("%(institution)s submitted the self-evaluation of case %(reference)s."),
      _l("Screen the self-evaluation: accept it or return it with reasons."),
      _l("Open the case"))
_kind("ser_returned", "cases",
      _l("%(reference)s: your self-evaluation was returned"),
      _l("The coordinating officer returned the self-evaluation of case %(reference)s with reasons."),
      _l("Read the reasons on the case page, revise the self-evaluation and submit it again by %(due)s."),
      _l("Open the case"))
_kind("ser_accepted", "cases",
      _l("%(reference)s: your self-evaluation was accepted"),
      _l("The self-evaluation of case %(reference)s was accepted; the expert panel is now being formed."),
      _l("You will be asked about the proposed panel members; nothing is needed from you now."),
      _l("Open the case"))
_kind("factual_check", "cases",
      _l("%(reference)s: the draft report awaits your factual-accuracy check until %(due)s"),
      _l("The panel's draft report on case %(reference)s is ready for your factual-accuracy check."),
      _l("Read the draft and comment on any factual error before the window closes."),
      _l("Open the draft report"))
_kind("comments_in", "cases",
      _l("%(reference)s: the institution's factual-accuracy comments"),
      _l("The factual-accuracy window of case %(reference)s has closed with the institution's comments."),
      _l("Answer each comment and finalise the report."),
      _l("Open the report"))
_kind("report_final", "cases",
      _l("%(reference)s: the panel report is final"),
      _l("The panel report on case %(reference)s (%(institution)s) is final and the case awaits the council's decision."),
      _l("Prepare the case for the council meeting."),
      _l("Open the case"))
_kind("decision_published", "decisions",
      _l("%(reference)s: the decision is published"),
      _l("The council's decision on case %(reference)s (%(institution)s) is published in the register."),
      _l("Read the decision and its letter in the register."),
      _l("Open the decision"))
_kind("appeal_lodged", "decisions",
      _l("%(reference)s: an appeal was lodged"),
      _l("%(institution)s lodged an appeal against the decision on case %(reference)s."),
      _l("Rule on its admissibility; the appeals body decides by %(due)s."),
      _l("Open the appeal"))
_kind("appeal_decided", "decisions",
      _l("%(reference)s: your appeal was decided"),
      _l("Your appeal on case %(reference)s was decided."),
      _l("Read the outcome and its reasons on the appeal page."),
      _l("Open the case"))
_kind("meeting_agenda", "decisions",
      _l("Council meeting of %(due)s: %(count)s case(s) on the agenda"),
      _l("You are listed as present at the council meeting “%(title)s” on %(due)s, with %(count)s case(s) awaiting a "
         "decision."),
      _l("Read each case's final report and declare your interests in each case before the meeting."),
      _l("Open the meeting"))
_kind("call_opened", "calls",
      _l("A new pilot call is open: %(title)s"),
      _l("The pilot call “%(title)s” is open for applications."),
      _l("Read the call and apply by %(due)s."),
      _l("Open the call"))
_kind("consultation_opened", "consultations",
      _l("Consultation opened: %(title)s"),
      _l("The draft standards “%(title)s” are open for consultation."),
      _l("Read the draft and comment on it."),
      _l("Open the consultation"))
_kind("set_password", ACCOUNT,
      _l("Your QA Portal account: set your password"),
      _l("An account was prepared for you on the QA Portal (%(email)s)."),
      _l("Choose your password with the link below; it works once and expires in %(hours)s hours."),
      _l("Set your password"))
_kind("reminder", "reminders",
      _l("%(reference)s: reminder — %(task)s due %(due)s"),
      _l("A reminder about case %(reference)s: %(task)s is due on %(due)s."),
      _l("Do it before the due date, or ask the coordinating officer for an extension."),
      _l("Open the task"))
_kind("overdue", "reminders",
      _l("%(reference)s: overdue — %(task)s was due %(due)s"),
      _l("On case %(reference)s, %(task)s was due on %(due)s and is not done."),
      _l("Do it now, or ask the coordinating officer for an extension."),
      _l("Open the task"))
_kind("escalation", "reminders",
      _l("%(reference)s: still overdue after the last reminder — %(task)s"),
      _l("On case %(reference)s, %(task)s (due %(due)s, %(person)s) is still not done after the last reminder."),
      _l("Contact the person responsible or extend the deadline."),
      _l("Open the case"))
_kind("digest", DIGEST,
      _l("QA Portal: your daily summary (%(count)s messages)"),
      _l("Here is what happened on the QA Portal since your last summary."),
      _l("Open each link to act on it."),
      _l("Open My work"))
