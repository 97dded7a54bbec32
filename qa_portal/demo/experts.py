"""Demo expert pool: profiles for the demo experts (and two more expert accounts, international and QA
professional), with fields, languages and dated affiliations. academic@ left Demo University A about two years
ago, so the conflict check flags them on HEI A's cases; student@ currently studies elsewhere."""
from datetime import date, timedelta

from sqlalchemy import select

from qa_portal.auth.models import Role
from qa_portal.auth.services.passwords import hash_password
from qa_portal.auth.services import create_user, find_user_by_email
from qa_portal.demo.accounts import DEMO_PASSWORD
from qa_portal.extensions import db
from qa_portal.pilots.models import Institution
from qa_portal.reviews.services.experts import AffiliationDetails, ProfileDetails, add_affiliation, create_profile
from qa_portal.reviews.services.experts import profile_for_user

# Expert accounts this loader adds to those of accounts.py: (email, full name).
EXTRA_EXPERTS = [
    ("intl@example.org", "Isabelle International"),
    ("qa@example.org", "Quentin Quality"),
]


def _years_ago(years: float) -> date:
    return date.today() - timedelta(days=round(365.25 * years))


def _profiles(hei_a_id: int | None) -> dict:
    """email → (profile details, [affiliation details]); hei_a_id is Demo University A in the institution list."""
    return {
        "chair@example.org": (
            ProfileDetails("academic", "AM", ["0413", "0311"], ["hy", "en", "ru"], date(2024, 10, 8), True,
                           "Professor of management and former vice-rector for quality. Has chaired eleven "
                           "programme and institutional reviews since 2016.\n\nTrained as an ESG panel chair."),
            [AffiliationDetails("Professor of management", None, "Armenian State University of Economics",
                                date(2004, 9, 1)),
             AffiliationDetails("Vice-rector for quality", None, "Armenian State University of Economics",
                                date(2015, 9, 1), date(2021, 8, 31))]),
        "academic@example.org": (
            ProfileDetails("academic", "AM", ["0613", "0611", "0688"], ["hy", "en"], date(2025, 3, 14), True,
                           "Software engineering lecturer who designs short industry courses."),
            [AffiliationDetails("Associate professor of software engineering", hei_a_id, "Demo University A",
                                date(2012, 9, 1), _years_ago(2)),
             AffiliationDetails("Professor of software engineering", None, "National Polytechnic University "
                                "of Armenia", _years_ago(2) + timedelta(days=1))]),
        "student@example.org": (
            ProfileDetails("student", "AM", ["0311", "0412"], ["hy", "en"], date(2025, 11, 20), True,
                           "Master's student in economics; member of the national student union's QA pool.",
                           student_status_from=date(2024, 9, 1),
                           student_status_until=date(date.today().year + 1, 6, 30)),
            [AffiliationDetails("Master's student in economics", None, "Yerevan State University",
                                date(2024, 9, 1)),
             AffiliationDetails("Member of the student council", None, "Yerevan State University",
                                date(2024, 10, 1))]),
        "employer@example.org": (
            ProfileDetails("employer", "AM", ["0413", "0688"], ["hy", "ru", "en"], date(2024, 10, 8), True,
                           "Head of training at a software company; hires graduates of short ICT courses."),
            [AffiliationDetails("Head of training and development", None, "Synopsys Armenia", date(2016, 2, 1)),
             AffiliationDetails("Board member", None, "Union of Advanced Technology Enterprises",
                                date(2019, 5, 1))]),
        "intl@example.org": (
            ProfileDetails("international", "FR", ["0111", "0413"], ["fr", "en", "de"], date(2023, 6, 5), True,
                           "Professor of education science; has served on panels for several European agencies."),
            [AffiliationDetails("Professor of education science", None, "Université de Strasbourg",
                                date(2009, 9, 1))]),
        "qa@example.org": (
            ProfileDetails("qa_professional", "GE", ["0111"], ["ka", "en", "ru"], date(2022, 4, 12), False,
                           "Quality assurance specialist at a national agency; on leave until spring."),
            [AffiliationDetails("Senior QA specialist", None, "National Center for Educational Quality "
                                "Enhancement (Georgia)", date(2014, 3, 1))]),
    }


def _extra_accounts() -> bool:
    created = False
    for email, full_name in EXTRA_EXPERTS:
        if find_user_by_email(email) is None:
            user, _token = create_user(None, email, full_name, {Role.EXPERT})
            user.password_hash = hash_password(DEMO_PASSWORD)
            created = True
    db.session.flush()
    return created


def load() -> bool:
    """Create the extra expert accounts and every demo expert's profile that does not exist yet."""
    created = _extra_accounts()
    hei_a_id = db.session.scalar(select(Institution.id).where(Institution.short_name == "HEI-A"))
    for email, (details, affiliations) in _profiles(hei_a_id).items():
        user = find_user_by_email(email)
        if user is None or profile_for_user(user) is not None:
            continue
        profile = create_profile(None, user, details)
        for affiliation in affiliations:
            add_affiliation(None, profile, affiliation)
        created = True
    db.session.flush()
    return created
