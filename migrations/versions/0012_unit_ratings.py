"""unit ratings: unit_rating (a community's yearly rating of a unit, frozen once published),
unit_rating_revision (changes after publication), unit_need_tally (the needs a unit was sent,
summed per community, category and year); indexes for the tallies (needs per unit, open needs
per unit, decline events)

Revision ID: 0012
Revises: 0011
"""
from alembic import op
import sqlalchemy as sa

import app.database


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('unit_rating',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('figures', sa.JSON(), nullable=True),
    sa.Column('level', sa.String(length=16), nullable=True),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('computed_level', sa.String(length=16), nullable=True),
    sa.Column('published_at', app.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('published_by_id', sa.Integer(), nullable=True),
    sa.Column('published_level', sa.String(length=16), nullable=True),
    sa.Column('published_comment', sa.Text(), nullable=True),
    sa.Column('revision_count', sa.Integer(), nullable=False),
    sa.Column('created_at', app.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', app.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['community_id'], ['place.id'], name=op.f('fk_unit_rating_community_id_place')),
    sa.ForeignKeyConstraint(['published_by_id'], ['user.id'], name=op.f('fk_unit_rating_published_by_id_user')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_unit_rating_unit_id_unit')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user.id'], name=op.f('fk_unit_rating_updated_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_unit_rating')),
    sa.UniqueConstraint('unit_id', 'community_id', 'year', name=op.f('uq_unit_rating_unit_id_community_id_year'))
    )
    with op.batch_alter_table('unit_rating', schema=None) as batch_op:
        batch_op.create_index('ix_unit_rating_community_year', ['community_id', 'year', 'published_at'], unique=False)

    op.create_table('unit_rating_revision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_rating_id', sa.Integer(), nullable=False),
    sa.Column('created_at', app.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('old_level', sa.String(length=16), nullable=False),
    sa.Column('new_level', sa.String(length=16), nullable=False),
    sa.Column('old_comment', sa.Text(), nullable=False),
    sa.Column('new_comment', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_unit_rating_revision_created_by_id_user')),
    sa.ForeignKeyConstraint(['unit_rating_id'], ['unit_rating.id'], name=op.f('fk_unit_rating_revision_unit_rating_id_unit_rating')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_unit_rating_revision'))
    )
    with op.batch_alter_table('unit_rating_revision', schema=None) as batch_op:
        batch_op.create_index('ix_unit_rating_revision_rating', ['unit_rating_id', 'id'], unique=False)


    op.create_table('unit_need_tally',
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('category', sa.String(length=40), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('received_now', sa.Integer(), nullable=False),
    sa.Column('accepted', sa.Integer(), nullable=False),
    sa.Column('response_seconds', sa.Float(), nullable=False),
    sa.Column('completed', sa.Integer(), nullable=False),
    sa.Column('on_time', sa.Integer(), nullable=False),
    sa.Column('finished', sa.Integer(), nullable=False),
    sa.Column('reopened', sa.Integer(), nullable=False),
    sa.Column('score_sum', sa.Integer(), nullable=False),
    sa.Column('score_count', sa.Integer(), nullable=False),
    sa.Column('declined', sa.Integer(), nullable=False),
    sa.Column('open_now', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['community_id'], ['place.id'], name=op.f('fk_unit_need_tally_community_id_place')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_unit_need_tally_unit_id_unit')),
    sa.PrimaryKeyConstraint('unit_id', 'community_id', 'category', 'year', name=op.f('pk_unit_need_tally'))
    )
    with op.batch_alter_table('unit_need_tally', schema=None) as batch_op:
        batch_op.create_index('ix_unit_need_tally_year_community', ['year', 'community_id'], unique=False)
    open_where = sa.text("status IN ('submitted', 'dispatched', 'accepted', 'claimed')")
    with op.batch_alter_table('service_order', schema=None) as batch_op:
        batch_op.create_index('ix_service_order_unit_tally', ['unit_id', 'community_id', 'category', 'dispatched_at'], unique=False)
        batch_op.create_index('ix_service_order_open_unit', ['deadline', 'unit_id', 'community_id', 'category', 'dispatched_at'], unique=False, sqlite_where=open_where, postgresql_where=open_where)
    decline = sa.text("action = 'decline'")
    with op.batch_alter_table('order_event', schema=None) as batch_op:
        batch_op.create_index('ix_order_event_decline', ['actor_id', 'at'], unique=False, sqlite_where=decline, postgresql_where=decline)
    # Existing orders: run `flask ratings rebuild-tally` once after this migration (README).


def downgrade():
    with op.batch_alter_table('order_event', schema=None) as batch_op:
        batch_op.drop_index('ix_order_event_decline')
    with op.batch_alter_table('service_order', schema=None) as batch_op:
        batch_op.drop_index('ix_service_order_open_unit')
        batch_op.drop_index('ix_service_order_unit_tally')
    with op.batch_alter_table('unit_need_tally', schema=None) as batch_op:
        batch_op.drop_index('ix_unit_need_tally_year_community')
    op.drop_table('unit_need_tally')
    with op.batch_alter_table('unit_rating_revision', schema=None) as batch_op:
        batch_op.drop_index('ix_unit_rating_revision_rating')
    op.drop_table('unit_rating_revision')
    with op.batch_alter_table('unit_rating', schema=None) as batch_op:
        batch_op.drop_index('ix_unit_rating_community_year')
    op.drop_table('unit_rating')
