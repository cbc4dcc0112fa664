"""Keepers of village reading rooms and the book bus (a role), and the visitors each such place
counts a day.

Revision ID: d1e2f3a4b5c9
Revises: d1e2f3a4b5c6
Create Date: 2026-12-04 20:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd1e2f3a4b5c9'
down_revision = 'd1e2f3a4b5c6'
branch_labels = None
depends_on = None

ROLES_BEFORE = "role IN ('admin', 'staff', 'volunteer')"
ROLES_AFTER = "role IN ('admin', 'staff', 'volunteer', 'keeper')"


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint('role_known', type_='check')
        batch_op.create_check_constraint('role_known', sa.text(ROLES_AFTER))
    op.create_table('visitor_counts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('branch_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('count BETWEEN 0 AND 100000', name=op.f('ck_visitor_counts_count_sane')),
    sa.ForeignKeyConstraint(['branch_id'], ['branches.id'], name=op.f('fk_visitor_counts_branch_id_branches'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_visitor_counts_recorded_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_visitor_counts')),
    sa.UniqueConstraint('branch_id', 'day', name='uq_visitor_counts_branch_id_day')
    )
    with op.batch_alter_table('visitor_counts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_visitor_counts_day'), ['day'], unique=False)


def downgrade():
    with op.batch_alter_table('visitor_counts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_visitor_counts_day'))
    op.drop_table('visitor_counts')
    op.execute("DELETE FROM users WHERE role = 'keeper'")
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint('role_known', type_='check')
        batch_op.create_check_constraint('role_known', sa.text(ROLES_BEFORE))
