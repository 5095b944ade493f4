"""rewards: reward catalogue, redemption, spend_entry and spend_balance (积分兑换)

Revision ID: 0015
Revises: 0009
Create Date: 2026-12-01 23:36:09.247334

"""
from alembic import op
import sqlalchemy as sa

import app.database


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('reward',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('place_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('description', sa.String(length=500), nullable=False),
    sa.Column('points', sa.Integer(), nullable=False),
    sa.Column('stock', sa.Integer(), nullable=False),
    sa.Column('per_member_limit', sa.Integer(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=True),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', app.database.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('points > 0', name=op.f('ck_reward_points')),
    sa.CheckConstraint('stock >= 0', name=op.f('ck_reward_stock')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_reward_created_by_id_user')),
    sa.ForeignKeyConstraint(['place_id'], ['place.id'], name=op.f('fk_reward_place_id_place')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_reward_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reward'))
    )
    with op.batch_alter_table('reward', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reward_place_id'), ['place_id'], unique=False)

    op.create_table('spend_balance',
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('spent', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['user.id'], name=op.f('fk_spend_balance_member_id_user')),
    sa.PrimaryKeyConstraint('member_id', name=op.f('pk_spend_balance'))
    )
    op.create_table('spend_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('points', sa.Integer(), nullable=False),
    sa.Column('source_type', sa.String(length=40), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=True),
    sa.Column('idempotency_key', sa.String(length=160), nullable=False),
    sa.Column('created_at', app.database.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['user.id'], name=op.f('fk_spend_entry_member_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_spend_entry')),
    sa.UniqueConstraint('idempotency_key', name=op.f('uq_spend_entry_idempotency_key'))
    )
    with op.batch_alter_table('spend_entry', schema=None) as batch_op:
        batch_op.create_index('ix_spend_entry_member', ['member_id', 'id'], unique=False)

    op.create_table('redemption',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reward_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('points', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('request_key', sa.String(length=64), nullable=False),
    sa.Column('created_at', app.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('decided_at', app.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user.id'], name=op.f('fk_redemption_decided_by_id_user')),
    sa.ForeignKeyConstraint(['member_id'], ['user.id'], name=op.f('fk_redemption_member_id_user')),
    sa.ForeignKeyConstraint(['reward_id'], ['reward.id'], name=op.f('fk_redemption_reward_id_reward')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_redemption')),
    sa.UniqueConstraint('member_id', 'request_key', name='uq_redemption_request')
    )
    with op.batch_alter_table('redemption', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_redemption_member_id'), ['member_id'], unique=False)
        batch_op.create_index('ix_redemption_reward_member', ['reward_id', 'member_id'], unique=False)




def downgrade():

    with op.batch_alter_table('redemption', schema=None) as batch_op:
        batch_op.drop_index('ix_redemption_reward_member')
        batch_op.drop_index(batch_op.f('ix_redemption_member_id'))

    op.drop_table('redemption')
    with op.batch_alter_table('spend_entry', schema=None) as batch_op:
        batch_op.drop_index('ix_spend_entry_member')

    op.drop_table('spend_entry')
    op.drop_table('spend_balance')
    with op.batch_alter_table('reward', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reward_place_id'))

    op.drop_table('reward')
