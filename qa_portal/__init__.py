"""QA Portal: case management for quality assurance of micro-credentials."""
import os

from flask import Flask, request, session
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import event
from sqlalchemy.engine import Engine

from config import CONFIGS, DEFAULT_SECRET_KEY, INSTANCE_DIR

# The packages that make up the app, upstream first. Each may have models.py (imported so
# migrations see its tables), subscribers.py (imported at start: it connects signal receivers and registers the
# package's transitions and page contributions with upstream packages), permissions.py (every can_* becomes a
# Jinja global), views.py with a blueprint `bp`, and templates/<package>/_nav.html (its navigation links).
# This factory is the only place that imports modules by name (tests/test_architecture.py).
PACKAGES = ["auth", "audit", "standards", "pilots", "reviews", "decisions", "registry", "credentials", "notifications",
            "monitoring", "home"]


def create_app(config_name: str | None = None, overrides: dict | None = None) -> Flask:
    """Build the app: config → extensions → blueprints → errors → template globals."""
    app = Flask(__name__, instance_path=str(INSTANCE_DIR), instance_relative_config=True)
    config_name = config_name or os.environ.get("QA_CONFIG", "development")
    app.config.from_object(CONFIGS[config_name])
    app.config.from_pyfile("config.py", silent=True)
    if overrides:
        app.config.update(overrides)
    from qa_portal.core.input_checks import register_input_checks
    from qa_portal.core.urls import configure_public_base_url

    _check_production_settings(app, config_name)
    configure_public_base_url(app, config_name)  # production refuses to start without QA_PUBLIC_BASE_URL
    os.makedirs(app.instance_path, exist_ok=True)
    _trust_proxies(app)

    register_input_checks(app)  # the bounded `int` converter before any route, the input checks before any other hook
    _init_extensions(app)
    _import_subscribers()
    app.extensions["qa_portal.packages"] = tuple(PACKAGES)  # upstream first: the daily jobs' order (cli.py)
    _register_blueprints(app)

    from qa_portal.core.errors import register_error_handlers
    from qa_portal.core.health import bp as health_bp
    from qa_portal.core.observability import register_request_logging
    from qa_portal.core.security import register_security_headers

    app.register_blueprint(health_bp)
    register_request_logging(app)
    register_error_handlers(app)
    register_security_headers(app)
    _register_template_globals(app)

    from qa_portal.cli import register_cli

    register_cli(app)
    return app


def _check_production_settings(app: Flask, config_name: str) -> None:
    """Production refuses settings that would make app servers disagree: a default (or per-process) SECRET_KEY, and
    rate limits counted in each process's memory instead of the shared Redis."""
    if config_name != "production":
        return
    if app.config["SECRET_KEY"] in (None, "", DEFAULT_SECRET_KEY):
        raise RuntimeError(
            "QA Portal refuses to start in production with the default SECRET_KEY: "
            "set the SECRET_KEY environment variable to a long random value."
        )
    if app.config["RATELIMIT_STORAGE_URI"].startswith("memory://") and not app.config["QA_ALLOW_LOCAL_RATE_LIMITS"]:
        raise RuntimeError(
            "QA Portal refuses to start in production with in-process rate limits (memory://): each worker and "
            "server would count on its own. Set QA_RATELIMIT_STORAGE_URI to the shared Redis, e.g. "
            "redis://127.0.0.1:6379/0 (or QA_ALLOW_LOCAL_RATE_LIMITS=1 for a single process)."
        )


def _trust_proxies(app: Flask) -> None:
    """Behind QA_TRUSTED_PROXIES reverse proxies, take the client address and scheme from their X-Forwarded-For and
    X-Forwarded-Proto (only the hops they added); with 0, those headers are ignored. X-Forwarded-Host never counts."""
    from werkzeug.middleware.proxy_fix import ProxyFix

    hops = app.config["QA_TRUSTED_PROXIES"]
    if hops > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=0, x_port=0, x_prefix=0)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record):
    """SQLite enforces foreign keys and uses WAL so readers do not block the writer."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.close()


def select_locale() -> str:
    """The visitor's language: their saved choice, then the session, then the browser, then English (also for
    commands such as `flask demo load`, which run outside any request)."""
    from flask import current_app, has_request_context

    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    locales = current_app.config["QA_LOCALES"]
    if current_user and current_user.is_authenticated and current_user.locale in locales:
        return current_user.locale
    if session.get("locale") in locales:
        return session["locale"]
    return request.accept_languages.best_match(list(locales)) or "en"


def _init_extensions(app: Flask) -> None:
    from qa_portal.core.replica import configure_replica
    from qa_portal.extensions import babel, csrf, db, limiter, login_manager, migrate

    configure_replica(app)
    db.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(os.path.dirname(app.root_path), "migrations"))
    csrf.init_app(app)
    limiter.init_app(app)
    babel.init_app(app, locale_selector=select_locale,
                   default_translation_directories=os.path.join(app.root_path, "translations"))
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"

    # The signed-in user comes from the server-side session the cookie names (revocable, idle and absolute expiry).
    from qa_portal.auth.views.browser_session import load_session_user

    login_manager.user_loader(load_session_user)

    _import_models()


def _package_modules(module: str):
    """Yield each package's module of this name (models, permissions, views) where it exists."""
    from importlib import import_module
    from importlib.util import find_spec

    for package in PACKAGES:
        name = f"qa_portal.{package}.{module}"
        if find_spec(name) is not None:
            yield package, import_module(name)


def _import_models() -> None:
    """Import every package's models (and core's) so migrations and relationships see all tables."""
    import qa_portal.core.models  # noqa: F401  (the generic timeline of state changes)

    list(_package_modules("models"))


def _import_subscribers() -> None:
    """Import every package's subscribers: signal receivers, transitions and page contributions register once."""
    list(_package_modules("subscribers"))


def _register_blueprints(app: Flask) -> None:
    for _package, module in _package_modules("views"):
        app.register_blueprint(module.bp)


def _register_template_globals(app: Flask) -> None:
    """Expose every package's can_* predicates and a few helpers to every template."""
    from flask_babel import get_locale

    from qa_portal.auth.forms import ROLE_LABELS
    from qa_portal.auth.models import Role
    from qa_portal.core.contributions import register_contribution_globals
    from qa_portal.core.dates import register_date_filters
    from qa_portal.core.urls import public_url

    register_contribution_globals(app)
    register_date_filters(app)

    for _package, module in _package_modules("permissions"):
        app.jinja_env.globals.update(
            {name: value for name, value in vars(module).items() if name.startswith("can_") and callable(value)}
        )
    app.jinja_env.globals.update(
        Role=Role,
        ROLE_LABELS=ROLE_LABELS,
        get_locale=get_locale,
        locales=app.config["QA_LOCALES"],
        my_work_url=my_work_url,
        nav_packages=PACKAGES,
        public_url=public_url,
    )


def my_work_url() -> str:
    """The signed-in user's start page, "My work" (owned by home, the last package): upstream templates link it
    through this global instead of naming a downstream blueprint (tests/test_architecture.py)."""
    from flask import url_for

    return url_for("home.my_work")
