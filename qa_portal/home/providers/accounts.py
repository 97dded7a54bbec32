"""My work for administrators: accounts still waiting for their first password."""
from sqlalchemy import select
from flask import url_for

from qa_portal.auth.models import Role, User
from qa_portal.extensions import db
from qa_portal.home.work import PROVIDERS, WorkItem


def accounts_without_password(user) -> list[WorkItem]:
    """Admins see active accounts that have not set their first password yet."""
    users = db.session.scalars(
        select(User).where(User.password_hash.is_(None), User.active.is_(True)).order_by(User.created_at)
    ).all()
    return [WorkItem(title=u.full_name, url=url_for("auth.user_edit", user_id=u.id),
                     detail=u.email) for u in users]


PROVIDERS[(Role.ADMIN, "accounts")] = accounts_without_password
