"""Text messages (SMS) in the outbox: each message's channel (existing ones are e-mails), and
an SMS's template code and variables.

Revision ID: d1e2f3a4b5c6
Revises: c4d6e8f0a2b4
Create Date: 2026-12-04 20:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd1e2f3a4b5c6'
down_revision = 'c4d6e8f0a2b4'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('channel', sa.String(length=8), server_default='email', nullable=False))
        batch_op.add_column(sa.Column('sms_template', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('sms_params', sa.Text(), nullable=True))
        batch_op.create_check_constraint(op.f('ck_outbox_messages_channel_known'), "channel IN ('email', 'sms')")


def downgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_outbox_messages_channel_known'), type_='check')
        batch_op.drop_column('sms_params')
        batch_op.drop_column('sms_template')
        batch_op.drop_column('channel')
