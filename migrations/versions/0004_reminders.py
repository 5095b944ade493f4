"""reminders: reminder rows (unique per person/kind/subject/period, partial index on unsent),
notification deliveries (email/SMS with retries), the per-day scheduler claim

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24 19:24:15.780724

"""
from alembic import op
import sqlalchemy as sa

import app.database


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('reminder_run',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('claimed_at', app.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('claimed_by', sa.String(length=120), nullable=False),
    sa.Column('finished_at', app.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('summary', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('day', name=op.f('pk_reminder_run'))
    )
    op.create_table('delivery',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('notification_id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=10), nullable=False),
    sa.Column('address', sa.String(length=120), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', app.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_error', sa.String(length=500), nullable=True),
    sa.Column('claim_token', sa.String(length=32), nullable=True),
    sa.Column('created_at', app.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('sent_at', app.database.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['notification_id'], ['notification.id'], name=op.f('fk_delivery_notification_id_notification')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_delivery')),
    sa.UniqueConstraint('notification_id', 'channel', name=op.f('uq_delivery_notification_id_channel'))
    )
    with op.batch_alter_table('delivery', schema=None) as batch_op:
        batch_op.create_index('ix_delivery_due', ['next_attempt_at'], unique=False, sqlite_where=sa.text("status = 'pending'"), postgresql_where=sa.text("status = 'pending'"))

    op.create_table('reminder',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=20), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('text', sa.String(length=400), nullable=False),
    sa.Column('created_at', app.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('sent_at', app.database.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_reminder_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reminder')),
    sa.UniqueConstraint('user_id', 'kind', 'subject_id', 'period', name='uq_reminder_key')
    )
    with op.batch_alter_table('reminder', schema=None) as batch_op:
        batch_op.create_index('ix_reminder_unsent', ['user_id'], unique=False,
                              sqlite_where=sa.text('sent_at IS NULL'),
                              postgresql_where=sa.text('sent_at IS NULL'))
        batch_op.create_index('ix_reminder_sent_at', ['sent_at'], unique=False)
        batch_op.create_index('ix_reminder_idle_due', ['due_on', 'user_id'], unique=False,
                              sqlite_where=sa.text("kind = 'idle'"),
                              postgresql_where=sa.text("kind = 'idle'"))
        batch_op.create_index('ix_reminder_escalation_subject', ['subject_id'], unique=False,
                              sqlite_where=sa.text("kind = 'idle_escalation'"),
                              postgresql_where=sa.text("kind = 'idle_escalation'"))

    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.create_index('ix_notification_dedupe_key', ['dedupe_key', 'created_at'], unique=False)
        # (user_id) alone is covered by (user_id, dedupe_key) and (user_id, read_at)
        batch_op.drop_index('ix_notification_user_id')


def downgrade():
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.drop_index('ix_notification_dedupe_key')
        batch_op.create_index('ix_notification_user_id', ['user_id'], unique=False)

    with op.batch_alter_table('reminder', schema=None) as batch_op:
        batch_op.drop_index('ix_reminder_escalation_subject')
        batch_op.drop_index('ix_reminder_idle_due')
        batch_op.drop_index('ix_reminder_sent_at')
        batch_op.drop_index('ix_reminder_unsent')

    op.drop_table('reminder')
    with op.batch_alter_table('delivery', schema=None) as batch_op:
        batch_op.drop_index('ix_delivery_due', sqlite_where=sa.text("status = 'pending'"), postgresql_where=sa.text("status = 'pending'"))

    op.drop_table('delivery')
    op.drop_table('reminder_run')
