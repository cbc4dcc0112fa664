"""The audit log names the event each change concerns, for an event's history and the admins'
filter by event; existing entries are filled in from what they already say.

Revision ID: b3f1c2d4e5a6
Revises: 7d1e4a2b9c10
Create Date: 2026-12-04 14:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b3f1c2d4e5a6'
down_revision = '7d1e4a2b9c10'
branch_labels = None
depends_on = None

#: Entries about a row that belongs to an event: the table that row is in.
_OWNED = {"Registration": "registrations", "Shift": "shifts", "Exhibit": "exhibits"}


def upgrade():
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.add_column(sa.Column('event_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_audit_log_event_id'), ['event_id'], unique=False)
    op.execute("UPDATE audit_log SET event_id = object_id WHERE object_type = 'Event'")
    for object_type, table in _OWNED.items():
        op.execute(
            f"UPDATE audit_log SET event_id = (SELECT {table}.event_id FROM {table} WHERE {table}.id = audit_log.object_id) "
            f"WHERE object_type = '{object_type}'"
        )


def downgrade():
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_log_event_id'))
        batch_op.drop_column('event_id')
