"""rating_threshold.min_unit_score: the unit ratings' cut-offs (单位评议) join a street's or
district's yearly standards; existing sets get the defaults the code used (90/80/65/50)

Revision ID: 0019
Revises: 0018
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None

DEFAULTS = {'excellent': 90.0, 'good': 80.0, 'qualified': 65.0, 'basic': 50.0}


def upgrade():
    with op.batch_alter_table('rating_threshold') as batch_op:
        batch_op.add_column(sa.Column('min_unit_score', sa.Float(), nullable=True))
    table = sa.table('rating_threshold', sa.column('level', sa.String), sa.column('min_unit_score', sa.Float))
    for level, score in DEFAULTS.items():
        op.execute(table.update().where(table.c.level == level).values(min_unit_score=score))
    op.execute(table.update().where(table.c.min_unit_score.is_(None)).values(min_unit_score=0.0))
    with op.batch_alter_table('rating_threshold') as batch_op:
        batch_op.alter_column('min_unit_score', existing_type=sa.Float(), nullable=False)


def downgrade():
    with op.batch_alter_table('rating_threshold') as batch_op:
        batch_op.drop_column('min_unit_score')
