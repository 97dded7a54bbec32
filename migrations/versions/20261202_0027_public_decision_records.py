"""public decision records: each published decision's public JSON stored (registry/models.py), and the indexes that
keep the case list's first and deep pages an index scan at 100,000 cases (newest first, overall and by stage;
SERs overdue), and the specification list's by institution

Revision ID: 20261202_0027
Revises: 20261202_0023
Create Date: 2026-12-02 10:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '20261202_0027'
down_revision = '20261202_0023'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('public_decision_records',
    sa.Column('decision_id', sa.Integer(), nullable=False),
    sa.Column('document', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('stored_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['decision_id'], ['decisions.id'],
                            name=op.f('fk_public_decision_records_decision_id_decisions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('decision_id', name=op.f('pk_public_decision_records'))
    )
    with op.batch_alter_table('public_decision_records', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_public_decision_records_updated_at'), ['updated_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_public_decision_records_stored_at'), ['stored_at'], unique=False)
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.create_index('ix_cases_created_at_id', ['created_at', 'id'], unique=False)
        batch_op.create_index('ix_cases_state_created_at_id', ['state', 'created_at', 'id'], unique=False)
        batch_op.create_index('ix_cases_state_ser_due_at', ['state', 'ser_due_at'], unique=False)
    with op.batch_alter_table('micro_credentials', schema=None) as batch_op:
        batch_op.create_index('ix_micro_credentials_institution_id_id', ['institution_id', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('micro_credentials', schema=None) as batch_op:
        batch_op.drop_index('ix_micro_credentials_institution_id_id')
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index('ix_cases_state_ser_due_at')
        batch_op.drop_index('ix_cases_state_created_at_id')
        batch_op.drop_index('ix_cases_created_at_id')
    with op.batch_alter_table('public_decision_records', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_public_decision_records_stored_at'))
        batch_op.drop_index(batch_op.f('ix_public_decision_records_updated_at'))
    op.drop_table('public_decision_records')
