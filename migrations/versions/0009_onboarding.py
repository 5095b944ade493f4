"""onboarding: import_run (every confirmed bulk import), sms_code (one-time sign-in codes,
hashed), resident_profile (a resident's address)

Revision ID: 0009
Revises: 0006
"""
from alembic import op
import sqlalchemy as sa

import app.database


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('import_run',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('file_name', sa.String(length=200), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('place_id', sa.Integer(), nullable=True),
    sa.Column('rows', sa.Integer(), nullable=False),
    sa.Column('created', sa.Integer(), nullable=False),
    sa.Column('updated', sa.Integer(), nullable=False),
    sa.Column('unchanged', sa.Integer(), nullable=False),
    sa.Column('error_count', sa.Integer(), nullable=False),
    sa.Column('created_at', app.database.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['user.id'], name=op.f('fk_import_run_actor_id_user')),
    sa.ForeignKeyConstraint(['place_id'], ['place.id'], name=op.f('fk_import_run_place_id_place')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_import_run'))
    )
    with op.batch_alter_table('import_run', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_import_run_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_import_run_place_id'), ['place_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_import_run_created_at'), ['created_at'], unique=False)

    op.create_table('sms_code',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('phone', sa.String(length=20), nullable=False),
    sa.Column('address', sa.String(length=64), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('created_at', app.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', app.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('used_at', app.database.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sms_code'))
    )
    with op.batch_alter_table('sms_code', schema=None) as batch_op:
        batch_op.create_index('ix_sms_code_phone_created', ['phone', 'created_at'], unique=False)
        batch_op.create_index('ix_sms_code_address_created', ['address', 'created_at'], unique=False)

    op.create_table('resident_profile',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('address', sa.String(length=200), nullable=False),
    sa.Column('updated_at', app.database.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_resident_profile_user_id_user'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_resident_profile'))
    )
    # Imports and sign-in by phone look accounts up by phone.
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.create_index('ix_user_phone', ['phone'], unique=False)


def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_index('ix_user_phone')
    op.drop_table('resident_profile')
    with op.batch_alter_table('sms_code', schema=None) as batch_op:
        batch_op.drop_index('ix_sms_code_address_created')
        batch_op.drop_index('ix_sms_code_phone_created')
    op.drop_table('sms_code')
    with op.batch_alter_table('import_run', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_import_run_created_at'))
        batch_op.drop_index(batch_op.f('ix_import_run_place_id'))
        batch_op.drop_index(batch_op.f('ix_import_run_actor_id'))
    op.drop_table('import_run')
