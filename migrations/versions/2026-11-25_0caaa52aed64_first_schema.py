"""The first schema: branches, venues, series, partners, events; registrations, check-ins,
check-in conflicts and walk-ins; accounts and API tokens; volunteers, shifts and sign-ups;
the audit log, settings and export jobs.

Revision ID: 0caaa52aed64
Revises: 
Create Date: 2026-11-25 12:44:03.249277

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0caaa52aed64'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('branches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('name_en', sa.String(length=120), nullable=True),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('address', sa.String(length=255), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.CheckConstraint("kind IN ('central', 'branch', 'village', 'mobile', 'partner')", name=op.f('ck_branches_kind_known')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_branches')),
    sa.UniqueConstraint('name', name=op.f('uq_branches_name'))
    )
    op.create_table('partners',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('name_en', sa.String(length=120), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_partners')),
    sa.UniqueConstraint('name', name=op.f('uq_partners_name'))
    )
    op.create_table('settings',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('value', sa.String(length=1000), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_settings'))
    )
    op.create_table('series',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('name_en', sa.String(length=120), nullable=True),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('description_en', sa.Text(), nullable=True),
    sa.Column('branch_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['branch_id'], ['branches.id'], name=op.f('fk_series_branch_id_branches'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_series')),
    sa.UniqueConstraint('name', name=op.f('uq_series_name'))
    )
    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('locale', sa.String(length=8), nullable=True),
    sa.Column('branch_id', sa.Integer(), nullable=True),
    sa.Column('is_active_account', sa.Boolean(), server_default=sa.text('(true)'), nullable=False),
    sa.Column('last_login_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.CheckConstraint("locale IS NULL OR locale IN ('zh_Hans', 'en')", name=op.f('ck_users_locale_known')),
    sa.CheckConstraint("role IN ('admin', 'staff', 'volunteer')", name=op.f('ck_users_role_known')),
    sa.ForeignKeyConstraint(['branch_id'], ['branches.id'], name=op.f('fk_users_branch_id_branches'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('email', name=op.f('uq_users_email'))
    )
    op.create_table('venues',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('branch_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('name_en', sa.String(length=120), nullable=True),
    sa.Column('kind', sa.String(length=16), server_default='room', nullable=False),
    sa.Column('address', sa.String(length=255), nullable=True),
    sa.Column('capacity', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.CheckConstraint("kind IN ('room', 'hall', 'exhibition', 'outdoor', 'external', 'online')", name=op.f('ck_venues_kind_known')),
    sa.CheckConstraint('capacity IS NULL OR capacity >= 0', name=op.f('ck_venues_capacity_not_negative')),
    sa.ForeignKeyConstraint(['branch_id'], ['branches.id'], name=op.f('fk_venues_branch_id_branches'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_venues')),
    sa.UniqueConstraint('branch_id', 'name', name='uq_venues_branch_id_name')
    )
    with op.batch_alter_table('venues', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_venues_branch_id'), ['branch_id'], unique=False)

    op.create_table('api_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('prefix', sa.String(length=12), nullable=False),
    sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_api_tokens_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_tokens')),
    sa.UniqueConstraint('digest', name=op.f('uq_api_tokens_digest'))
    )
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_tokens_user_id'), ['user_id'], unique=False)

    op.create_table('audit_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('object_type', sa.String(length=32), nullable=True),
    sa.Column('object_id', sa.Integer(), nullable=True),
    sa.Column('data', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_audit_log_actor_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_log'))
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_log_action'), ['action'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_log_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_log_at'), ['at'], unique=False)

    op.create_table('events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('type', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=16), server_default='draft', nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('title_en', sa.String(length=200), nullable=True),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('description_en', sa.Text(), nullable=True),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('daily_opens_at', sa.Time(), nullable=True),
    sa.Column('daily_closes_at', sa.Time(), nullable=True),
    sa.Column('venue_id', sa.Integer(), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=True),
    sa.Column('registration', sa.String(length=8), server_default='open', nullable=False),
    sa.Column('max_party_size', sa.Integer(), server_default='100', nullable=False),
    sa.Column('checkin_opens_minutes', sa.Integer(), server_default='120', nullable=False),
    sa.Column('audience', sa.String(length=16), server_default='all', nullable=False),
    sa.Column('series_id', sa.Integer(), nullable=True),
    sa.Column('session_number', sa.Integer(), nullable=True),
    sa.Column('speaker', sa.String(length=120), nullable=True),
    sa.Column('registration_opens_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('registration_closes_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('questions', sa.JSON(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.CheckConstraint("audience IN ('all', 'children', 'teens', 'adults', 'seniors', 'families', 'staff')", name=op.f('ck_events_audience_known')),
    sa.CheckConstraint("registration IN ('open', 'none')", name=op.f('ck_events_registration_known')),
    sa.CheckConstraint("status IN ('draft', 'published', 'completed', 'cancelled')", name=op.f('ck_events_status_known')),
    sa.CheckConstraint("type IN ('lecture', 'exhibition', 'competition', 'activity', 'visit', 'training', 'class')", name=op.f('ck_events_type_known')),
    sa.CheckConstraint('capacity IS NULL OR capacity >= 0', name=op.f('ck_events_capacity_not_negative')),
    sa.CheckConstraint('checkin_opens_minutes >= 0', name=op.f('ck_events_checkin_opens_not_negative')),
    sa.CheckConstraint('ends_at > starts_at', name=op.f('ck_events_ends_after_start')),
    sa.CheckConstraint('max_party_size >= 1', name=op.f('ck_events_max_party_size_positive')),
    sa.CheckConstraint('session_number IS NULL OR session_number >= 1', name=op.f('ck_events_session_number_positive')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_events_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['series_id'], ['series.id'], name=op.f('fk_events_series_id_series'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['venue_id'], ['venues.id'], name=op.f('fk_events_venue_id_venues'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_events')),
    sa.UniqueConstraint('series_id', 'session_number', name='uq_events_series_id_session_number')
    )
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_events_series_id'), ['series_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_events_starts_at'), ['starts_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_events_type'), ['type'], unique=False)
        batch_op.create_index(batch_op.f('ix_events_venue_id'), ['venue_id'], unique=False)

    op.create_table('volunteer_profiles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), server_default='applicant', nullable=False),
    sa.Column('phone', sa.String(length=32), nullable=True),
    sa.Column('skills', sa.Text(), nullable=True),
    sa.Column('languages', sa.String(length=200), nullable=True),
    sa.Column('availability', sa.JSON(), nullable=True),
    sa.Column('motivation', sa.Text(), nullable=True),
    sa.Column('emergency_contact', sa.String(length=200), nullable=True),
    sa.Column('is_minor', sa.Boolean(), server_default=sa.text('(false)'), nullable=False),
    sa.Column('guardian_consent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('consent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reviewed_by_id', sa.Integer(), nullable=True),
    sa.Column('review_note', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.CheckConstraint("status IN ('applicant', 'active', 'paused', 'archived', 'rejected')", name=op.f('ck_volunteer_profiles_status_known')),
    sa.ForeignKeyConstraint(['reviewed_by_id'], ['users.id'], name=op.f('fk_volunteer_profiles_reviewed_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_volunteer_profiles_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_volunteer_profiles')),
    sa.UniqueConstraint('user_id', name=op.f('uq_volunteer_profiles_user_id'))
    )
    op.create_table('event_partners',
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.CheckConstraint("role IN ('co_organiser', 'sponsor', 'naming_sponsor', 'host')", name=op.f('ck_event_partners_role_known')),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_event_partners_event_id_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['partner_id'], ['partners.id'], name=op.f('fk_event_partners_partner_id_partners'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('event_id', 'partner_id', name=op.f('pk_event_partners'))
    )
    op.create_table('export_jobs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=16), server_default='queued', nullable=False),
    sa.Column('done', sa.Integer(), server_default='0', nullable=False),
    sa.Column('total', sa.Integer(), server_default='0', nullable=False),
    sa.Column('path', sa.String(length=255), nullable=True),
    sa.Column('error', sa.String(length=500), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('queued', 'running', 'done', 'failed')", name=op.f('ck_export_jobs_status_known')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_export_jobs_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_export_jobs_event_id_events'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_export_jobs'))
    )
    op.create_table('registrations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('ticket_digest', sa.String(length=64), nullable=False),
    sa.Column('ticket_seed', sa.String(length=32), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('phone', sa.String(length=32), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('party_size', sa.Integer(), server_default='1', nullable=False),
    sa.Column('answers', sa.JSON(), nullable=True),
    sa.Column('consent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('anonymised_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('promoted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('client_key', sa.String(length=64), nullable=True),
    sa.Column('source', sa.String(length=8), server_default='web', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.CheckConstraint("status IN ('confirmed', 'waitlisted', 'cancelled')", name=op.f('ck_registrations_status_known')),
    sa.CheckConstraint('party_size >= 1', name=op.f('ck_registrations_party_size_positive')),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_registrations_event_id_events'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_registrations')),
    sa.UniqueConstraint('client_key', name=op.f('uq_registrations_client_key')),
    sa.UniqueConstraint('ticket_digest', name=op.f('uq_registrations_ticket_digest'))
    )
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_registrations_event_id'), ['event_id'], unique=False)

    op.create_table('shifts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=True),
    sa.Column('role', sa.String(length=120), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('slots', sa.Integer(), nullable=False),
    sa.Column('location', sa.String(length=200), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.CheckConstraint('ends_at > starts_at', name=op.f('ck_shifts_ends_after_start')),
    sa.CheckConstraint('slots >= 1', name=op.f('ck_shifts_slots_positive')),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_shifts_event_id_events'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_shifts'))
    )
    with op.batch_alter_table('shifts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_shifts_event_id'), ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_shifts_starts_at'), ['starts_at'], unique=False)

    op.create_table('walkins',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('by_user_id', sa.Integer(), nullable=True),
    sa.Column('source', sa.String(length=16), server_default='door', nullable=False),
    sa.Column('client_key', sa.String(length=64), nullable=True),
    sa.Column('device_id', sa.String(length=64), nullable=True),
    sa.CheckConstraint("source IN ('door', 'self', 'headcount')", name=op.f('ck_walkins_source_known')),
    sa.CheckConstraint('count >= 1', name=op.f('ck_walkins_count_positive')),
    sa.ForeignKeyConstraint(['by_user_id'], ['users.id'], name=op.f('fk_walkins_by_user_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_walkins_event_id_events'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_walkins')),
    sa.UniqueConstraint('client_key', name=op.f('uq_walkins_client_key'))
    )
    with op.batch_alter_table('walkins', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_walkins_event_id'), ['event_id'], unique=False)

    op.create_table('checkins',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('checked_in_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('by_user_id', sa.Integer(), nullable=True),
    sa.Column('client_key', sa.String(length=64), nullable=True),
    sa.Column('source', sa.String(length=16), server_default='door', nullable=False),
    sa.Column('device_id', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['by_user_id'], ['users.id'], name=op.f('fk_checkins_by_user_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_checkins_event_id_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['registration_id'], ['registrations.id'], name=op.f('fk_checkins_registration_id_registrations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_checkins')),
    sa.UniqueConstraint('client_key', name=op.f('uq_checkins_client_key')),
    sa.UniqueConstraint('registration_id', 'day', name='uq_checkins_registration_id_day')
    )
    with op.batch_alter_table('checkins', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_checkins_event_id'), ['event_id'], unique=False)

    op.create_table('shift_signups',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('shift_id', sa.Integer(), nullable=False),
    sa.Column('volunteer_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('checked_in_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('checked_out_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('hours', sa.Numeric(precision=6, scale=2), nullable=True),
    sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.CheckConstraint("status IN ('confirmed', 'waitlisted', 'cancelled', 'completed', 'no_show')", name=op.f('ck_shift_signups_status_known')),
    sa.CheckConstraint('hours IS NULL OR hours >= 0', name=op.f('ck_shift_signups_hours_not_negative')),
    sa.ForeignKeyConstraint(['shift_id'], ['shifts.id'], name=op.f('fk_shift_signups_shift_id_shifts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['volunteer_id'], ['volunteer_profiles.id'], name=op.f('fk_shift_signups_volunteer_id_volunteer_profiles'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_shift_signups')),
    sa.UniqueConstraint('shift_id', 'volunteer_id', name='uq_shift_signups_shift_id_volunteer_id')
    )
    with op.batch_alter_table('shift_signups', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_shift_signups_volunteer_id'), ['volunteer_id'], unique=False)

    op.create_table('checkin_conflicts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('checkin_id', sa.Integer(), nullable=False),
    sa.Column('device_id', sa.String(length=64), nullable=True),
    sa.Column('scanned_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reported_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['checkin_id'], ['checkins.id'], name=op.f('fk_checkin_conflicts_checkin_id_checkins'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_checkin_conflicts_event_id_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['registration_id'], ['registrations.id'], name=op.f('fk_checkin_conflicts_registration_id_registrations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_checkin_conflicts'))
    )
    with op.batch_alter_table('checkin_conflicts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_checkin_conflicts_event_id'), ['event_id'], unique=False)



def downgrade():
    with op.batch_alter_table('checkin_conflicts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_checkin_conflicts_event_id'))

    op.drop_table('checkin_conflicts')
    with op.batch_alter_table('shift_signups', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_shift_signups_volunteer_id'))

    op.drop_table('shift_signups')
    with op.batch_alter_table('checkins', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_checkins_event_id'))

    op.drop_table('checkins')
    with op.batch_alter_table('walkins', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_walkins_event_id'))

    op.drop_table('walkins')
    with op.batch_alter_table('shifts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_shifts_starts_at'))
        batch_op.drop_index(batch_op.f('ix_shifts_event_id'))

    op.drop_table('shifts')
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_registrations_event_id'))

    op.drop_table('registrations')
    op.drop_table('export_jobs')
    op.drop_table('event_partners')
    op.drop_table('volunteer_profiles')
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_events_venue_id'))
        batch_op.drop_index(batch_op.f('ix_events_type'))
        batch_op.drop_index(batch_op.f('ix_events_starts_at'))
        batch_op.drop_index(batch_op.f('ix_events_series_id'))

    op.drop_table('events')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_log_at'))
        batch_op.drop_index(batch_op.f('ix_audit_log_actor_id'))
        batch_op.drop_index(batch_op.f('ix_audit_log_action'))

    op.drop_table('audit_log')
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_tokens_user_id'))

    op.drop_table('api_tokens')
    with op.batch_alter_table('venues', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_venues_branch_id'))

    op.drop_table('venues')
    op.drop_table('users')
    op.drop_table('series')
    op.drop_table('settings')
    op.drop_table('partners')
    op.drop_table('branches')
