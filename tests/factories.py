"""Factory helpers: make_user(roles=…), make_institution(), login(client, user)."""
import itertools

from qa_portal.auth.models import Role, User, UserRole
from qa_portal.auth.services.passwords import hash_password
from qa_portal.extensions import db
from qa_portal.pilots.models import Institution, InstitutionMembership

PASSWORD = "correct-horse-battery"
_counter = itertools.count(1)


def make_user(*roles: Role, email: str | None = None, password: str | None = PASSWORD,
              active: bool = True, institution: Institution | None = None, full_name: str | None = None) -> User:
    """An account with the given roles (and, for HEI users, an institution membership)."""
    n = next(_counter)
    user = User(email=email or f"user{n}@example.org", full_name=full_name or f"Test User {n}",
                password_hash=hash_password(password) if password else None, active=active)
    user.role_links = [UserRole(role=role) for role in roles]
    db.session.add(user)
    if institution is not None:
        db.session.add(InstitutionMembership(user=user, institution=institution))
    db.session.commit()
    return user


def make_institution(short_name: str | None = None, name_en: str | None = None) -> Institution:
    """A higher-education institution."""
    n = next(_counter)
    institution = Institution(short_name=short_name or f"HEI-{n}", name_en=name_en or f"University {n}")
    db.session.add(institution)
    db.session.commit()
    return institution


def login(client, user: User, password: str = PASSWORD):
    """Sign in through the real login form and return the response."""
    return client.post("/login", data={"email": user.email, "password": password})


# A production app for one test: every setting production insists on, valid, so a test changes only the one it
# checks (a refused setting is passed explicitly, e.g. QA_PUBLIC_BASE_URL="").
PRODUCTION_TEST_SETTINGS = {
    "SECRET_KEY": "x" * 48, "SQLALCHEMY_DATABASE_URI": "sqlite://", "RATELIMIT_STORAGE_URI": "memory://",
    "QA_ALLOW_LOCAL_RATE_LIMITS": True, "QA_PUBLIC_BASE_URL": "https://qa.example.am", "QA_REQUIRE_SIGNING_KEY": False,
}


def make_production_app(**settings):
    """create_app("production") with PRODUCTION_TEST_SETTINGS overridden by `settings`."""
    from qa_portal import create_app

    return create_app("production", overrides={**PRODUCTION_TEST_SETTINGS, **settings})
