"""The ready-made draft: QA standards for micro-credentials built on ESG 2015 Part 1 and the ten principles
of the Council Recommendation of 16 June 2022 (Annex II), written in the project's own words.

References: `esg` lists ESG Part 1 items (1.1–1.10); `principles` lists the Recommendation's principles:
1 quality, 2 transparency, 3 relevance, 4 valid assessment, 5 learning pathways, 6 recognition,
7 portability, 8 learner-centred, 9 authenticity, 10 information and guidance."""
from qa_portal.extensions import db
from qa_portal.standards import services
from qa_portal.standards.models import StandardSet

SET_CODE = "mc-pilot"
SET_TITLE = "QA standards for micro-credentials (pilot)"
SET_TITLE_HY = "Միկրոհավաստագրերի որակի ապահովման չափորոշիչներ (փորձնական)"
SET_DESCRIPTION = (
    "The standards against which the agency reviews micro-credentials offered by higher-education "
    "institutions in the pilot. They apply the European Standards and Guidelines (ESG 2015, Part 1) to "
    "small units of learning and add what the EU Council Recommendation on micro-credentials (2022) expects."
)

DECISION_RULE = (
    "The panel judges every criterion on the compliance scale and gives reasons with the evidence it relied on. "
    "The outcome is positive when every mandatory criterion is fully or substantially compliant. "
    "It is positive with conditions when no mandatory criterion is non-compliant and at most three are partially "
    "compliant; each such criterion becomes a condition with a due date. "
    "It is negative when any mandatory criterion is non-compliant, or when more than three are partially compliant. "
    "Criteria marked not applicable need a written reason and do not count towards the outcome."
)

