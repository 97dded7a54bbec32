"""lifecycle statuses on the engine: an appeal's status (lodged → admissible/inadmissible → upheld/returned), tied
to its admissibility and outcome by named CHECK constraints, and an objection's ruling that is never NULL (pending
until an officer rules)

Existing rows get the status their data says: an appeal with an outcome is upheld or returned, one ruled admissible
is admissible, one ruled otherwise inadmissible, the rest lodged; an objection without a ruling is pending.
Constraints are dropped and created in batch mode, so SQLite recreates the tables.

Revision ID: 20261202_0013
Revises: 20261202_0020
Create Date: 2026-12-02 12:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '20261202_0013'
down_revision = '20261202_0020'
branch_labels = None
depends_on = None

APPEAL_STATUSES = ('lodged', 'admissible', 'inadmissible', 'upheld', 'returned')
# The CHECK constraints that tie an appeal's status to its admissibility ruling and the appeals body's outcome.
APPEAL_STATUS_CHECKS = {
    'lodged_until_ruled': "(status = 'lodged') = (admissibility IS NULL)",
    'inadmissible_as_ruled': "(status = 'inadmissible') = (coalesce(admissibility, 'admissible') <> 'admissible')",
    'upheld_as_decided': "(status = 'upheld') = (coalesce(outcome, '') = 'uphold')",
    'returned_as_decided': "(status = 'returned') = (coalesce(outcome, '') = 'return_for_reconsideration')",
}
RULINGS_BEFORE = ('upheld', 'rejected')
RULINGS_AFTER = ('pending', 'upheld', 'rejected')


def upgrade():
    with op.batch_alter_table('panel_objections', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_panel_objections_objection_ruling'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_panel_objections_ruling_has_reason'), type_='check')
    op.execute("UPDATE panel_objections SET ruling = 'pending' WHERE ruling IS NULL")
    with op.batch_alter_table('panel_objections', schema=None) as batch_op:
        batch_op.alter_column('ruling', existing_type=sa.String(length=20), nullable=False)
        batch_op.create_check_constraint(batch_op.f('ck_panel_objections_objection_ruling'),
                                         sa.column('ruling').in_(RULINGS_AFTER))
        batch_op.create_check_constraint(batch_op.f('ck_panel_objections_ruling_has_reason'),
                                         "ruling = 'pending' OR length(trim(ruling_reason)) > 0")

    with op.batch_alter_table('appeals', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status', sa.String(length=20), nullable=True))
    op.execute("""UPDATE appeals SET status = CASE
        WHEN outcome = 'uphold' THEN 'upheld'
        WHEN outcome = 'return_for_reconsideration' THEN 'returned'
        WHEN admissibility = 'admissible' THEN 'admissible'
        WHEN admissibility IS NOT NULL THEN 'inadmissible'
        ELSE 'lodged' END""")
    with op.batch_alter_table('appeals', schema=None) as batch_op:
        batch_op.alter_column('status', existing_type=sa.String(length=20), nullable=False)
        batch_op.create_check_constraint(batch_op.f('ck_appeals_appeal_status'), sa.column('status').in_(APPEAL_STATUSES))
        for name, condition in APPEAL_STATUS_CHECKS.items():
            batch_op.create_check_constraint(batch_op.f(f'ck_appeals_{name}'), condition)


def downgrade():
    with op.batch_alter_table('appeals', schema=None) as batch_op:
        for name in APPEAL_STATUS_CHECKS:
            batch_op.drop_constraint(batch_op.f(f'ck_appeals_{name}'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_appeals_appeal_status'), type_='check')
        batch_op.drop_column('status')

    with op.batch_alter_table('panel_objections', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_panel_objections_objection_ruling'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_panel_objections_ruling_has_reason'), type_='check')
        batch_op.alter_column('ruling', existing_type=sa.String(length=20), nullable=True)
    op.execute("UPDATE panel_objections SET ruling = NULL WHERE ruling = 'pending'")
    with op.batch_alter_table('panel_objections', schema=None) as batch_op:
        batch_op.create_check_constraint(batch_op.f('ck_panel_objections_objection_ruling'),
                                         sa.column('ruling').in_(RULINGS_BEFORE))
        batch_op.create_check_constraint(batch_op.f('ck_panel_objections_ruling_has_reason'),
                                         "ruling IS NULL OR length(trim(ruling_reason)) > 0")
