"""credentials: QA labels (signed VC-JWTs with their status-list index), institutions' registered badge issuers, and
each published decision's push state in DEQAR

Revision ID: 20261202_0020
Revises: 20261202_0015
Create Date: 2026-12-02 07:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '20261202_0020'
down_revision = '20261202_0015'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('qa_labels',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('decision_id', sa.Integer(), nullable=False),
    sa.Column('specification_version_id', sa.Integer(), nullable=False),
    sa.Column('status_index', sa.Integer(), nullable=False),
    sa.Column('credential_id', sa.String(length=80), nullable=False),
    sa.Column('kid', sa.String(length=100), nullable=False),
    sa.Column('issued_at', sa.DateTime(), nullable=False),
    sa.Column('jwt', sa.Text(), nullable=False),
    sa.CheckConstraint('status_index >= 0', name=op.f('ck_qa_labels_status_index_not_negative')),
    sa.ForeignKeyConstraint(['decision_id'], ['decisions.id'], name=op.f('fk_qa_labels_decision_id_decisions'),
                            ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['specification_version_id'], ['specification_versions.id'],
                            name=op.f('fk_qa_labels_specification_version_id_specification_versions'),
                            ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_qa_labels')),
    sa.UniqueConstraint('credential_id', name=op.f('uq_qa_labels_credential_id')),
    sa.UniqueConstraint('decision_id', 'specification_version_id',
                        name=op.f('uq_qa_labels_decision_id_specification_version_id')),
    sa.UniqueConstraint('status_index', name=op.f('uq_qa_labels_status_index'))
    )
    with op.batch_alter_table('qa_labels', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_qa_labels_decision_id'), ['decision_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_qa_labels_specification_version_id'), ['specification_version_id'],
                              unique=False)

    op.create_table('issuer_keys',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('institution_id', sa.Integer(), nullable=False),
    sa.Column('issuer_id', sa.String(length=500), nullable=False),
    sa.Column('public_key_jwk', sa.JSON(), nullable=False),
    sa.Column('thumbprint', sa.String(length=64), nullable=False),
    sa.Column('registered_by_id', sa.Integer(), nullable=True),
    sa.Column('registered_at', sa.DateTime(), nullable=False),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.Column('revoked_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('length(trim(issuer_id)) > 0', name=op.f('ck_issuer_keys_has_issuer_id')),
    sa.ForeignKeyConstraint(['institution_id'], ['institutions.id'],
                            name=op.f('fk_issuer_keys_institution_id_institutions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['registered_by_id'], ['users.id'], name=op.f('fk_issuer_keys_registered_by_id_users'),
                            ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['revoked_by_id'], ['users.id'], name=op.f('fk_issuer_keys_revoked_by_id_users'),
                            ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_issuer_keys')),
    sa.UniqueConstraint('issuer_id', 'thumbprint', name=op.f('uq_issuer_keys_issuer_id_thumbprint'))
    )
    with op.batch_alter_table('issuer_keys', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_issuer_keys_institution_id'), ['institution_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_issuer_keys_issuer_id'), ['issuer_id'], unique=False)

    op.create_table('deqar_pushes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('decision_id', sa.Integer(), nullable=False),
    sa.Column('local_identifier', sa.String(length=255), nullable=False),
    sa.Column('report_id', sa.String(length=40), nullable=True),
    sa.Column('state', sa.Enum('sent', 'refused', 'invalid', 'failed', 'deletion_requested',
                               name='deqar_push_state', native_enum=False, create_constraint=True, length=30),
              nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=True),
    sa.Column('flag', sa.String(length=20), nullable=True),
    sa.Column('messages', sa.JSON(), nullable=False),
    sa.Column('response', sa.JSON(), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('pushed_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("state != 'sent' OR (report_id IS NOT NULL AND content_hash IS NOT NULL)",
                       name=op.f('ck_deqar_pushes_sent_has_report_id')),
    sa.ForeignKeyConstraint(['decision_id'], ['decisions.id'], name=op.f('fk_deqar_pushes_decision_id_decisions'),
                            ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deqar_pushes')),
    sa.UniqueConstraint('decision_id', name=op.f('uq_deqar_pushes_decision_id')),
    sa.UniqueConstraint('local_identifier', name=op.f('uq_deqar_pushes_local_identifier'))
    )
    with op.batch_alter_table('deqar_pushes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_deqar_pushes_state'), ['state'], unique=False)


def downgrade():
    with op.batch_alter_table('deqar_pushes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_deqar_pushes_state'))
    op.drop_table('deqar_pushes')
    with op.batch_alter_table('issuer_keys', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_issuer_keys_issuer_id'))
        batch_op.drop_index(batch_op.f('ix_issuer_keys_institution_id'))
    op.drop_table('issuer_keys')
    with op.batch_alter_table('qa_labels', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_qa_labels_specification_version_id'))
        batch_op.drop_index(batch_op.f('ix_qa_labels_decision_id'))
    op.drop_table('qa_labels')