# (code, title, statement, guidelines, ESG Part 1 refs, principle refs, [(code, text, evidence, mandatory)])
STANDARDS = [
    ("S1", "Quality policy that covers micro-credentials",
     "The institution has a public quality-assurance policy that explicitly includes its micro-credentials and "
     "is part of its strategic management.",
     "Micro-credentials are often created quickly, with partners or for new groups of learners. The policy should "
     "say who is responsible for their quality, how they fit the institution's mission, and how learners, staff and "
     "employers are involved.",
     ["1.1"], [1, 8],
     [("C1.1", "The published QA policy names micro-credentials and the processes that apply to them.",
       "Policy document with the date and body that approved it; link to its public page.", True),
      ("C1.2", "Internal and external stakeholders, including learners and employers, take part in developing "
               "and applying the policy.",
       "Minutes or membership lists of the bodies involved; examples of stakeholder input.", True),
      ("C1.3", "Roles and responsibilities for the quality of each micro-credential are assigned and known.",
       "Organisation chart or role descriptions; the named person responsible for each micro-credential.", False)]),
    ("S2", "Design and approval",
     "Each micro-credential is designed to meet an identified need and approved through a formal process that "
     "checks its learning outcomes, level and workload.",
     "Designing a micro-credential starts from a need of learners, employers or society. The approval checks that "
     "learning outcomes are stated, referenced to the right level of the national framework and hence the EQF, and "
     "that the notional workload is realistic and expressed in ECTS wherever possible.",
     ["1.2"], [3, 5],
     [("C2.1", "The need the micro-credential meets is identified and documented, with the target group.",
       "Needs analysis, labour-market data or letters from employers.", True),
      ("C2.2", "Learning outcomes, level (NQF/EQF) and workload in ECTS are stated and were checked at approval.",
       "Approved specification; minutes of the approving body.", True),
      ("C2.3", "Options for stacking or integrating the micro-credential into a larger qualification are defined.",
       "Stackability rules; recognition agreements with programmes.", False)]),
    ("S3", "Learner-centred learning and valid assessment",
     "Learning activities encourage learners to take an active role, and assessment shows reliably that the "
     "stated learning outcomes have been achieved.",
     "Assessment criteria are published in advance and applied consistently. Where the micro-credential is taken "
     "online, the institution chooses a level of supervision and identity verification that fits the stakes of "
     "the credential and says which it uses.",
     ["1.3"], [4, 8],
     [("C3.1", "Assessment methods are aligned with the learning outcomes and their criteria are published in "
               "advance.",
       "Assessment plan; published assessment criteria; samples of marked work.", True),
      ("C3.2", "Supervision and identity verification during assessment are defined and applied.",
       "Assessment regulations; proctoring or identity-check procedure.", True),
      ("C3.3", "Learners receive timely feedback and can appeal an assessment result.",
       "Feedback samples; appeal procedure and its use.", True)]),
    ("S4", "Admission, recognition and certification",
     "Rules for admission, recognition of prior learning and certification are published and applied "
     "consistently, and the certificate carries the information needed to trust and recognise it.",
     "The certificate (preferably digital and owned by the learner) contains the mandatory European standard "
     "elements: learner, title, issuer's country, awarding body, date, learning outcomes, workload, level, type "
     "of assessment, form of participation and type of quality assurance.",
     ["1.4"], [6, 7, 9],
     [("C4.1", "Admission requirements and the recognition of prior learning are published and applied "
               "consistently.",
       "Published admission rules; records of recognition decisions.", True),
      ("C4.2", "The certificate contains every mandatory European standard element and can be verified as "
               "authentic.",
       "Sample certificate; verification service or procedure.", True),
      ("C4.3", "The certificate is issued in a portable digital format that the learner can store and share.",
       "Sample digital credential (for example European Digital Credentials for Learning).", False)]),
    ("S5", "Teaching staff, learning resources and support",
     "Staff who teach and assess are competent for the subject and the mode of delivery, and learners have "
     "adequate resources and support.",
     "Short and online formats need staff skilled in online teaching and, often, practitioners from the field. "
     "Learners who study part-time or at a distance need support they can reach when they study.",
     ["1.5", "1.6"], [8],
     [("C5.1", "Teaching staff are qualified in the subject and prepared for the mode of delivery.",
       "Staff profiles; records of training in online or blended teaching.", True),
      ("C5.2", "Learning resources and learner support are adequate and accessible for the target group.",
       "Description of the learning platform, library access and support services; learner survey results.",
       True)]),
    ("S6", "Information management, monitoring and review",
     "The institution collects and uses information on its micro-credentials and reviews them periodically, "
     "involving learners and peers, to improve them.",
     "Useful information includes enrolment and completion rates, learner satisfaction and what learners do next. "
     "Reviews consider whether the micro-credential still meets the need it was designed for.",
     ["1.7", "1.9"], [1, 3],
     [("C6.1", "Data on enrolment, completion, learner feedback and progression are collected and analysed.",
       "Monitoring reports; survey instruments and results.", True),
      ("C6.2", "Periodic reviews involve learners and peers, and the resulting actions are carried out and "
               "communicated.",
       "Review reports; action plans and evidence of follow-up.", True)]),
    ("S7", "Public information",
     "Clear, accurate and up-to-date information on each micro-credential is published and easy to find, and "
     "earlier descriptions remain available.",
     "Learners, employers and guidance services need the full description, including every mandatory standard "
     "element, before enrolling. A description should not disappear when the course is revised or closed.",
     ["1.8"], [2, 10],
     [("C7.1", "The published description of each micro-credential includes every mandatory standard element and "
               "is kept up to date.",
       "Links to the public pages; the date each was last checked.", True),
      ("C7.2", "The offer is listed in national or European registries and catalogues where possible.",
       "Registry or catalogue entries.", False)]),
    ("S8", "Cyclical external quality assurance and partnerships",
     "The institution's micro-credential provision is part of its regular external quality assurance, and "
     "responsibilities for quality are agreed with any partners.",
     "When micro-credentials are offered with employers or other providers, a written agreement sets out who is "
     "responsible for design, delivery, assessment and certification.",
     ["1.10"], [1, 6],
     [("C8.1", "Micro-credentials are included in the institution's cyclical external quality assurance, and "
               "earlier recommendations have been followed up.",
       "Latest external review report; follow-up report.", True),
      ("C8.2", "Agreements with partners set out responsibilities for quality.",
       "Signed partnership agreements.", False)]),
]


def load_default_standards(actor=None) -> tuple[StandardSet, bool]:
    """Create the default set with a draft version 1 and its content, unless a set with its code exists."""
    existing = services.find_standard_set(SET_CODE)
    if existing is not None:
        return existing, False
    standard_set = services.create_standard_set(actor, SET_CODE, SET_TITLE, SET_TITLE_HY, SET_DESCRIPTION)
    version = standard_set.versions[0]
    services.update_version_details(actor, version, DECISION_RULE,
                                    "First draft, built on ESG 2015 Part 1 and the Council Recommendation.")
    for code, title, statement, guidelines, esg, principles, criteria in STANDARDS:
        standard = services.add_standard(actor, version, code, title, statement, guidelines, esg, principles)
        for criterion_code, text, evidence, mandatory in criteria:
            services.add_criterion(actor, standard, criterion_code, text, evidence, mandatory)
    db.session.flush()
    return standard_set, True
