"""Cover images: an event's and a series' uploaded picture (the name its resized files are
kept under) and its alternative text.

Revision ID: b3c5e7f9a1d2
Revises: 3b8f5c2e1a47
Create Date: 2026-12-04 13:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b3c5e7f9a1d2'
down_revision = '3b8f5c2e1a47'
branch_labels = None
depends_on = None


def upgrade():
    for table in ('events', 'series'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('cover_key', sa.String(length=32), nullable=True))
            batch_op.add_column(sa.Column('cover_alt', sa.String(length=200), nullable=True))


def downgrade():
    for table in ('series', 'events'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('cover_alt')
            batch_op.drop_column('cover_key')
