"""rating_publicity.shown_levels: what a community's 双公示 page shows (all levels, or 合格 and
above)

Revision ID: 0013
Revises: 0012
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('rating_publicity') as batch_op:
        batch_op.add_column(sa.Column('shown_levels', sa.String(length=16), nullable=False,
                                      server_default='all'))


def downgrade():
    with op.batch_alter_table('rating_publicity') as batch_op:
        batch_op.drop_column('shown_levels')
