"""council meetings: the council decides as a body — meetings (date, quorum override), attendance, agenda items
with the proposal voted on and the decision recorded from it, and one vote per member per item

Revision ID: 20261202_0022
Revises: 20261202_0013
Create Date: 2026-12-02 10:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '20261202_0022'
down_revision = '20261202_0013'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('council_meetings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('quorum', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('length(trim(title)) > 0', name=op.f('ck_council_meetings_has_title')),
    sa.CheckConstraint('quorum IS NULL OR quorum > 0', name=op.f('ck_council_meetings_quorum_positive')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_council_meetings_created_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_council_meetings'))
    )
    with op.batch_alter_table('council_meetings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_council_meetings_held_on'), ['held_on'], unique=False)

    op.create_table('council_meeting_attendances',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['council_meetings.id'], name=op.f('fk_council_meeting_attendances_meeting_id_council_meetings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_council_meeting_attendances_user_id_users'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_council_meeting_attendances')),
    sa.UniqueConstraint('meeting_id', 'user_id', name=op.f('uq_council_meeting_attendances_meeting_id_user_id'))
    )
    with op.batch_alter_table('council_meeting_attendances', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_council_meeting_attendances_meeting_id'), ['meeting_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_council_meeting_attendances_user_id'), ['user_id'], unique=False)

    op.create_table('council_agenda_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('proposal', sa.JSON(), nullable=True),
    sa.Column('proposed_by_id', sa.Integer(), nullable=True),
    sa.Column('decision_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_council_agenda_items_case_id_cases'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['decision_id'], ['decisions.id'], name=op.f('fk_council_agenda_items_decision_id_decisions'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['meeting_id'], ['council_meetings.id'], name=op.f('fk_council_agenda_items_meeting_id_council_meetings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['proposed_by_id'], ['users.id'], name=op.f('fk_council_agenda_items_proposed_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_council_agenda_items')),
    sa.UniqueConstraint('decision_id', name=op.f('uq_council_agenda_items_decision_id')),
    sa.UniqueConstraint('meeting_id', 'case_id', name=op.f('uq_council_agenda_items_meeting_id_case_id'))
    )
    with op.batch_alter_table('council_agenda_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_council_agenda_items_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_council_agenda_items_meeting_id'), ['meeting_id'], unique=False)

    op.create_table('council_votes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('choice', sa.Enum('for', 'against', 'abstain', name='vote_choice', native_enum=False, create_constraint=True, length=10), nullable=False),
    sa.Column('cast_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['council_agenda_items.id'], name=op.f('fk_council_votes_item_id_council_agenda_items'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_council_votes_user_id_users'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_council_votes')),
    sa.UniqueConstraint('item_id', 'user_id', name=op.f('uq_council_votes_item_id_user_id'))
    )
    with op.batch_alter_table('council_votes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_council_votes_item_id'), ['item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_council_votes_user_id'), ['user_id'], unique=False)



def downgrade():
    with op.batch_alter_table('council_votes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_council_votes_user_id'))
        batch_op.drop_index(batch_op.f('ix_council_votes_item_id'))

    op.drop_table('council_votes')
    with op.batch_alter_table('council_agenda_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_council_agenda_items_meeting_id'))
        batch_op.drop_index(batch_op.f('ix_council_agenda_items_case_id'))

    op.drop_table('council_agenda_items')
    with op.batch_alter_table('council_meeting_attendances', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_council_meeting_attendances_user_id'))
        batch_op.drop_index(batch_op.f('ix_council_meeting_attendances_meeting_id'))

    op.drop_table('council_meeting_attendances')
    with op.batch_alter_table('council_meetings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_council_meetings_held_on'))

    op.drop_table('council_meetings')
