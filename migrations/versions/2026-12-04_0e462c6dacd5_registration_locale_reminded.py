"""A registration keeps the language its registrant used (their messages are written in it)
and when its day-before reminder was written (one per registration).

Revision ID: 0e462c6dacd5
Revises: dd335e942e2c
Create Date: 2026-12-04 16:51:43.576551

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0e462c6dacd5'
down_revision = 'dd335e942e2c'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('locale', sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column('reminded_at', sa.DateTime(timezone=True), nullable=True))



def downgrade():
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.drop_column('reminded_at')
        batch_op.drop_column('locale')

