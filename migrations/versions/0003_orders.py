"""orders: service_order (the need and its lifecycle), order_claim (members on it),
order_event (its timeline), order_invitation (candidates staff asked to claim)

Revision ID: 0003
Revises: 0002
"""
from alembic import op
import sqlalchemy as sa

import app.database

OPEN_WHERE = "status IN ('submitted', 'dispatched', 'accepted', 'claimed')"

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():

    op.create_table('service_order',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('grid_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=100), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('category', sa.String(length=40), nullable=False),
    sa.Column('urgency', sa.String(length=10), nullable=False),
    sa.Column('slots', sa.Integer(), nullable=False),
    sa.Column('claimed_count', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('resident_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('contact_phone', sa.String(length=20), nullable=True),
    sa.Column('address', sa.String(length=200), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('to_pool', sa.Boolean(), nullable=False),
    sa.Column('deadline', app.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('reason', sa.String(length=500), nullable=True),
    sa.Column('score', sa.Integer(), nullable=True),
    sa.Column('rating_comment', sa.String(length=500), nullable=True),
    sa.Column('rated_by_id', sa.Integer(), nullable=True),
    sa.Column('reopen_count', sa.Integer(), nullable=False),
    sa.Column('created_at', app.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('dispatched_at', app.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('accepted_at', app.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('claimed_at', app.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('completed_at', app.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('closed_at', app.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('updated_at', app.database.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('claimed_count >= 0 AND claimed_count <= slots', name=op.f('ck_service_order_claims_fit')),
    sa.CheckConstraint('score IS NULL OR (score >= 1 AND score <= 5)', name=op.f('ck_service_order_score_range')),
    sa.CheckConstraint('slots >= 1', name=op.f('ck_service_order_slots_positive')),
    sa.ForeignKeyConstraint(['community_id'], ['place.id'], name=op.f('fk_service_order_community_id_place')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_service_order_created_by_id_user')),
    sa.ForeignKeyConstraint(['grid_id'], ['place.id'], name=op.f('fk_service_order_grid_id_place')),
    sa.ForeignKeyConstraint(['rated_by_id'], ['user.id'], name=op.f('fk_service_order_rated_by_id_user')),
    sa.ForeignKeyConstraint(['resident_id'], ['user.id'], name=op.f('fk_service_order_resident_id_user')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_service_order_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_service_order'))
    )
    with op.batch_alter_table('service_order', schema=None) as batch_op:
        batch_op.create_index('ix_service_order_closed_at', ['closed_at'], unique=False)
        batch_op.create_index('ix_service_order_open_deadline', ['community_id', 'deadline', 'id'], unique=False, sqlite_where=sa.text(OPEN_WHERE), postgresql_where=sa.text(OPEN_WHERE))
        batch_op.create_index('ix_service_order_community_board', ['community_id', 'status', 'deadline', 'id'], unique=False)
        batch_op.create_index('ix_service_order_resident', ['resident_id', 'id'], unique=False)
        batch_op.create_index('ix_service_order_status_deadline', ['status', 'deadline'], unique=False)
        batch_op.create_index('ix_service_order_unit_status', ['unit_id', 'status', 'deadline'], unique=False)

    op.create_table('order_claim',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('claimed_at', app.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('released_at', app.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('release_reason', sa.String(length=500), nullable=True),
    sa.Column('abandoned', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['user.id'], name=op.f('fk_order_claim_member_id_user')),
    sa.ForeignKeyConstraint(['order_id'], ['service_order.id'], name=op.f('fk_order_claim_order_id_service_order')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_order_claim'))
    )
    with op.batch_alter_table('order_claim', schema=None) as batch_op:
        batch_op.create_index('ix_order_claim_member_time', ['member_id', 'claimed_at'], unique=False)
        batch_op.create_index('ix_order_claim_order', ['order_id', 'id'], unique=False)
        batch_op.create_index('uq_order_claim_active', ['order_id', 'member_id'], unique=True, sqlite_where=sa.text('released_at IS NULL'), postgresql_where=sa.text('released_at IS NULL'))

    op.create_table('order_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('at', app.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=20), nullable=False),
    sa.Column('from_status', sa.String(length=16), nullable=True),
    sa.Column('to_status', sa.String(length=16), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['user.id'], name=op.f('fk_order_event_actor_id_user')),
    sa.ForeignKeyConstraint(['order_id'], ['service_order.id'], name=op.f('fk_order_event_order_id_service_order')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_order_event'))
    )
    with op.batch_alter_table('order_event', schema=None) as batch_op:
        batch_op.create_index('ix_order_event_order', ['order_id', 'id'], unique=False)

    op.create_table('order_invitation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('invited_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', app.database.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['invited_by_id'], ['user.id'], name=op.f('fk_order_invitation_invited_by_id_user')),
    sa.ForeignKeyConstraint(['member_id'], ['user.id'], name=op.f('fk_order_invitation_member_id_user')),
    sa.ForeignKeyConstraint(['order_id'], ['service_order.id'], name=op.f('fk_order_invitation_order_id_service_order')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_order_invitation')),
    sa.UniqueConstraint('order_id', 'member_id', name=op.f('uq_order_invitation_order_id_member_id'))
    )
    with op.batch_alter_table('order_invitation', schema=None) as batch_op:
        batch_op.create_index('ix_order_invitation_member', ['member_id', 'created_at'], unique=False)


def downgrade():
    with op.batch_alter_table('order_invitation', schema=None) as batch_op:
        batch_op.drop_index('ix_order_invitation_member')

    op.drop_table('order_invitation')
    with op.batch_alter_table('order_event', schema=None) as batch_op:
        batch_op.drop_index('ix_order_event_order')

    op.drop_table('order_event')
    with op.batch_alter_table('order_claim', schema=None) as batch_op:
        batch_op.drop_index('uq_order_claim_active', sqlite_where=sa.text('released_at IS NULL'), postgresql_where=sa.text('released_at IS NULL'))
        batch_op.drop_index('ix_order_claim_order')
        batch_op.drop_index('ix_order_claim_member_time')

    op.drop_table('order_claim')
    with op.batch_alter_table('service_order', schema=None) as batch_op:
        batch_op.drop_index('ix_service_order_unit_status')
        batch_op.drop_index('ix_service_order_status_deadline')
        batch_op.drop_index('ix_service_order_resident')
        batch_op.drop_index('ix_service_order_community_board')
        batch_op.drop_index('ix_service_order_closed_at')
        batch_op.drop_index('ix_service_order_open_deadline', sqlite_where=sa.text(OPEN_WHERE), postgresql_where=sa.text(OPEN_WHERE))

    op.drop_table('service_order')
