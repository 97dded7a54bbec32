"""QA Portal: case management for quality assurance of micro-credentials."""
import os

from flask import Flask, request, session
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import event
from sqlalchemy.engine import Engine

from config import CONFIGS, DEFAULT_SECRET_KEY, INSTANCE_DIR


def create_app(config_name: str | None = None, overrides: dict | None = None) -> Flask:
    """Build the app: config → extensions → blueprints → errors → template globals."""
    app = Flask(__name__, instance_path=str(INSTANCE_DIR), instance_relative_config=True)
    config_name = config_name or os.environ.get("QA_CONFIG", "development")
    app.config.from_object(CONFIGS[config_name])
    app.config.from_pyfile("config.py", silent=True)
    if overrides:
        app.config.update(overrides)
    _check_production_secret(app, config_name)
    os.makedirs(app.instance_path, exist_ok=True)

    _init_extensions(app)
    _register_blueprints(app)

    from qa_portal.core.errors import register_error_handlers
    from qa_portal.core.security import register_security_headers

    register_error_handlers(app)
    register_security_headers(app)
    _register_template_globals(app)

    from qa_portal.cli import register_cli

    register_cli(app)
    return app


def _check_production_secret(app: Flask, config_name: str) -> None:
    if config_name == "production" and app.config["SECRET_KEY"] in (None, "", DEFAULT_SECRET_KEY):
        raise RuntimeError(
            "QA Portal refuses to start in production with the default SECRET_KEY: "
            "set the SECRET_KEY environment variable to a long random value."
        )


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
    """The visitor's language: their saved choice, then the session, then the browser, then English."""
    from flask import current_app

    locales = current_app.config["QA_LOCALES"]
    if current_user and current_user.is_authenticated and current_user.locale in locales:
        return current_user.locale
    if session.get("locale") in locales:
        return session["locale"]
    return request.accept_languages.best_match(list(locales)) or "en"


def _init_extensions(app: Flask) -> None:
    from qa_portal.extensions import babel, csrf, db, limiter, login_manager, migrate

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

    from qa_portal.auth.models import User

    @login_manager.user_loader
    def load_user(user_id: str):
        user = db.session.get(User, int(user_id))
        return user if user is not None and user.active else None

    _import_models()


def _import_models() -> None:
    """Import every domain's models so migrations and relationships see all tables."""
    from qa_portal.audit import models as _audit  # noqa: F401
    from qa_portal.auth import models as _auth  # noqa: F401
    from qa_portal.pilots import models as _pilots  # noqa: F401


def _register_blueprints(app: Flask) -> None:
    from qa_portal.audit.views import bp as audit_bp
    from qa_portal.auth.views import bp as auth_bp
    from qa_portal.home.views import bp as home_bp

    for blueprint in (home_bp, auth_bp, audit_bp):
        app.register_blueprint(blueprint)


def _register_template_globals(app: Flask) -> None:
    """Expose the permission predicates and a few helpers to every template."""
    from flask_babel import get_locale

    from qa_portal.audit.permissions import can_view_audit
    from qa_portal.auth.forms import ROLE_LABELS
    from qa_portal.auth.models import Role
    from qa_portal.auth.permissions import can_change_own_password, can_manage_users

    app.jinja_env.globals.update(
        can_manage_users=can_manage_users,
        can_change_own_password=can_change_own_password,
        can_view_audit=can_view_audit,
        Role=Role,
        ROLE_LABELS=ROLE_LABELS,
        get_locale=get_locale,
        locales=app.config["QA_LOCALES"],
    )
