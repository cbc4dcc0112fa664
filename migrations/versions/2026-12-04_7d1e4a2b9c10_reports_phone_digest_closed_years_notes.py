"""Reports: a keyed digest of each registration's phone (unique people survive anonymisation),
closed years, and the staff's texts for the annual report.

Revision ID: 7d1e4a2b9c10
Revises: ce2c1f3402ed
Create Date: 2026-12-04 05:10:00

"""
from alembic import op
import sqlalchemy as sa
from flask import current_app

from outreach.phone import phone_digest


# revision identifiers, used by Alembic.
revision = '7d1e4a2b9c10'
down_revision = 'ce2c1f3402ed'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('phone_digest', sa.String(length=64), nullable=True))
        batch_op.create_index(batch_op.f('ix_registrations_phone_digest'), ['phone_digest'], unique=False)
    _backfill_phone_digests()

    op.create_table('closed_years',
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closed_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('year BETWEEN 1900 AND 2100', name=op.f('ck_closed_years_year_sane')),
    sa.ForeignKeyConstraint(['closed_by_id'], ['users.id'], name=op.f('fk_closed_years_closed_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('year', name=op.f('pk_closed_years'))
    )
    op.create_table('report_notes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('section', sa.String(length=32), nullable=False),
    sa.Column('locale', sa.String(length=8), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_report_notes_updated_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_notes')),
    sa.UniqueConstraint('year', 'section', 'locale', name='uq_report_notes_year_section_locale')
    )


def _backfill_phone_digests():
    """Existing registrations get the digest new ones get on registering (same normal form, same key)."""
    registrations = sa.table('registrations', sa.column('id', sa.Integer), sa.column('phone', sa.String),
                             sa.column('phone_digest', sa.String))
    connection = op.get_bind()
    key = current_app.config['SECRET_KEY']
    rows = connection.execute(
        sa.select(registrations.c.id, registrations.c.phone).where(registrations.c.phone.is_not(None))
    ).all()
    update = registrations.update().where(registrations.c.id == sa.bindparam('rid')).values(
        phone_digest=sa.bindparam('digest')
    )
    values = [{'rid': rid, 'digest': phone_digest(phone, key)} for rid, phone in rows]
    for start in range(0, len(values), 5000):
        connection.execute(update, values[start:start + 5000])


def downgrade():
    op.drop_table('report_notes')
    op.drop_table('closed_years')
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_registrations_phone_digest'))
        batch_op.drop_column('phone_digest')
