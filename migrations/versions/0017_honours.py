"""honours (表彰): honour and honour_objection

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-01 23:52:47.016970

"""
from alembic import op
import sqlalchemy as sa

import app.database

# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None

def upgrade():
    op.create_table('honour',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=True),
    sa.Column('team_name', sa.String(length=100), nullable=False),
    sa.Column('reasons', sa.String(length=2000), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('nominated_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decision_note', sa.String(length=500), nullable=False),
    sa.Column('created_at', app.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('publicity_ends_at', app.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('granted_at', app.database.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['community_id'], ['place.id'], name=op.f('fk_honour_community_id_place')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user.id'], name=op.f('fk_honour_decided_by_id_user')),
    sa.ForeignKeyConstraint(['member_id'], ['user.id'], name=op.f('fk_honour_member_id_user')),
    sa.ForeignKeyConstraint(['nominated_by_id'], ['user.id'], name=op.f('fk_honour_nominated_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_honour'))
    )
    with op.batch_alter_table('honour', schema=None) as batch_op:
        batch_op.create_index('ix_honour_community_status', ['community_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_honour_member_id'), ['member_id'], unique=False)

    op.create_table('honour_objection',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('honour_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('created_at', app.database.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['honour_id'], ['honour.id'], name=op.f('fk_honour_objection_honour_id_honour')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_honour_objection_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_honour_objection')),
    sa.UniqueConstraint('honour_id', 'user_id', name='uq_honour_objection_user')
    )


def downgrade():

    op.drop_table('honour_objection')
    with op.batch_alter_table('honour', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_honour_member_id'))
        batch_op.drop_index('ix_honour_community_status')

    op.drop_table('honour')
