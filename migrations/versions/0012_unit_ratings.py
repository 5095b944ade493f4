"""unit ratings: unit_rating (a community's yearly rating of a unit, frozen once published),
unit_rating_revision (changes after publication); indexes for department performance (needs
by dispatch time per unit, decline events)

Revision ID: 0012
Revises: 0009
"""
from alembic import op
import sqlalchemy as sa

import app.database


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0009'
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


def downgrade():
    with op.batch_alter_table('unit_rating_revision', schema=None) as batch_op:
        batch_op.drop_index('ix_unit_rating_revision_rating')
    op.drop_table('unit_rating_revision')
    with op.batch_alter_table('unit_rating', schema=None) as batch_op:
        batch_op.drop_index('ix_unit_rating_community_year')
    op.drop_table('unit_rating')
