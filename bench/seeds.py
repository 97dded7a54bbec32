"""Data for the benchmarks: `size` rows of each kind, and the pages to measure with who views them."""
from qa_portal.audit.services import record
from qa_portal.auth.models import Role, User, UserRole
from qa_portal.auth.services.passwords import hash_password
from qa_portal.extensions import db
from qa_portal.pilots.models import Institution
from qa_portal.reviews.models import (
    Case, CaseState, ExpertAffiliation, ExpertField, ExpertLanguage, ExpertProfile, ExpertType, PanelMember, PanelRole,
)
from qa_portal.standards.services import create_standard_set

PASSWORD = "bench-password-2026"

# (label, url, email of the viewer)
PAGES = [
    ("users list (admin)", "/admin/users", "admin@bench.example.org"),
    ("audit log, first page (officer)", "/audit/", "officer@bench.example.org"),
    ("my work (admin)", "/my-work", "admin@bench.example.org"),
    ("expert pool, first page (officer)", "/experts", "officer@bench.example.org"),
    ("expert pool, searched by field, language, availability (officer)", "/experts?field=04&language=en&available=1",
     "officer@bench.example.org"),
]


def seed(size: int) -> None:
    """Create the viewers, `size` other users with roles, and 5 × `size` audit entries."""
    password_hash = hash_password(PASSWORD)
    for email, role in (("admin@bench.example.org", Role.ADMIN), ("officer@bench.example.org", Role.OFFICER)):
        db.session.add(User(email=email, full_name=email, password_hash=password_hash,
                            role_links=[UserRole(role=role)]))
    roles = list(Role)
    for n in range(size):
        user = User(email=f"user{n}@bench.example.org", full_name=f"Bench User {n}",
                    password_hash=None if n % 10 == 0 else password_hash,
                    role_links=[UserRole(role=roles[n % len(roles)]), UserRole(role=roles[(n + 1) % len(roles)])])
        db.session.add(user)
    db.session.flush()
    for n in range(size * 5):
        record(None, "bench.event", ("Thing", n), f"Bench event {n}", {"n": n})
    seed_experts(size)


def seed_experts(size: int) -> None:
    """`size` expert profiles (2 fields, 2 languages, 1 affiliation each), each seated on two open cases and a
    closed one, so the pool's panel-load column has real seats to count."""
    version = create_standard_set(None, "bench-set", "Bench standards", None).versions[0]
    institution = Institution(short_name="BENCH", name_en="Bench University")
    db.session.add(institution)
    db.session.flush()
    cases = [Case(reference=f"BENCH-{state.value}", institution_id=institution.id, standard_version_id=version.id,
                  state=state) for state in (CaseState.PANEL_FORMATION, CaseState.DESK_REVIEW, CaseState.CLOSED)]
    db.session.add_all(cases)
    kinds = list(ExpertType)
    experts = [User(email=f"expert{n}@bench.example.org", full_name=f"Bench Expert {n:04d}",
                    role_links=[UserRole(role=Role.EXPERT)]) for n in range(size)]
    db.session.add_all(experts)
    db.session.flush()
    for n, user in enumerate(experts):
        db.session.add(ExpertProfile(
            user_id=user.id, expert_type=kinds[n % len(kinds)], country="AM",
            fields=[ExpertField(isced_code="0413"), ExpertField(isced_code="0611")],
            languages=[ExpertLanguage(language="hy"), ExpertLanguage(language="en")],
            affiliations=[ExpertAffiliation(institution_name=f"University {n}", role="Professor")]))
        db.session.add_all([PanelMember(case=case, user_id=user.id, role=PanelRole.ACADEMIC) for case in cases])
    db.session.flush()
