"""no lost edits: a version counter on judgements, consensus, report sections and visit sessions, and a revision
counter on standards, criteria, compliance levels and specification versions (compared on save); the SER's
server-side drafts (one user's unsaved typing per criterion)

Revision ID: 20261202_0023
Revises: 20261202_0024
Create Date: 2026-12-02 10:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '20261202_0023'
down_revision = '20261202_0024'
branch_labels = None
depends_on = None

VERSIONED_TABLES = ('judgements', 'consensus_judgements', 'report_sections', 'visit_sessions')
# these tables already have a `version` (the standard-set version, a numbered specification version): `revision`
REVISED_TABLES = ('standards', 'criteria', 'compliance_levels', 'specification_versions')


def upgrade():
    for table in VERSIONED_TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('version', sa.Integer(), nullable=False, server_default='1'))
    for table in REVISED_TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('revision', sa.Integer(), nullable=False, server_default='1'))

    op.create_table('ser_drafts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('criterion_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('narrative', sa.Text(), nullable=False),
    sa.Column('level_id', sa.Integer(), nullable=True),
    sa.Column('justification', sa.Text(), nullable=False),
    sa.Column('evidence_ids', sa.JSON(), nullable=False),
    sa.Column('base_version', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_ser_drafts_case_id_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['criterion_id'], ['criteria.id'], name=op.f('fk_ser_drafts_criterion_id_criteria'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['level_id'], ['compliance_levels.id'],
                            name=op.f('fk_ser_drafts_level_id_compliance_levels'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_ser_drafts_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ser_drafts')),
    sa.UniqueConstraint('case_id', 'criterion_id', 'user_id', name=op.f('uq_ser_drafts_case_id_criterion_id_user_id'))
    )
    with op.batch_alter_table('ser_drafts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ser_drafts_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ser_drafts_criterion_id'), ['criterion_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ser_drafts_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('ser_drafts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ser_drafts_user_id'))
        batch_op.drop_index(batch_op.f('ix_ser_drafts_criterion_id'))
        batch_op.drop_index(batch_op.f('ix_ser_drafts_case_id'))
    op.drop_table('ser_drafts')
    for table in reversed(REVISED_TABLES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('revision')
    for table in reversed(VERSIONED_TABLES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('version')
