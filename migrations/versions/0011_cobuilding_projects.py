"""co-building: unit_resource (资源清单, the free text of unit_registration.resources becomes
items), agreement (共建协议), project with its claims, claimed resources, sign-ups and events
(项目清单), team with its members and claims (服务队); the project_participation scoring rule

Revision ID: 0011
Revises: 0009
"""
import json
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa

import app.database

# The kind of a migrated free-text resource, guessed from its words; else "other".
KIND_WORDS = [
    ('venue', ('场地', '会议室', '活动室', '礼堂', '场馆', '教室', '室')),
    ('funds', ('资金', '经费', '捐款', '捐赠', '资助')),
    ('volunteers', ('志愿', '服务队', '队伍')),
    ('professional', ('咨询', '法律', '医疗', '义诊', '专业', '技术', '理财', '辅导', '培训')),
    ('equipment', ('设备', '物资', '车辆', '器材', '电脑', '图书')),
]


def guess_kind(name):
    for kind, words in KIND_WORDS:
        if any(word in name for word in words):
            return kind
    return 'other'


def _migrate_resources_to_items():
    """Each distinct free-text resource of a unit becomes one item of its list."""
    bind = op.get_bind()
    rows = bind.execute(sa.text('SELECT unit_id, resources FROM unit_registration ORDER BY id')).all()
    now = datetime.now(timezone.utc)
    seen, items = set(), []
    for unit_id, resources in rows:
        if isinstance(resources, str):
            resources = json.loads(resources or '[]')
        for name in resources or []:
            name = (name or '').strip()[:100]
            if name and (unit_id, name) not in seen:
                seen.add((unit_id, name))
                items.append({'unit_id': unit_id, 'kind': guess_kind(name), 'name': name,
                              'description': '', 'available': '', 'contact': '',
                              'created_at': now, 'updated_at': now})
    if items:
        table = sa.table('unit_resource', *(sa.column(c) for c in (
            'unit_id', 'kind', 'name', 'description', 'available', 'contact')),
            sa.column('created_at', app.database.UTCDateTime), sa.column('updated_at', app.database.UTCDateTime))
        op.bulk_insert(table, items)


def _restore_free_text():
    bind = op.get_bind()
    names = {}
    for unit_id, name in bind.execute(sa.text(
            'SELECT unit_id, name FROM unit_resource WHERE withdrawn_at IS NULL ORDER BY id')):
        names.setdefault(unit_id, []).append(name)
    for unit_id, unit_names in names.items():
        bind.execute(sa.text('UPDATE unit_registration SET resources = :r WHERE unit_id = :u'),
                     {'r': json.dumps(unit_names, ensure_ascii=False), 'u': unit_id})

# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('unit_resource',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('description', sa.String(length=500), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=True),
    sa.Column('available', sa.String(length=200), nullable=False),
    sa.Column('contact', sa.String(length=100), nullable=False),
    sa.Column('created_at', app.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', app.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('withdrawn_at', app.database.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_unit_resource_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_unit_resource'))
    )
    with op.batch_alter_table('unit_resource', schema=None) as batch_op:
        batch_op.create_index('ix_unit_resource_unit_kind', ['unit_id', 'kind'], unique=False)

    op.create_table('agreement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', app.database.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['community_id'], ['place.id'], name=op.f('fk_agreement_community_id_place')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_agreement_created_by_id_user')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_agreement_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agreement'))
    )
    with op.batch_alter_table('agreement', schema=None) as batch_op:
        batch_op.create_index('ix_agreement_community_unit', ['community_id', 'unit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_agreement_unit_id'), ['unit_id'], unique=False)

    op.create_table('team',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('leader_id', sa.Integer(), nullable=False),
    sa.Column('specialities', sa.JSON(), nullable=False),
    sa.Column('description', sa.String(length=500), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=True),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('member_count', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', app.database.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('(community_id IS NULL) <> (unit_id IS NULL)', name=op.f('ck_team_home_community_or_unit')),
    sa.ForeignKeyConstraint(['community_id'], ['place.id'], name=op.f('fk_team_community_id_place')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_team_created_by_id_user')),
    sa.ForeignKeyConstraint(['leader_id'], ['user.id'], name=op.f('fk_team_leader_id_user')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_team_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_team')),
    sa.UniqueConstraint('name', name=op.f('uq_team_name'))
    )
    with op.batch_alter_table('team', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_team_community_id'), ['community_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_team_leader_id'), ['leader_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_team_unit_id'), ['unit_id'], unique=False)

    op.create_table('project',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('agreement_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('goals', sa.Text(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('places', sa.Integer(), nullable=False),
    sa.Column('claimed_places', sa.Integer(), nullable=False),
    sa.Column('slots', sa.Integer(), nullable=False),
    sa.Column('signup_count', sa.Integer(), nullable=False),
    sa.Column('points', sa.Integer(), nullable=False),
    sa.Column('hours', sa.Float(), nullable=False),
    sa.Column('skills', sa.JSON(), nullable=False),
    sa.Column('resources_needed', sa.String(length=500), nullable=False),
    sa.Column('checklist_item', sa.String(length=40), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('outcome', sa.Text(), nullable=True),
    sa.Column('closed_at', app.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('closed_by_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', app.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', app.database.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['agreement_id'], ['agreement.id'], name=op.f('fk_project_agreement_id_agreement')),
    sa.ForeignKeyConstraint(['closed_by_id'], ['user.id'], name=op.f('fk_project_closed_by_id_user')),
    sa.ForeignKeyConstraint(['community_id'], ['place.id'], name=op.f('fk_project_community_id_place')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_project_created_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_project'))
    )
    with op.batch_alter_table('project', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_project_agreement_id'), ['agreement_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_project_closed_at'), ['closed_at'], unique=False)
        batch_op.create_index('ix_project_community_status', ['community_id', 'status'], unique=False)

    op.create_table('team_claim',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('target_type', sa.String(length=16), nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=False),
    sa.Column('claimed_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', app.database.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['claimed_by_id'], ['user.id'], name=op.f('fk_team_claim_claimed_by_id_user')),
    sa.ForeignKeyConstraint(['team_id'], ['team.id'], name=op.f('fk_team_claim_team_id_team')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_team_claim')),
    sa.UniqueConstraint('team_id', 'target_type', 'target_id', name=op.f('uq_team_claim_team_id_target_type_target_id'))
    )
    with op.batch_alter_table('team_claim', schema=None) as batch_op:
        batch_op.create_index('ix_team_claim_target', ['target_type', 'target_id'], unique=False)

    op.create_table('team_member',
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('joined_at', app.database.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['user.id'], name=op.f('fk_team_member_member_id_user')),
    sa.ForeignKeyConstraint(['team_id'], ['team.id'], name=op.f('fk_team_member_team_id_team')),
    sa.PrimaryKeyConstraint('team_id', 'member_id', name=op.f('pk_team_member'))
    )
    with op.batch_alter_table('team_member', schema=None) as batch_op:
        batch_op.create_index('ix_team_member_member', ['member_id'], unique=False)

    op.create_table('project_claim',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('team_name', sa.String(length=100), nullable=True),
    sa.Column('claimed_by_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('created_at', app.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('decided_at', app.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['claimed_by_id'], ['user.id'], name=op.f('fk_project_claim_claimed_by_id_user')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user.id'], name=op.f('fk_project_claim_decided_by_id_user')),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_project_claim_project_id_project')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_project_claim_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_project_claim'))
    )
    with op.batch_alter_table('project_claim', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_project_claim_project_id'), ['project_id'], unique=False)
        batch_op.create_index('ix_project_claim_unit_status', ['unit_id', 'status'], unique=False)
        batch_op.create_index('uq_project_claim_live_unit', ['project_id', 'unit_id'], unique=True, sqlite_where=sa.text("status IN ('pending', 'accepted') AND unit_id IS NOT NULL"), postgresql_where=sa.text("status IN ('pending', 'accepted') AND unit_id IS NOT NULL"))

    op.create_table('project_signup',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('created_at', app.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('hours', sa.Float(), nullable=True),
    sa.Column('points', sa.Integer(), nullable=True),
    sa.Column('is_absent', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['user.id'], name=op.f('fk_project_signup_member_id_user')),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_project_signup_project_id_project')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_project_signup')),
    sa.UniqueConstraint('project_id', 'member_id', name=op.f('uq_project_signup_project_id_member_id'))
    )
    with op.batch_alter_table('project_signup', schema=None) as batch_op:
        batch_op.create_index('ix_project_signup_member', ['member_id', 'project_id'], unique=False)

    op.create_table('project_claim_resource',
    sa.Column('claim_id', sa.Integer(), nullable=False),
    sa.Column('resource_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['claim_id'], ['project_claim.id'], name=op.f('fk_project_claim_resource_claim_id_project_claim')),
    sa.ForeignKeyConstraint(['resource_id'], ['unit_resource.id'], name=op.f('fk_project_claim_resource_resource_id_unit_resource')),
    sa.PrimaryKeyConstraint('claim_id', 'resource_id', name=op.f('pk_project_claim_resource'))
    )
    op.create_table('project_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('claim_id', sa.Integer(), nullable=True),
    sa.Column('at', app.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=20), nullable=False),
    sa.Column('from_status', sa.String(length=16), nullable=True),
    sa.Column('to_status', sa.String(length=16), nullable=True),
    sa.Column('note', sa.String(length=1000), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['user.id'], name=op.f('fk_project_event_actor_id_user')),
    sa.ForeignKeyConstraint(['claim_id'], ['project_claim.id'], name=op.f('fk_project_event_claim_id_project_claim')),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_project_event_project_id_project')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_project_event'))
    )
    with op.batch_alter_table('project_event', schema=None) as batch_op:
        batch_op.create_index('ix_project_event_project_at', ['project_id', 'at'], unique=False)

    _migrate_resources_to_items()
    with op.batch_alter_table('unit_registration', schema=None) as batch_op:
        batch_op.drop_column('resources')

    rule = sa.table('scoring_rule', sa.column('key', sa.String), sa.column('title', sa.String),
                    sa.column('points', sa.Integer), sa.column('per_hour', sa.Boolean),
                    sa.column('is_active', sa.Boolean), sa.column('updated_at', app.database.UTCDateTime))
    existing = {row[0] for row in op.get_bind().execute(sa.text('SELECT key FROM scoring_rule'))}
    if 'project_participation' not in existing:
        op.bulk_insert(rule, [{'key': 'project_participation', 'title': '参加共建项目', 'points': 10,
                               'per_hour': False, 'is_active': True,
                               'updated_at': datetime.now(timezone.utc)}])



def downgrade():
    op.execute("DELETE FROM scoring_rule WHERE key = 'project_participation'")
    with op.batch_alter_table('unit_registration', schema=None) as batch_op:
        batch_op.add_column(sa.Column('resources', sa.JSON(), nullable=False, server_default='[]'))
    _restore_free_text()

    with op.batch_alter_table('project_event', schema=None) as batch_op:
        batch_op.drop_index('ix_project_event_project_at')

    op.drop_table('project_event')
    op.drop_table('project_claim_resource')
    with op.batch_alter_table('project_signup', schema=None) as batch_op:
        batch_op.drop_index('ix_project_signup_member')

    op.drop_table('project_signup')
    with op.batch_alter_table('project_claim', schema=None) as batch_op:
        batch_op.drop_index('uq_project_claim_live_unit', sqlite_where=sa.text("status IN ('pending', 'accepted') AND unit_id IS NOT NULL"), postgresql_where=sa.text("status IN ('pending', 'accepted') AND unit_id IS NOT NULL"))
        batch_op.drop_index('ix_project_claim_unit_status')
        batch_op.drop_index(batch_op.f('ix_project_claim_project_id'))

    op.drop_table('project_claim')
    with op.batch_alter_table('team_member', schema=None) as batch_op:
        batch_op.drop_index('ix_team_member_member')

    op.drop_table('team_member')
    with op.batch_alter_table('team_claim', schema=None) as batch_op:
        batch_op.drop_index('ix_team_claim_target')

    op.drop_table('team_claim')
    with op.batch_alter_table('project', schema=None) as batch_op:
        batch_op.drop_index('ix_project_community_status')
        batch_op.drop_index(batch_op.f('ix_project_closed_at'))
        batch_op.drop_index(batch_op.f('ix_project_agreement_id'))

    op.drop_table('project')
    with op.batch_alter_table('team', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_team_unit_id'))
        batch_op.drop_index(batch_op.f('ix_team_leader_id'))
        batch_op.drop_index(batch_op.f('ix_team_community_id'))

    op.drop_table('team')
    with op.batch_alter_table('agreement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agreement_unit_id'))
        batch_op.drop_index('ix_agreement_community_unit')

    op.drop_table('agreement')
    with op.batch_alter_table('unit_resource', schema=None) as batch_op:
        batch_op.drop_index('ix_unit_resource_unit_kind')

    op.drop_table('unit_resource')
