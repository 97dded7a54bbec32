"""Demo institutions' details and micro-credential specifications: published ones (one in two versions, one
withdrawn) and an incomplete draft, so the catalogue and the completeness check can be seen after `make run`."""
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from qa_portal.demo.accounts import demo_user
from qa_portal.extensions import db
from qa_portal.pilots.models import (
    AssessmentType, CertificateType, Institution, InstitutionType, LearningMode, MicroCredential, ParticipationForm,
    QfEheaCycle, SpecificationVersion, Stackability, Supervision,
)
from qa_portal.pilots.services import specifications as services

INSTITUTION_DETAILS = {
    "HEI-A": {"country": "AM", "national_id": "AM-HEI-0101", "deqar_id": "DEQARINST9001", "eter_id": "AM0901",
              "website": "https://university-a.example.org", "institution_type": InstitutionType.UNIVERSITY},
    "HEI-B": {"country": "AM", "national_id": "AM-HEI-0202", "deqar_id": "DEQARINST9002", "eter_id": None,
              "website": "https://institute-b.example.org", "institution_type": InstitutionType.OTHER_PROVIDER},
}

COMMON = {
    "issuer_countries": ["AM"], "languages": ["hy", "en"], "supervision": Supervision.SUPERVISED_WITH_ID,
    "certificate_type": CertificateType.ASSESSMENT_BASED, "ects_override_reason": "", "nqf_level": None,
    "valid_from": date(2026, 9, 1), "valid_to": date(2028, 8, 31), "title_hy": "", "assessment_details": "",
    "prerequisites": "", "stackable_towards": "", "eqf_not_applicable": False, "qf_ehea_cycle": None,
}


def _spec(**data) -> dict:
    return {**COMMON, **data}


# (institution short name, content, what happens to it: "publish", "publish_twice", "withdraw", "draft")
DEMO_SPECIFICATIONS = [
    ("HEI-A", _spec(
        title_en="Data literacy for public administration",
        title_hy="Տվյալների գրագիտություն պետական կառավարման համար",
        awarding_bodies=["Demo University A"],
        short_description="Civil servants learn to find, clean, analyse and present public data so that policy "
                          "choices rest on evidence. Taught in the evening over ten weeks, with a data project "
                          "on an open government data set.",
        ects=Decimal("6"), notional_hours=160, eqf_level=6, nqf_level=6, qf_ehea_cycle=QfEheaCycle.FIRST,
        isced_f_code="0613", assessment_type=AssessmentType.SKILL_APPLICATION,
        assessment_details="A data project (60%) and a short oral defence (40%).",
        participation_form=ParticipationForm.BLENDED, learning_mode=LearningMode.PART_TIME,
        grading_scale="0–20, pass mark 8", prerequisites="A first-cycle degree, or two years' work in public administration.",
        stackability=Stackability.STACKABLE, stackable_towards="MA in Public Administration (Demo University A)",
        further_learning="The 6 credits count towards the MA in Public Administration and its data track.",
        qa_type="Internal QA of Demo University A (programme approval and annual review); ANQA institutional "
                "accreditation; Micro-GEAR pilot review.",
        outcomes=[
            {"statement": "Locate and assess the quality of open government data sets.", "esco_uris": []},
            {"statement": "Clean, document and analyse a public data set with a spreadsheet or Python.", "esco_uris": []},
            {"statement": "Present findings to decision makers in plain language and clear charts.", "esco_uris": []},
            {"statement": "Apply data-protection rules when handling personal data.", "esco_uris": []},
        ],
    ), "publish_twice"),
    ("HEI-A", _spec(
        title_en="Cybersecurity essentials for small businesses",
        title_hy="Կիբեռանվտանգության հիմունքներ փոքր բիզնեսի համար",
        awarding_bodies=["Demo University A", "Armenian Chamber of Commerce (demo partner)"],
        short_description="Owners and staff of small firms learn to protect accounts, devices and customer data, "
                          "and to respond to an incident.",
        ects=Decimal("4"), notional_hours=110, eqf_level=5, nqf_level=5, qf_ehea_cycle=QfEheaCycle.SHORT,
        isced_f_code="0612", assessment_type=AssessmentType.TESTING,
        assessment_details="An online test under proctoring and a practical incident exercise.",
        participation_form=ParticipationForm.ONLINE, learning_mode=LearningMode.SELF_PACED,
        grading_scale="Pass / fail", stackability=Stackability.STANDALONE,
        further_learning="Prepares for the university's IT security short programme.",
        qa_type="Internal QA of Demo University A; industry advisory board review; Micro-GEAR pilot review.",
        outcomes=[
            {"statement": "Set up multi-factor authentication and password management for a small team.", "esco_uris": []},
            {"statement": "Recognise phishing and social-engineering attempts.", "esco_uris": []},
            {"statement": "Write and test a simple incident-response plan.", "esco_uris": []},
        ],
    ), "publish"),
    ("HEI-A", _spec(
        title_en="Sustainable tourism management",
        awarding_bodies=["Demo University A"],
        short_description="Draft: for tourism SMEs in Syunik and Tavush. Outcomes and assessment still to be written.",
        ects=Decimal("5"), notional_hours=130, isced_f_code="1015",
        participation_form=ParticipationForm.ONSITE, outcomes=[],
        certificate_type=None, supervision=None, languages=["hy"],
    ), "draft"),
    ("HEI-B", _spec(
        title_en="Green public procurement",
        title_hy="Կանաչ պետական գնումներ",
        awarding_bodies=["Demo Institute B"],
        short_description="Procurement officers learn to write environmental criteria into tenders and to "
                          "evaluate offers on life-cycle cost.",
        ects=Decimal("5"), notional_hours=140, eqf_level=7, nqf_level=7, qf_ehea_cycle=QfEheaCycle.SECOND,
        isced_f_code="0413", assessment_type=AssessmentType.PORTFOLIO,
        assessment_details="A portfolio with a tender draft and a life-cycle cost comparison.",
        participation_form=ParticipationForm.BLENDED, learning_mode=LearningMode.PART_TIME,
        grading_scale="A–F (ECTS grading table)", prerequisites="A first-cycle degree and work in procurement.",
        stackability=Stackability.STANDALONE,
        further_learning="Recognised by the Procurement Agency's continuing-education scheme.",
        qa_type="Internal QA of Demo Institute B; Micro-GEAR pilot review.",
        outcomes=[
            {"statement": "Write environmental award criteria that comply with the procurement law.", "esco_uris": []},
            {"statement": "Compare offers on life-cycle cost.", "esco_uris": []},
        ],
    ), "publish"),
    ("HEI-B", _spec(
        title_en="Teaching with digital tools",
        title_hy="Ուսուցում թվային գործիքներով",
        awarding_bodies=["Demo Institute B"],
        short_description="School and college teachers design an online unit and assess it fairly.",
        ects=Decimal("3"), notional_hours=80, eqf_level=None, eqf_not_applicable=True,
        isced_f_code="0114", assessment_type=AssessmentType.PORTFOLIO,
        participation_form=ParticipationForm.ONLINE, learning_mode=LearningMode.SELF_PACED,
        grading_scale="Pass / fail", certificate_type=CertificateType.ATTENDANCE,
        supervision=Supervision.UNSUPERVISED_NO_ID, stackability=Stackability.STANDALONE,
        further_learning="Counts as 30 hours of teachers' continuing professional development.",
        qa_type="Internal QA of Demo Institute B.",
        outcomes=[{"statement": "Design an online learning unit with aligned assessment.", "esco_uris": []}],
    ), "withdraw"),
]

