"""panel rules and the institution's windows (issue 15): a student expert's status dates, an academic member's
field warning acknowledged with a reason, each member's briefing acknowledgement, the institution's "no objection"
to the panel and "no further comments" on the factual check, and the council's reason to depart from the panel's
recommendation or the decision rule, and "the same matter is before a court" as a ruling that an appeal is
inadmissible, the reason a specification gives for notional hours outside 25–30 per ECTS credit, and the organisation
an officer records a paper consultation comment on behalf of

Revision ID: 20261202_0021
Revises: 20261202_0025
Create Date: 2026-12-02 10:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '20261202_0021'
down_revision = '20261202_0025'
branch_labels = None
depends_on = None

ADMISSIBILITY_BEFORE = ('admissible', 'late', 'unauthorised', 'out_of_scope')
ADMISSIBILITY_AFTER = ADMISSIBILITY_BEFORE + ('before_court',)


def _admissibility_values(values) -> None:
    """Re-create the CHECK constraint of appeals.admissibility with the given values (batch: SQLite copies)."""
    with op.batch_alter_table('appeals', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_appeals_admissibility'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_appeals_admissibility'),
                                         sa.column('admissibility').in_(values))


def upgrade():
    with op.batch_alter_table('expert_profiles', schema=None) as batch_op:
        batch_op.add_column(sa.Column('student_status_from', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('student_status_until', sa.Date(), nullable=True))

    with op.batch_alter_table('panel_members', schema=None) as batch_op:
        batch_op.add_column(sa.Column('field_warning_reason', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('field_warning_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('field_warning_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('briefed_at', sa.DateTime(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_panel_members_field_warning_by_id_users'), 'users',
                                    ['field_warning_by_id'], ['id'], ondelete='SET NULL')
    with op.batch_alter_table('panel_members', schema=None) as batch_op:
        batch_op.alter_column('field_warning_reason', server_default=None)

    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('no_objection_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('no_objection_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_cases_no_objection_by_id_users'), 'users',
                                    ['no_objection_by_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('panel_reports', schema=None) as batch_op:
        batch_op.add_column(sa.Column('no_further_comments_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('no_further_comments_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_panel_reports_no_further_comments_by_id_users'), 'users',
                                    ['no_further_comments_by_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('decisions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('departure_reason', sa.Text(), nullable=False, server_default=''))
    with op.batch_alter_table('decisions', schema=None) as batch_op:
        batch_op.alter_column('departure_reason', server_default=None)
    _admissibility_values(ADMISSIBILITY_AFTER)

    with op.batch_alter_table('specification_versions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('hours_reason', sa.Text(), nullable=False, server_default=''))
    with op.batch_alter_table('specification_versions', schema=None) as batch_op:
        batch_op.alter_column('hours_reason', server_default=None)

    with op.batch_alter_table('consultation_comments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('on_behalf_of', sa.String(length=300), nullable=False, server_default=''))
    with op.batch_alter_table('consultation_comments', schema=None) as batch_op:
        batch_op.alter_column('on_behalf_of', server_default=None)


def downgrade():
    with op.batch_alter_table('consultation_comments', schema=None) as batch_op:
        batch_op.drop_column('on_behalf_of')
    with op.batch_alter_table('specification_versions', schema=None) as batch_op:
        batch_op.drop_column('hours_reason')
    op.execute("UPDATE appeals SET admissibility = 'out_of_scope' WHERE admissibility = 'before_court'")
    _admissibility_values(ADMISSIBILITY_BEFORE)

    with op.batch_alter_table('decisions', schema=None) as batch_op:
        batch_op.drop_column('departure_reason')

    with op.batch_alter_table('panel_reports', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_panel_reports_no_further_comments_by_id_users'), type_='foreignkey')
        batch_op.drop_column('no_further_comments_by_id')
        batch_op.drop_column('no_further_comments_at')

    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_cases_no_objection_by_id_users'), type_='foreignkey')
        batch_op.drop_column('no_objection_by_id')
        batch_op.drop_column('no_objection_at')

    with op.batch_alter_table('panel_members', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_panel_members_field_warning_by_id_users'), type_='foreignkey')
        batch_op.drop_column('briefed_at')
        batch_op.drop_column('field_warning_at')
        batch_op.drop_column('field_warning_by_id')
        batch_op.drop_column('field_warning_reason')

    with op.batch_alter_table('expert_profiles', schema=None) as batch_op:
        batch_op.drop_column('student_status_until')
        batch_op.drop_column('student_status_from')
