"""decisions: council decisions (outcome, validity, reasons citing criteria), their conditions, council declarations

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28 20:17:07.806438

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('council_declarations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('has_conflict', sa.Boolean(), nullable=False),
    sa.Column('recused', sa.Boolean(), nullable=False),
    sa.Column('details', sa.Text(), nullable=False),
    sa.Column('declared_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('NOT has_conflict OR recused', name=op.f('ck_council_declarations_conflict_recuses')),
    sa.CheckConstraint('NOT recused OR length(trim(details)) > 0', name=op.f('ck_council_declarations_recusal_has_details')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_council_declarations_case_id_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_council_declarations_user_id_users'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_council_declarations')),
    sa.UniqueConstraint('case_id', 'user_id', name=op.f('uq_council_declarations_case_id_user_id'))
    )
    with op.batch_alter_table('council_declarations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_council_declarations_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_council_declarations_user_id'), ['user_id'], unique=False)

    op.create_table('decisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('outcome_id', sa.Integer(), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=True),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.Column('reasons', sa.Text(), nullable=False),
    sa.Column('meeting_date', sa.Date(), nullable=False),
    sa.Column('hei_heard', sa.Boolean(), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=False),
    sa.Column('published_at', sa.DateTime(), nullable=True),
    sa.Column('published_by_id', sa.Integer(), nullable=True),
    sa.Column('supersedes_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('(valid_from IS NULL) = (valid_to IS NULL)', name=op.f('ck_decisions_validity_both_or_neither')),
    sa.CheckConstraint('length(trim(reasons)) > 0', name=op.f('ck_decisions_has_reasons')),
    sa.CheckConstraint('published_at IS NULL OR published_by_id IS NOT NULL', name=op.f('ck_decisions_published_has_officer')),
    sa.CheckConstraint('valid_from IS NULL OR valid_from <= valid_to', name=op.f('ck_decisions_validity_ordered')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_decisions_case_id_cases'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_decisions_decided_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['outcome_id'], ['outcomes.id'], name=op.f('fk_decisions_outcome_id_outcomes'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['published_by_id'], ['users.id'], name=op.f('fk_decisions_published_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['supersedes_id'], ['decisions.id'], name=op.f('fk_decisions_supersedes_id_decisions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_decisions')),
    sa.UniqueConstraint('supersedes_id', name=op.f('uq_decisions_supersedes_id'))
    )
    with op.batch_alter_table('decisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_decisions_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_decisions_outcome_id'), ['outcome_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_decisions_published_at'), ['published_at'], unique=False)

    op.create_table('decision_conditions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('decision_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.CheckConstraint('length(trim(text)) > 0', name=op.f('ck_decision_conditions_has_text')),
    sa.ForeignKeyConstraint(['decision_id'], ['decisions.id'], name=op.f('fk_decision_conditions_decision_id_decisions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_decision_conditions'))
    )
    with op.batch_alter_table('decision_conditions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_decision_conditions_decision_id'), ['decision_id'], unique=False)

    op.create_table('decision_criteria',
    sa.Column('decision_id', sa.Integer(), nullable=False),
    sa.Column('criterion_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['criterion_id'], ['criteria.id'], name=op.f('fk_decision_criteria_criterion_id_criteria'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['decision_id'], ['decisions.id'], name=op.f('fk_decision_criteria_decision_id_decisions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('decision_id', 'criterion_id', name=op.f('pk_decision_criteria'))
    )
    with op.batch_alter_table('decision_criteria', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_decision_criteria_criterion_id'), ['criterion_id'], unique=False)



def downgrade():
    with op.batch_alter_table('decision_criteria', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_decision_criteria_criterion_id'))

    op.drop_table('decision_criteria')
    with op.batch_alter_table('decision_conditions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_decision_conditions_decision_id'))

    op.drop_table('decision_conditions')
    with op.batch_alter_table('decisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_decisions_published_at'))
        batch_op.drop_index(batch_op.f('ix_decisions_outcome_id'))
        batch_op.drop_index(batch_op.f('ix_decisions_case_id'))

    op.drop_table('decisions')
    with op.batch_alter_table('council_declarations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_council_declarations_user_id'))
        batch_op.drop_index(batch_op.f('ix_council_declarations_case_id'))

    op.drop_table('council_declarations')