SECOND_VERSION_CHANGES = {
    "Data literacy for public administration": {
        "notional_hours": 165,
        "short_description": "Civil servants learn to find, clean, analyse and present public data so that policy "
                             "choices rest on evidence. Taught in the evening over ten weeks, with a data project on "
                             "an open government data set and a new unit on data protection.",
    },
}


def demo_specification(title_en: str) -> MicroCredential | None:
    """The demo micro-credential whose first version has this English title (for other demo loaders)."""
    return db.session.scalar(
        select(MicroCredential).join(SpecificationVersion)
        .where(SpecificationVersion.number == 1, SpecificationVersion.title_en == title_en)
    )


def _institution(short_name: str) -> Institution | None:
    return db.session.scalar(select(Institution).where(Institution.short_name == short_name))


def load() -> bool:
    """Fill in the demo institutions and write their specifications if they do not exist yet."""
    created = False
    for short_name, details in INSTITUTION_DETAILS.items():
        institution = _institution(short_name)
        if institution is not None and institution.deqar_id is None:
            for field, value in details.items():
                setattr(institution, field, value)
            created = True
    for short_name, data, fate in DEMO_SPECIFICATIONS:
        institution = _institution(short_name)
        if institution is None or demo_specification(data["title_en"]) is not None:
            continue
        author = demo_user(f"hei-{short_name[-1].lower()}@example.org")
        version = services.create_specification(author, institution, data)
        if fate in ("publish", "publish_twice", "withdraw"):
            services.publish_specification_version(author, version)
        if fate == "publish_twice":
            changed = {**services.version_content(version), **SECOND_VERSION_CHANGES[data["title_en"]]}
            services.publish_specification_version(author, services.update_specification(
                author, version.micro_credential, changed))
        if fate == "withdraw":
            services.withdraw_specification(author, version.micro_credential,
                                            "Replaced by the institute's new teacher-education programme from 2027.")
        created = True
    db.session.flush()
    return created
