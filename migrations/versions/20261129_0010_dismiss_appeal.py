"""case events: the dismiss_appeal action (an appeal ruled inadmissible leaves appeal_lodged); the named CHECK
constraint on case_events.action is rebuilt with the new value (batch mode, so SQLite recreates the table)

Revision ID: 20261129_0010
Revises: 0009
Create Date: 2026-11-29 00:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '20261129_0010'
down_revision = '0009'
branch_labels = None
depends_on = None

ACTIONS_BEFORE = ('submit_ser', 'return_ser', 'accept_ser', 'start_review', 'start_site_visit', 'skip_site_visit',
                  'close_site_visit', 'send_for_factual_check', 'finalise_report', 'decide', 'publish',
                  'start_follow_up', 'require_redecision', 'close_case', 'lodge_appeal', 'uphold_decision',
                  'return_for_reconsideration', 'withdraw')
ACTIONS_AFTER = ACTIONS_BEFORE[:-1] + ('dismiss_appeal', 'withdraw')


def _rebuild_action_check(actions) -> None:
    """Replace ck_case_events_case_action (the case_action enum's CHECK) by one allowing exactly these actions."""
    with op.batch_alter_table('case_events', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_case_events_case_action'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_case_events_case_action'), sa.column('action').in_(actions))


def upgrade():
    _rebuild_action_check(ACTIONS_AFTER)


def downgrade():
    # Refuse rather than rewrite or delete timeline history the older schema cannot hold.
    dismissed = op.get_bind().execute(
        sa.text("SELECT count(*) FROM case_events WHERE action = 'dismiss_appeal'")).scalar()
    if dismissed:
        raise RuntimeError(f"{dismissed} case event(s) record dismiss_appeal, which revision 0009 cannot store; "
                           "downgrade refused so the timeline is not lost.")
    _rebuild_action_check(ACTIONS_BEFORE)
