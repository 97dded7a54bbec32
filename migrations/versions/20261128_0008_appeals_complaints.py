"""appeals against published decisions (grounds, admissibility, the appeals body's decision, documents) and complaints

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-28 21:03:35.720680

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('complaints',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('lodged_by_id', sa.Integer(), nullable=False),
    sa.Column('lodged_at', sa.DateTime(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('status', sa.Enum('open', 'answered', name='complaint_status', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('answer', sa.Text(), nullable=False),
    sa.Column('answered_by_id', sa.Integer(), nullable=True),
    sa.Column('answered_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("status = 'open' OR length(trim(answer)) > 0", name=op.f('ck_complaints_answered_has_answer')),
    sa.CheckConstraint('length(trim(text)) > 0', name=op.f('ck_complaints_has_text')),
    sa.ForeignKeyConstraint(['answered_by_id'], ['users.id'], name=op.f('fk_complaints_answered_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_complaints_case_id_cases'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['lodged_by_id'], ['users.id'], name=op.f('fk_complaints_lodged_by_id_users'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_complaints'))
    )
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_complaints_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_complaints_lodged_by_id'), ['lodged_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_complaints_status'), ['status'], unique=False)

    op.create_table('appeals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('decision_id', sa.Integer(), nullable=False),
    sa.Column('lodged_by_id', sa.Integer(), nullable=True),
    sa.Column('lodged_at', sa.DateTime(), nullable=False),
    sa.Column('grounds', sa.JSON(), nullable=False),
    sa.Column('statement', sa.Text(), nullable=False),
    sa.Column('decision_due_on', sa.Date(), nullable=False),
    sa.Column('admissibility', sa.Enum('admissible', 'late', 'unauthorised', 'out_of_scope', name='admissibility', native_enum=False, create_constraint=True, length=20), nullable=True),
    sa.Column('admissibility_reason', sa.Text(), nullable=False),
    sa.Column('admissibility_by_id', sa.Integer(), nullable=True),
    sa.Column('admissibility_at', sa.DateTime(), nullable=True),
    sa.Column('outcome', sa.Enum('uphold', 'return_for_reconsideration', name='appeal_outcome', native_enum=False, create_constraint=True, length=40), nullable=True),
    sa.Column('outcome_reasons', sa.Text(), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("outcome IS NULL OR admissibility = 'admissible'", name=op.f('ck_appeals_decided_only_if_admissible')),
    sa.CheckConstraint('admissibility IS NULL OR length(trim(admissibility_reason)) > 0', name=op.f('ck_appeals_admissibility_has_reason')),
    sa.CheckConstraint('length(trim(statement)) > 0', name=op.f('ck_appeals_has_statement')),
    sa.CheckConstraint('outcome IS NULL OR length(trim(outcome_reasons)) > 0', name=op.f('ck_appeals_outcome_has_reasons')),
    sa.ForeignKeyConstraint(['admissibility_by_id'], ['users.id'], name=op.f('fk_appeals_admissibility_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_appeals_case_id_cases'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_appeals_decided_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['decision_id'], ['decisions.id'], name=op.f('fk_appeals_decision_id_decisions'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['lodged_by_id'], ['users.id'], name=op.f('fk_appeals_lodged_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_appeals')),
    sa.UniqueConstraint('decision_id', name=op.f('uq_appeals_decision_id'))
    )
    with op.batch_alter_table('appeals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_appeals_case_id'), ['case_id'], unique=False)

    op.create_table('appeal_documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('appeal_id', sa.Integer(), nullable=False),
    sa.Column('storage_name', sa.String(length=64), nullable=False),
    sa.Column('original_name', sa.String(length=255), nullable=False),
    sa.Column('mime_type', sa.String(length=120), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['appeal_id'], ['appeals.id'], name=op.f('fk_appeal_documents_appeal_id_appeals'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_appeal_documents')),
    sa.UniqueConstraint('storage_name', name=op.f('uq_appeal_documents_storage_name'))
    )
    with op.batch_alter_table('appeal_documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_appeal_documents_appeal_id'), ['appeal_id'], unique=False)



def downgrade():
    with op.batch_alter_table('appeal_documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_appeal_documents_appeal_id'))

    op.drop_table('appeal_documents')
    with op.batch_alter_table('appeals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_appeals_case_id'))

    op.drop_table('appeals')
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_complaints_status'))
        batch_op.drop_index(batch_op.f('ix_complaints_lodged_by_id'))
        batch_op.drop_index(batch_op.f('ix_complaints_case_id'))

    op.drop_table('complaints')
