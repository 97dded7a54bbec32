"""Data for the benchmarks: `size` rows of each kind, and the pages to measure with who views them."""
from qa_portal.audit.services import record
from qa_portal.auth.models import Role, User, UserRole
from qa_portal.auth.passwords import hash_password
from qa_portal.extensions import db

PASSWORD = "bench-password-2026"

# (label, url, email of the viewer)
PAGES = [
    ("users list (admin)", "/admin/users", "admin@bench.example.org"),
    ("audit log, first page (officer)", "/audit/", "officer@bench.example.org"),
    ("my work (admin)", "/my-work", "admin@bench.example.org"),
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
