"""Group registrations: a registration may be a group (kind, organisation, children and
adults, needs, arrival); an event may cap the seats of all groups and the size of one; a
check-in records how many of the party came.

Revision ID: d1e2f3a4b5c8
Revises: d1e2f3a4b5c7
Create Date: 2026-12-04 20:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd1e2f3a4b5c8'
down_revision = 'd1e2f3a4b5c7'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('groups_capacity', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('max_group_size', sa.Integer(), nullable=True))
        batch_op.create_check_constraint('groups_capacity_not_negative', 'groups_capacity IS NULL OR groups_capacity >= 0')
        batch_op.create_check_constraint('max_group_size_positive', 'max_group_size IS NULL OR max_group_size >= 1')
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('group_kind', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('group_organisation', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('group_children', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('group_adults', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('group_needs', sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column('group_arrival', sa.Time(), nullable=True))
        batch_op.create_check_constraint(
            'group_kind_known',
            "group_kind IS NULL OR group_kind IN ('school_class', 'kindergarten', 'community', 'company')",
        )
        batch_op.create_check_constraint(
            'group_numbers_add_up',
            'group_kind IS NULL OR (group_children >= 0 AND group_adults >= 0'
            ' AND group_children + group_adults = party_size)',
        )
    with op.batch_alter_table('checkins', schema=None) as batch_op:
        batch_op.add_column(sa.Column('headcount', sa.Integer(), nullable=True))
        batch_op.create_check_constraint('headcount_positive', 'headcount IS NULL OR headcount >= 1')


def downgrade():
    with op.batch_alter_table('checkins', schema=None) as batch_op:
        batch_op.drop_constraint('ck_checkins_headcount_positive', type_='check')
        batch_op.drop_column('headcount')
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.drop_constraint('ck_registrations_group_numbers_add_up', type_='check')
        batch_op.drop_constraint('ck_registrations_group_kind_known', type_='check')
        for column in ('group_arrival', 'group_needs', 'group_adults', 'group_children', 'group_organisation', 'group_kind'):
            batch_op.drop_column(column)
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_constraint('ck_events_max_group_size_positive', type_='check')
        batch_op.drop_constraint('ck_events_groups_capacity_not_negative', type_='check')
        batch_op.drop_column('max_group_size')
        batch_op.drop_column('groups_capacity')
