"""Planning: exhibits of exhibitions, weekly recurrences with exceptions, competitions (rubric,
judges, rounds whose sittings are events, scores; advancement links registrations), room
booking (set-up and tear-down minutes, override reason), speaker biographies, and archived
branches and venues.

Revision ID: ce2c1f3402ed
Revises: 560d40a24577
Create Date: 2026-11-25 14:48:13.024939

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'ce2c1f3402ed'
down_revision = '560d40a24577'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('competitions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('title_en', sa.String(length=200), nullable=True),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('description_en', sa.Text(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_competitions_created_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_competitions')),
    sa.UniqueConstraint('title', name=op.f('uq_competitions_title'))
    )
    op.create_table('recurrences',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('weekdays', sa.String(length=7), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('start_time', sa.Time(), nullable=False),
    sa.Column('end_time', sa.Time(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.CheckConstraint('end_time > start_time', name=op.f('ck_recurrences_end_time_after_start')),
    sa.CheckConstraint('ends_on >= starts_on', name=op.f('ck_recurrences_ends_after_start')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_recurrences_created_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recurrences'))
    )
    op.create_table('competition_criteria',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('competition_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('name_en', sa.String(length=120), nullable=True),
    sa.Column('weight', sa.Numeric(precision=6, scale=2), nullable=False),
    sa.Column('max_score', sa.Numeric(precision=6, scale=2), nullable=False),
    sa.CheckConstraint('max_score > 0', name=op.f('ck_competition_criteria_max_score_positive')),
    sa.CheckConstraint('weight > 0', name=op.f('ck_competition_criteria_weight_positive')),
    sa.ForeignKeyConstraint(['competition_id'], ['competitions.id'], name=op.f('fk_competition_criteria_competition_id_competitions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_competition_criteria')),
    sa.UniqueConstraint('competition_id', 'name', name='uq_competition_criteria_competition_id_name')
    )
    with op.batch_alter_table('competition_criteria', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_competition_criteria_competition_id'), ['competition_id'], unique=False)

    op.create_table('competition_judges',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('competition_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('affiliation', sa.String(length=120), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['competition_id'], ['competitions.id'], name=op.f('fk_competition_judges_competition_id_competitions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_competition_judges_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_competition_judges')),
    sa.UniqueConstraint('competition_id', 'name', name='uq_competition_judges_competition_id_name')
    )
    with op.batch_alter_table('competition_judges', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_competition_judges_competition_id'), ['competition_id'], unique=False)

    op.create_table('competition_rounds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('competition_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('name_en', sa.String(length=120), nullable=True),
    sa.Column('advance_mode', sa.String(length=16), nullable=True),
    sa.Column('advance_value', sa.Numeric(precision=6, scale=2), nullable=True),
    sa.Column('awards', sa.JSON(), nullable=True),
    sa.Column('advanced_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('results_published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.CheckConstraint("advance_mode IS NULL OR advance_mode IN ('top', 'threshold')", name=op.f('ck_competition_rounds_advance_mode_known')),
    sa.CheckConstraint('(advance_mode IS NULL) = (advance_value IS NULL)', name=op.f('ck_competition_rounds_advance_value_with_mode')),
    sa.CheckConstraint('advance_value IS NULL OR advance_value > 0', name=op.f('ck_competition_rounds_advance_value_positive')),
    sa.ForeignKeyConstraint(['competition_id'], ['competitions.id'], name=op.f('fk_competition_rounds_competition_id_competitions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_competition_rounds')),
    sa.UniqueConstraint('competition_id', 'position', name='uq_competition_rounds_competition_id_position')
    )
    with op.batch_alter_table('competition_rounds', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_competition_rounds_competition_id'), ['competition_id'], unique=False)

    op.create_table('recurrence_exceptions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('recurrence_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('reason', sa.String(length=120), nullable=True),
    sa.ForeignKeyConstraint(['recurrence_id'], ['recurrences.id'], name=op.f('fk_recurrence_exceptions_recurrence_id_recurrences'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recurrence_exceptions')),
    sa.UniqueConstraint('recurrence_id', 'day', name='uq_recurrence_exceptions_recurrence_id_day')
    )
    with op.batch_alter_table('recurrence_exceptions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recurrence_exceptions_recurrence_id'), ['recurrence_id'], unique=False)

    op.create_table('exhibits',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('creator', sa.String(length=120), nullable=False),
    sa.Column('age', sa.Integer(), nullable=True),
    sa.Column('school', sa.String(length=120), nullable=True),
    sa.Column('note', sa.String(length=500), nullable=True),
    sa.CheckConstraint('age IS NULL OR (age >= 0 AND age <= 120)', name=op.f('ck_exhibits_age_range')),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_exhibits_event_id_events'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exhibits'))
    )
    with op.batch_alter_table('exhibits', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_exhibits_event_id'), ['event_id'], unique=False)

    op.create_table('competition_scores',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('judge_id', sa.Integer(), nullable=False),
    sa.Column('criterion_id', sa.Integer(), nullable=False),
    sa.Column('score', sa.Numeric(precision=6, scale=2), nullable=False),
    sa.Column('entered_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.CheckConstraint('score >= 0', name=op.f('ck_competition_scores_score_not_negative')),
    sa.ForeignKeyConstraint(['criterion_id'], ['competition_criteria.id'], name=op.f('fk_competition_scores_criterion_id_competition_criteria'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['entered_by_id'], ['users.id'], name=op.f('fk_competition_scores_entered_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['judge_id'], ['competition_judges.id'], name=op.f('fk_competition_scores_judge_id_competition_judges'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['registration_id'], ['registrations.id'], name=op.f('fk_competition_scores_registration_id_registrations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_competition_scores')),
    sa.UniqueConstraint('registration_id', 'judge_id', 'criterion_id', name='uq_competition_scores_registration_id_judge_id')
    )
    with op.batch_alter_table('competition_scores', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_competition_scores_registration_id'), ['registration_id'], unique=False)

    with op.batch_alter_table('branches', schema=None) as batch_op:
        batch_op.add_column(sa.Column('active', sa.Boolean(), server_default=sa.text('(true)'), nullable=False))

    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('speaker_bio', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('speaker_bio_en', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('setup_minutes', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('teardown_minutes', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('booking_override_reason', sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column('recurrence_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('round_id', sa.Integer(), nullable=True))
        batch_op.create_check_constraint(batch_op.f('ck_events_setup_minutes_range'), 'setup_minutes BETWEEN 0 AND 1440')
        batch_op.create_check_constraint(
            batch_op.f('ck_events_teardown_minutes_range'), 'teardown_minutes BETWEEN 0 AND 1440'
        )
        batch_op.create_index(batch_op.f('ix_events_recurrence_id'), ['recurrence_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_events_round_id'), ['round_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_events_recurrence_id_recurrences'), 'recurrences', ['recurrence_id'], ['id'], ondelete='SET NULL')
        batch_op.create_foreign_key(batch_op.f('fk_events_round_id_competition_rounds'), 'competition_rounds', ['round_id'], ['id'], ondelete='RESTRICT')

    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('advanced_from_id', sa.Integer(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_registrations_advanced_from_id'), ['advanced_from_id'])
        batch_op.create_foreign_key(batch_op.f('fk_registrations_advanced_from_id_registrations'), 'registrations', ['advanced_from_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('venues', schema=None) as batch_op:
        batch_op.add_column(sa.Column('active', sa.Boolean(), server_default=sa.text('(true)'), nullable=False))



def downgrade():
    with op.batch_alter_table('venues', schema=None) as batch_op:
        batch_op.drop_column('active')

    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_registrations_advanced_from_id_registrations'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_registrations_advanced_from_id'), type_='unique')
        batch_op.drop_column('advanced_from_id')

    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_events_round_id_competition_rounds'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_events_recurrence_id_recurrences'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('ck_events_teardown_minutes_range'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_events_setup_minutes_range'), type_='check')
        batch_op.drop_index(batch_op.f('ix_events_round_id'))
        batch_op.drop_index(batch_op.f('ix_events_recurrence_id'))
        batch_op.drop_column('round_id')
        batch_op.drop_column('recurrence_id')
        batch_op.drop_column('booking_override_reason')
        batch_op.drop_column('teardown_minutes')
        batch_op.drop_column('setup_minutes')
        batch_op.drop_column('speaker_bio_en')
        batch_op.drop_column('speaker_bio')

    with op.batch_alter_table('branches', schema=None) as batch_op:
        batch_op.drop_column('active')

    with op.batch_alter_table('competition_scores', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_competition_scores_registration_id'))

    op.drop_table('competition_scores')
    with op.batch_alter_table('exhibits', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_exhibits_event_id'))

    op.drop_table('exhibits')
    with op.batch_alter_table('recurrence_exceptions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recurrence_exceptions_recurrence_id'))

    op.drop_table('recurrence_exceptions')
    with op.batch_alter_table('competition_rounds', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_competition_rounds_competition_id'))

    op.drop_table('competition_rounds')
    with op.batch_alter_table('competition_judges', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_competition_judges_competition_id'))

    op.drop_table('competition_judges')
    with op.batch_alter_table('competition_criteria', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_competition_criteria_competition_id'))

    op.drop_table('competition_criteria')
    op.drop_table('recurrences')
    op.drop_table('competitions')
