"""project_session (场次/任务 of a co-building project) and project_signup.session_id: one
sign-up per member and project without a session, one per member and session with one

Revision ID: 0018
Revises: 0013
"""
from alembic import op
import sqlalchemy as sa

import app.database

# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('project_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('location', sa.String(length=200), nullable=False),
    sa.Column('starts_at', app.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ends_at', app.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('slots', sa.Integer(), nullable=False),
    sa.Column('signup_count', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('cancel_reason', sa.String(length=500), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', app.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', app.database.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_project_session_created_by_id_user')),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_project_session_project_id_project')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_project_session'))
    )
    with op.batch_alter_table('project_session', schema=None) as batch_op:
        batch_op.create_index('ix_project_session_project_starts', ['project_id', 'starts_at'], unique=False)

    with op.batch_alter_table('project_signup', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(op.f('fk_project_signup_session_id_project_session'),
                                    'project_session', ['session_id'], ['id'])
        batch_op.drop_constraint('uq_project_signup_project_id_member_id', type_='unique')
        batch_op.create_unique_constraint(op.f('uq_project_signup_session_id_member_id'),
                                          ['session_id', 'member_id'])
    op.create_index('uq_project_signup_project_member', 'project_signup', ['project_id', 'member_id'],
                    unique=True, sqlite_where=sa.text('session_id IS NULL'),
                    postgresql_where=sa.text('session_id IS NULL'))


def downgrade():
    # A member may hold several session sign-ups of one project: they cannot come back under
    # one (project, member) row, and are dropped with their sessions.
    op.execute("DELETE FROM project_signup WHERE session_id IS NOT NULL")
    op.drop_index('uq_project_signup_project_member', table_name='project_signup')
    with op.batch_alter_table('project_signup', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('uq_project_signup_session_id_member_id'), type_='unique')
        batch_op.create_unique_constraint(op.f('uq_project_signup_project_id_member_id'),
                                          ['project_id', 'member_id'])
        batch_op.drop_constraint(op.f('fk_project_signup_session_id_project_session'), type_='foreignkey')
        batch_op.drop_column('session_id')
    with op.batch_alter_table('project_session', schema=None) as batch_op:
        batch_op.drop_index('ix_project_session_project_starts')
    op.drop_table('project_session')
