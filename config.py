"""Configuration classes; values come from the environment and from instance/config.py."""
import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = BASE_DIR / "instance"
DEFAULT_SECRET_KEY = "dev-only-secret-key-change-me"


def _env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


class Config:
    """Settings shared by every environment."""

    SECRET_KEY = os.environ.get("SECRET_KEY", DEFAULT_SECRET_KEY)
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'qa_portal.sqlite'}"
    )
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
    MAX_CONTENT_LENGTH = _env_int("QA_MAX_UPLOAD_MB", 20) * 1024 * 1024
    UPLOAD_DIR = os.environ.get("QA_UPLOAD_DIR", str(INSTANCE_DIR / "uploads"))

    # Login throttling: per account in the database, per address through Flask-Limiter.
    QA_LOGIN_MAX_FAILURES = _env_int("QA_LOGIN_MAX_FAILURES", 5)
    QA_LOGIN_WINDOW_MINUTES = _env_int("QA_LOGIN_WINDOW_MINUTES", 15)
    QA_LOGIN_ADDRESS_LIMIT = os.environ.get("QA_LOGIN_ADDRESS_LIMIT", "50 per 15 minutes")
    RATELIMIT_STORAGE_URI = os.environ.get("QA_RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = False
    # If Redis is unreachable the per-address limit is skipped (and logged) rather than failing every
    # sign-in; the per-account throttle lives in the database and still holds.
    RATELIMIT_SWALLOW_ERRORS = True

    QA_SET_PASSWORD_MAX_AGE_HOURS = _env_int("QA_SET_PASSWORD_MAX_AGE_HOURS", 72)
    QA_PASSWORD_MIN_LENGTH = 12
    QA_HSTS = False

    # Expert panels: how far back an ended affiliation with the institution still counts as a conflict,
    # how long members have to score once the desk review starts, how long the institution has to check
    # the draft report's factual accuracy (working days, Monday to Friday).
    QA_COI_LOOKBACK_YEARS = _env_int("QA_COI_LOOKBACK_YEARS", 5)
    QA_SCORING_DAYS = _env_int("QA_SCORING_DAYS", 21)
    QA_FACTUAL_CHECK_WORKING_DAYS = _env_int("QA_FACTUAL_CHECK_WORKING_DAYS", 10)
    # Decisions (issue 7): the agency's letterhead on decision letters (one line each), and the days after
    # publication within which the institution may appeal.
    QA_AGENCY_LETTERHEAD = os.environ.get(
        "QA_AGENCY_LETTERHEAD",
        "National Center for Professional Education Quality Assurance (ANQA)\n"
        "Micro-GEAR micro-credential quality assurance pilot\nYerevan, Armenia",
    )
    QA_APPEAL_WINDOW_DAYS = _env_int("QA_APPEAL_WINDOW_DAYS", 30)
    QA_APPEAL_DECISION_DAYS = _env_int("QA_APPEAL_DECISION_DAYS", 90)

    # Registry export API (/api/v1) and the DEQAR report objects it serves (reference/deqar.md §1, §6).
    QA_API_RATE_LIMIT = os.environ.get("QA_API_RATE_LIMIT", "600 per minute")
    QA_DEQAR_AGENCY = os.environ.get("QA_DEQAR_AGENCY", "ANQA")  # acronym or DEQAR agency id, as a string
    QA_DEQAR_AGENCY_ID = os.environ.get("QA_DEQAR_AGENCY_ID", "70")
    QA_DEQAR_ACTIVITY_ID = os.environ.get("QA_DEQAR_ACTIVITY_ID", "171")  # a programme-type ESG activity
    QA_DEQAR_REPORT_STATUS = os.environ.get("QA_DEQAR_REPORT_STATUS", "voluntary")

    # Credentials (issue 20): the agency's Ed25519 signing keys (outside the web root, private key mode 600), the
    # size limit of what /verify accepts, and DEQAR's Submission API v2 that `flask registry push` sends reports to.
    QA_SIGNING_KEY_DIR = os.environ.get("QA_SIGNING_KEY_DIR", str(INSTANCE_DIR / "keys"))
    QA_REQUIRE_SIGNING_KEY = False
    QA_VERIFY_MAX_KB = _env_int("QA_VERIFY_MAX_KB", 256)
    # Example credentials /verify offers to try (.json or .jwt files; the demo writes its learner badge there).
    QA_VERIFY_EXAMPLES_DIR = os.environ.get("QA_VERIFY_EXAMPLES_DIR", str(INSTANCE_DIR / "verify-examples"))
    QA_DEQAR_API_URL = os.environ.get("QA_DEQAR_API_URL", "https://backend.sandbox.deqar.eu/submissionapi/v2/")
    QA_DEQAR_TOKEN = os.environ.get("QA_DEQAR_TOKEN", "")
    QA_DEQAR_PUSH_ATTEMPTS = _env_int("QA_DEQAR_PUSH_ATTEMPTS", 4)
    QA_DEQAR_PUSH_BACKOFF_SECONDS = float(os.environ.get("QA_DEQAR_PUSH_BACKOFF_SECONDS", "2"))
    QA_DEQAR_TIMEOUT_SECONDS = _env_int("QA_DEQAR_TIMEOUT_SECONDS", 30)

    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "UTC"
    QA_LOCALES = {"en": "English", "hy": "Հայերեն"}
    QA_DEMO_ALLOWED = True


class Development(Config):
    """Local development: SQLite in instance/, debug pages."""

    DEBUG = True


class Testing(Config):
    """The test suite: a throwaway database and fast password hashing."""

    TESTING = True
    SECRET_KEY = "testing-secret-key"
    SQLALCHEMY_DATABASE_URI = os.environ.get("QA_TEST_DATABASE_URL", "sqlite://")
    RATELIMIT_STORAGE_URI = "memory://"
    QA_FAST_PASSWORD_HASH = True
    QA_SIGNING_KEY_DIR = ""  # no signing key unless a test generates one (tests/credentials/conftest.py)
    QA_VERIFY_EXAMPLES_DIR = ""


class Production(Config):
    """Production: PostgreSQL, secure cookies, HSTS, Redis for rate limits."""

    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    QA_HSTS = True
    QA_DEMO_ALLOWED = False
    QA_REQUIRE_SIGNING_KEY = True  # the app refuses to start without the agency's signing key (flask keys generate)
    RATELIMIT_STORAGE_URI = os.environ.get(
        "QA_RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379/0"
    )


CONFIGS = {"development": Development, "testing": Testing, "production": Production}
