"""Exports kept until downloaded or expired: their parameters and language (so that the same
export is reused while it is being made, and made again once expired), when they were first
downloaded and when their file is removed; the status ``expired``.

Revision ID: d1e2f3a4b5c7
Revises: d1e2f3a4b5c9
Create Date: 2026-12-04 20:30:00

"""
import json
from datetime import datetime, timedelta, timezone

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd1e2f3a4b5c7'
down_revision = 'd1e2f3a4b5c9'
branch_labels = None
depends_on = None

OLD_STATUSES = "status IN ('queued', 'running', 'done', 'failed')"
NEW_STATUSES = "status IN ('queued', 'running', 'done', 'failed', 'expired')"


def upgrade():
    with op.batch_alter_table('export_jobs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('params', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('locale', sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column('key', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('downloaded_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.drop_constraint(batch_op.f('ck_export_jobs_status_known'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_export_jobs_status_known'), sa.text(NEW_STATUSES))
        batch_op.create_index(batch_op.f('ix_export_jobs_key'), ['key'], unique=False)
        batch_op.create_index('ix_export_jobs_status_expires_at', ['status', 'expires_at'], unique=False)
    # The ticket exports there are ("tickets:<language>"): the kind, its event and language;
    # a finished file is kept a week from now.
    bind = op.get_bind()
    jobs = sa.table(
        'export_jobs', sa.column('id', sa.Integer), sa.column('kind', sa.String), sa.column('event_id', sa.Integer),
        sa.column('status', sa.String), sa.column('params', sa.JSON), sa.column('locale', sa.String),
        sa.column('key', sa.String), sa.column('expires_at', sa.DateTime(timezone=True)),
    )
    later = datetime.now(timezone.utc) + timedelta(days=7)
    if bind.dialect.name == 'sqlite':
        later = later.replace(tzinfo=None)
    for row in bind.execute(sa.select(jobs.c.id, jobs.c.kind, jobs.c.event_id, jobs.c.status)).all():
        kind, _, locale = row.kind.partition(':')
        params = {'event_id': row.event_id}
        bind.execute(jobs.update().where(jobs.c.id == row.id).values(
            kind=kind, locale=locale or None, params=params,
            key=f"{kind}:{json.dumps(params, sort_keys=True, separators=(',', ':'))}:{locale}",
            expires_at=later if row.status == 'done' else None,
        ))


def downgrade():
    op.execute("UPDATE export_jobs SET kind = kind || ':' || locale WHERE locale IS NOT NULL")
    op.execute("UPDATE export_jobs SET status = 'failed', path = NULL WHERE status = 'expired'")
    with op.batch_alter_table('export_jobs', schema=None) as batch_op:
        batch_op.drop_index('ix_export_jobs_status_expires_at')
        batch_op.drop_index(batch_op.f('ix_export_jobs_key'))
        batch_op.drop_constraint(batch_op.f('ck_export_jobs_status_known'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_export_jobs_status_known'), sa.text(OLD_STATUSES))
        batch_op.drop_column('expires_at')
        batch_op.drop_column('downloaded_at')
        batch_op.drop_column('key')
        batch_op.drop_column('locale')
        batch_op.drop_column('params')
