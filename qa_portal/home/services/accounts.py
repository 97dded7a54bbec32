"""My work for administrators: accounts still waiting for their first password."""
from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from qa_portal.auth.models import Role, User
from qa_portal.extensions import db
from qa_portal.home.services.work import PROVIDERS, WorkItem

MAX_ITEMS = 10


def accounts_without_password(user) -> list[WorkItem]:
    """Admins see active accounts that have not set their first password yet."""
    users = db.session.scalars(
        select(User).where(User.password_hash.is_(None), User.active.is_(True))
        .order_by(User.created_at).limit(MAX_ITEMS)
    ).all()
    items = [WorkItem(title=u.full_name, url=url_for("auth.user_edit", user_id=u.id), detail=u.email)
             for u in users]
    if len(users) == MAX_ITEMS:
        items.append(WorkItem(title=str(_l("All accounts awaiting a password")),
                              url=url_for("auth.user_list", status="awaiting")))
    return items


PROVIDERS[(Role.ADMIN, "accounts")] = accounts_without_password
