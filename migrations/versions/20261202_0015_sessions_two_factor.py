"""sessions and two-factor sign-in: a row per signed-in browser (revocable sessions), authenticator secrets and
recovery codes, and failed sign-in steps counted per (account, client address)

Revision ID: 20261202_0015
Revises: 20261202_0011
Create Date: 2026-12-02 09:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '20261202_0015'
down_revision = '20261202_0011'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('recovery_codes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('used_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_recovery_codes_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recovery_codes')),
    sa.UniqueConstraint('user_id', 'code_hash', name=op.f('uq_recovery_codes_user_id_code_hash'))
    )
    op.create_table('two_factor_credentials',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('secret', sa.String(length=255), nullable=True),
    sa.Column('enabled_at', sa.DateTime(), nullable=True),
    sa.Column('last_used_step', sa.BigInteger(), nullable=True),
    sa.Column('pending_secret', sa.String(length=255), nullable=True),
    sa.Column('pending_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint('(pending_secret IS NULL) = (pending_at IS NULL)', name=op.f('ck_two_factor_credentials_pending_has_time')),
    sa.CheckConstraint('(secret IS NULL) = (enabled_at IS NULL)', name=op.f('ck_two_factor_credentials_enabled_has_secret')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_two_factor_credentials_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_two_factor_credentials'))
    )
    op.create_table('user_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('second_factor', sa.Boolean(), nullable=False),
    sa.Column('remote_addr', sa.String(length=64), nullable=True),
    sa.Column('user_agent', sa.String(length=200), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_user_sessions_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_sessions')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_user_sessions_token_hash'))
    )
    with op.batch_alter_table('user_sessions', schema=None) as batch_op:
        batch_op.create_index('ix_user_sessions_created_at', ['created_at'], unique=False)
        batch_op.create_index('ix_user_sessions_user_id', ['user_id'], unique=False)

    with op.batch_alter_table('login_failures', schema=None) as batch_op:
        # Existing failures were all password failures; the server default fills them and is dropped below.
        batch_op.add_column(sa.Column('step', sa.Enum('password', 'second_factor', name='sign_in_step', native_enum=False, create_constraint=True, length=20), nullable=False, server_default='password'))
        batch_op.drop_index('ix_login_failures_email_at')
        batch_op.create_index('ix_login_failures_email_address_at', ['email', 'remote_addr', 'at'], unique=False)
    with op.batch_alter_table('login_failures', schema=None) as batch_op:
        batch_op.alter_column('step', server_default=None)


def downgrade():
    with op.batch_alter_table('login_failures', schema=None) as batch_op:
        batch_op.drop_index('ix_login_failures_email_address_at')
        batch_op.create_index('ix_login_failures_email_at', ['email', 'at'], unique=False)
        batch_op.drop_constraint(batch_op.f('ck_login_failures_sign_in_step'), type_='check')
        batch_op.drop_column('step')

    with op.batch_alter_table('user_sessions', schema=None) as batch_op:
        batch_op.drop_index('ix_user_sessions_user_id')
        batch_op.drop_index('ix_user_sessions_created_at')

    op.drop_table('user_sessions')
    op.drop_table('two_factor_credentials')
    op.drop_table('recovery_codes')
