"""follow-up of decision conditions: the institution's report (with an optional document) and the officer's verdict
per condition; the conditions themselves stay immutable

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-28 21:31:13.872554

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('condition_follow_ups',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('condition_id', sa.Integer(), nullable=False),
    sa.Column('report', sa.Text(), nullable=False),
    sa.Column('reported_by_id', sa.Integer(), nullable=True),
    sa.Column('reported_at', sa.DateTime(), nullable=False),
    sa.Column('storage_name', sa.String(length=64), nullable=True),
    sa.Column('original_name', sa.String(length=255), nullable=True),
    sa.Column('mime_type', sa.String(length=120), nullable=True),
    sa.Column('size', sa.Integer(), nullable=True),
    sa.Column('sha256', sa.String(length=64), nullable=True),
    sa.Column('verdict', sa.Enum('met', 'not_met', name='condition_verdict', native_enum=False, create_constraint=True, length=20), nullable=True),
    sa.Column('verdict_reason', sa.Text(), nullable=False),
    sa.Column('verified_by_id', sa.Integer(), nullable=True),
    sa.Column('verified_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint('length(trim(report)) > 0', name=op.f('ck_condition_follow_ups_has_report')),
    sa.CheckConstraint('verdict IS NULL OR length(trim(verdict_reason)) > 0', name=op.f('ck_condition_follow_ups_verdict_has_reason')),
    sa.ForeignKeyConstraint(['condition_id'], ['decision_conditions.id'], name=op.f('fk_condition_follow_ups_condition_id_decision_conditions'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['reported_by_id'], ['users.id'], name=op.f('fk_condition_follow_ups_reported_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['verified_by_id'], ['users.id'], name=op.f('fk_condition_follow_ups_verified_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_condition_follow_ups')),
    sa.UniqueConstraint('condition_id', name=op.f('uq_condition_follow_ups_condition_id')),
    sa.UniqueConstraint('storage_name', name=op.f('uq_condition_follow_ups_storage_name'))
    )


def downgrade():
    op.drop_table('condition_follow_ups')
