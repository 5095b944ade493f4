"""ratings: rating (a member's yearly 双评议 rating, frozen once published), rating_revision
(changes after publication), rating_threshold (levels per street/district and year),
rating_publicity (each community's 双公示 switch)

Revision ID: 0005
Revises: 0004
"""
from alembic import op
import sqlalchemy as sa

import app.database


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('rating',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('level', sa.String(length=16), nullable=True),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('computed_level', sa.String(length=16), nullable=True),
    sa.Column('points', sa.Integer(), nullable=True),
    sa.Column('checklist_completed', sa.Integer(), nullable=True),
    sa.Column('checklist_total', sa.Integer(), nullable=True),
    sa.Column('hours', sa.Float(), nullable=True),
    sa.Column('avg_satisfaction', sa.Float(), nullable=True),
    sa.Column('satisfaction_count', sa.Integer(), nullable=True),
    sa.Column('abandoned_claims', sa.Integer(), nullable=True),
    sa.Column('published_at', app.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('published_by_id', sa.Integer(), nullable=True),
    sa.Column('published_level', sa.String(length=16), nullable=True),
    sa.Column('published_comment', sa.Text(), nullable=True),
    sa.Column('revision_count', sa.Integer(), nullable=False),
    sa.Column('created_at', app.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', app.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['community_id'], ['place.id'], name=op.f('fk_rating_community_id_place')),
    sa.ForeignKeyConstraint(['member_id'], ['user.id'], name=op.f('fk_rating_member_id_user')),
    sa.ForeignKeyConstraint(['published_by_id'], ['user.id'], name=op.f('fk_rating_published_by_id_user')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user.id'], name=op.f('fk_rating_updated_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rating')),
    sa.UniqueConstraint('member_id', 'year', name=op.f('uq_rating_member_id_year'))
    )
    with op.batch_alter_table('rating', schema=None) as batch_op:
        batch_op.create_index('ix_rating_community_year', ['community_id', 'year', 'published_at'], unique=False)

    op.create_table('rating_publicity',
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('is_public', sa.Boolean(), nullable=False),
    sa.Column('updated_at', app.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['community_id'], ['place.id'], name=op.f('fk_rating_publicity_community_id_place')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user.id'], name=op.f('fk_rating_publicity_updated_by_id_user')),
    sa.PrimaryKeyConstraint('community_id', name=op.f('pk_rating_publicity'))
    )
    op.create_table('rating_threshold',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('place_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('level', sa.String(length=16), nullable=False),
    sa.Column('min_points', sa.Integer(), nullable=False),
    sa.Column('min_checklist_percent', sa.Integer(), nullable=False),
    sa.Column('min_satisfaction', sa.Float(), nullable=True),
    sa.Column('max_abandoned', sa.Integer(), nullable=True),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', app.database.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['place_id'], ['place.id'], name=op.f('fk_rating_threshold_place_id_place')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user.id'], name=op.f('fk_rating_threshold_updated_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rating_threshold')),
    sa.UniqueConstraint('place_id', 'year', 'level', name=op.f('uq_rating_threshold_place_id_year_level'))
    )
    op.create_table('rating_revision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('rating_id', sa.Integer(), nullable=False),
    sa.Column('created_at', app.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('old_level', sa.String(length=16), nullable=False),
    sa.Column('new_level', sa.String(length=16), nullable=False),
    sa.Column('old_comment', sa.Text(), nullable=False),
    sa.Column('new_comment', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_rating_revision_created_by_id_user')),
    sa.ForeignKeyConstraint(['rating_id'], ['rating.id'], name=op.f('fk_rating_revision_rating_id_rating')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rating_revision'))
    )
    with op.batch_alter_table('rating_revision', schema=None) as batch_op:
        batch_op.create_index('ix_rating_revision_rating', ['rating_id', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('rating_revision', schema=None) as batch_op:
        batch_op.drop_index('ix_rating_revision_rating')

    op.drop_table('rating_revision')
    op.drop_table('rating_threshold')
    op.drop_table('rating_publicity')
    with op.batch_alter_table('rating', schema=None) as batch_op:
        batch_op.drop_index('ix_rating_community_year')

    op.drop_table('rating')
