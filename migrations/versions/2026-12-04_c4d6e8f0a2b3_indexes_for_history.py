"""Indexes that keep "upcoming", per-event and per-day queries bounded after years of history
(docs/index-plan.md): events and shifts by end; an event's registrations in list order (it
replaces the index on ``event_id`` alone, which it begins with); registrations' party sizes by
id, for check-ins joined to them; check-ins by day and event.

Revision ID: c4d6e8f0a2b3
Revises: 0e462c6dacd5
Create Date: 2026-12-04 17:00:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'c4d6e8f0a2b3'
down_revision = '0e462c6dacd5'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_events_ends_at', 'events', ['ends_at'])
    op.create_index('ix_shifts_ends_at', 'shifts', ['ends_at'])
    op.create_index('ix_registrations_event_id_created_at', 'registrations', ['event_id', 'created_at', 'id'])
    op.drop_index('ix_registrations_event_id', table_name='registrations')
    op.create_index('ix_registrations_id_party_size', 'registrations', ['id', 'party_size'])
    op.create_index('ix_checkins_day_event_id', 'checkins', ['day', 'event_id'])


def downgrade():
    op.drop_index('ix_checkins_day_event_id', table_name='checkins')
    op.drop_index('ix_registrations_id_party_size', table_name='registrations')
    op.create_index('ix_registrations_event_id', 'registrations', ['event_id'])
    op.drop_index('ix_registrations_event_id_created_at', table_name='registrations')
    op.drop_index('ix_shifts_ends_at', table_name='shifts')
    op.drop_index('ix_events_ends_at', table_name='events')
