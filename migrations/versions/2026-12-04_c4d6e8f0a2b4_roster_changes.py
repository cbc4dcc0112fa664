"""The scanner's roster fetched by changes: when each registration last changed (indexed
with its event), and when the server stored each check-in.

Revision ID: c4d6e8f0a2b4
Revises: c4d6e8f0a2b3
Create Date: 2026-12-04 16:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c4d6e8f0a2b4'
down_revision = 'c4d6e8f0a2b3'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('changed_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False))
        batch_op.create_index('ix_registrations_event_id_changed_at', ['event_id', 'changed_at'], unique=False)
    with op.batch_alter_table('checkins', schema=None) as batch_op:
        batch_op.add_column(sa.Column('recorded_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False))
    # The rows there are: their last known change, and their check-in time.
    op.execute("UPDATE registrations SET changed_at = COALESCE(cancelled_at, promoted_at, confirmed_at, created_at)")
    op.execute("UPDATE checkins SET recorded_at = checked_in_at")


def downgrade():
    with op.batch_alter_table('checkins', schema=None) as batch_op:
        batch_op.drop_column('recorded_at')
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.drop_index('ix_registrations_event_id_changed_at')
        batch_op.drop_column('changed_at')
