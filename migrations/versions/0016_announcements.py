"""announcements (通知公告 / 党务公开)

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-01 23:47:49.917693

"""
from alembic import op
import sqlalchemy as sa

import app.database

# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

def upgrade():
    op.create_table('announcement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('place_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('body', sa.String(length=2000), nullable=False),
    sa.Column('is_pinned', sa.Boolean(), nullable=False),
    sa.Column('expires_on', sa.Date(), nullable=True),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('created_at', app.database.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['user.id'], name=op.f('fk_announcement_author_id_user')),
    sa.ForeignKeyConstraint(['place_id'], ['place.id'], name=op.f('fk_announcement_place_id_place')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_announcement'))
    )
    with op.batch_alter_table('announcement', schema=None) as batch_op:
        batch_op.create_index('ix_announcement_created_at', ['created_at'], unique=False)
        batch_op.create_index('ix_announcement_place_time', ['place_id', 'created_at'], unique=False)



def downgrade():

    with op.batch_alter_table('announcement', schema=None) as batch_op:
        batch_op.drop_index('ix_announcement_place_time')
        batch_op.drop_index('ix_announcement_created_at')

    op.drop_table('announcement')
