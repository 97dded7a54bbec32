"""Demo standards: the default set with version 1 approved (after a short consultation) and version 2 in
consultation with stakeholders' comments, some answered, so comparison, consultation report, public page
and PDF can be seen right after `make run`."""
from qa_portal.demo.accounts import demo_user
from qa_portal.standards import services
from qa_portal.standards.services.default_content import load_default_standards
from qa_portal.standards.models import CommentResponse, StakeholderType, StandardVersion, VersionStatus

# Version 1's consultation: (email, stakeholder type, standard code or None, comment, response, answer)
V1_COMMENTS = [
    ("hei-a@example.org", StakeholderType.HEI, "S4",
     "Please say which certificate elements are mandatory; institutions need a checklist.",
     CommentResponse.ACCEPTED, "The guidelines of S4 now list the mandatory elements of the certificate."),
    ("employer@example.org", StakeholderType.EMPLOYER, None,
     "Employers should be involved when a micro-credential is designed, not only consulted afterwards.",
     CommentResponse.PARTLY, "S1 and S2 ask for stakeholder involvement in the policy and in identifying the need; "
                             "a separate employer standard was not added."),
]

# Version 2's consultation; answer None leaves the comment waiting for the officer.
V2_COMMENTS = [
    ("hei-a@example.org", StakeholderType.HEI, "S2",
     "Workload in ECTS is not always possible for very short courses; allow hours as an alternative.",
     CommentResponse.ACCEPTED, "Criterion C2.2 now accepts notional hours where ECTS cannot be assigned."),
    ("student@example.org", StakeholderType.STUDENT, "S9",
     "Good that learners are involved. Please require that learners sit on the body that reviews the "
     "micro-credential, not only answer surveys.",
     CommentResponse.PARTLY, "C9.1 asks for learner participation in reviews; the form is left to the institution."),
    ("hei-b@example.org", StakeholderType.HEI, "S3",
     "Online proctoring is expensive. Could supervised assessment at a partner site count as identity verification?",
     None, None),
    # Pasted as a list, so it starts with "-": the consultation CSV writes it as text ('- …), never as a formula.
    ("employer@example.org", StakeholderType.EMPLOYER, "S5",
     "- Practitioners who teach on micro-credentials need a short pedagogical induction.\n"
     "- Their teaching hours should count in the staff workload.", None, None),
    ("academic@example.org", StakeholderType.OTHER, None,
     "The decision rule should explain how a condition is followed up.", None, None),
]


def _comment_and_answer(officer, version: StandardVersion, comments) -> None:
    by_code = {standard.code: standard for standard in version.standards}
    for email, kind, code, text, response, answer in comments:
        author = demo_user(email)
        if author is None:
            continue
        comment = services.add_comment(author, version, by_code.get(code), text)
        if response is not None:
            services.answer_comment(officer, comment, response, answer)


def _revise(officer, version: StandardVersion) -> None:
    """Version 2's changes: reworded texts, a removed criterion, a new standard on learner involvement."""
    by_code = {standard.code: standard for standard in version.standards}
    s2 = by_code["S2"]
    services.update_standard(
        officer, s2, s2.code, s2.title,
        "Each micro-credential is designed with its stakeholders to meet an identified need and approved through a "
        "formal process that checks its learning outcomes, level, workload and assessment.",
        s2.guidelines, s2.esg_refs, s2.principle_refs)
    c22 = next(c for c in s2.criteria if c.code == "C2.2")
    services.update_criterion(
        officer, c22, c22.code,
        "Learning outcomes, level (NQF/EQF) and workload in ECTS, or in notional hours where ECTS cannot be "
        "assigned, are stated and were checked at approval.", c22.expected_evidence, c22.mandatory)
    s4 = by_code["S4"]
    services.delete_criterion(officer, next(c for c in s4.criteria if c.code == "C4.3"))
    s9 = services.add_standard(
        officer, version, "S9", "Learner involvement in quality assurance",
        "Learners take part in the internal quality assurance of micro-credentials, and their feedback visibly "
        "leads to improvements.",
        "Learners of short courses are easy to overlook: they leave quickly. Their feedback should be collected "
        "before they leave, and some should take part in reviews.", ["1.3", "1.9"], [8])
    services.add_criterion(officer, s9, "C9.1", "Learners take part in the periodic review of the micro-credential.",
                           "Membership of review bodies; minutes.", True)
    services.add_criterion(officer, s9, "C9.2", "Learners are told what changed as a result of their feedback.",
                           "Published 'you said, we did' summaries.", False)
    services.update_version_details(
        officer, version, version.decision_rule.replace("at most three", "at most two").replace(
            "more than three", "more than two"),
        "Version 2 answers the first consultation: a new standard on learner involvement (S9), hours accepted "
        "where ECTS cannot be assigned, the portable-certificate criterion folded into C4.2, and a stricter "
        "threshold for conditions.")


def load() -> bool:
    """Create the default set; if it is a fresh draft, approve version 1 and open version 2's consultation."""
    officer = demo_user("officer@example.org")
    if officer is None:
        return False
    standard_set, created = load_default_standards(officer)
    versions = standard_set.versions
    if len(versions) != 1 or versions[0].status != VersionStatus.DRAFT:
        return created
    first = versions[0]
    services.open_consultation(officer, first)
    _comment_and_answer(officer, first, V1_COMMENTS)
    services.approve_version(officer, first)
    second = services.start_new_version(officer, standard_set)
    _revise(officer, second)
    services.open_consultation(officer, second)
    _comment_and_answer(officer, second, V2_COMMENTS)
    return True
