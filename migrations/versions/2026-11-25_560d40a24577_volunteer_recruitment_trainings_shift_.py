"""Volunteers: recruitment calls, trainings and who attended, shift requirements and sign-up
windows, staff removals, hours adjustments and numbered certificates.

Revision ID: 560d40a24577
Revises: 0caaa52aed64
Create Date: 2026-11-25 13:13:48.280387

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '560d40a24577'
down_revision = '0caaa52aed64'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('recruitment_calls',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('title_en', sa.String(length=200), nullable=True),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('description_en', sa.Text(), nullable=True),
    sa.Column('roles', sa.Text(), nullable=True),
    sa.Column('roles_en', sa.Text(), nullable=True),
    sa.Column('skills_wanted', sa.Text(), nullable=True),
    sa.Column('skills_wanted_en', sa.Text(), nullable=True),
    sa.Column('commitment', sa.String(length=200), nullable=True),
    sa.Column('commitment_en', sa.String(length=200), nullable=True),
    sa.Column('deadline', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=8), server_default='open', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.CheckConstraint("status IN ('open', 'closed')", name=op.f('ck_recruitment_calls_status_known')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recruitment_calls'))
    )
    op.create_table('trainings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('title_en', sa.String(length=200), nullable=True),
    sa.Column('topic', sa.String(length=100), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('location', sa.String(length=200), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.CheckConstraint('ends_at > starts_at', name=op.f('ck_trainings_ends_after_start')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_trainings'))
    )
    with op.batch_alter_table('trainings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_trainings_topic'), ['topic'], unique=False)

    op.create_table('certificates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=32), nullable=False),
    sa.Column('volunteer_id', sa.Integer(), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('hours', sa.Numeric(precision=8, scale=2), nullable=False),
    sa.Column('issued_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('period_end >= period_start', name=op.f('ck_certificates_period_ordered')),
    sa.ForeignKeyConstraint(['volunteer_id'], ['volunteer_profiles.id'], name=op.f('fk_certificates_volunteer_id_volunteer_profiles'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_certificates')),
    sa.UniqueConstraint('number', name=op.f('uq_certificates_number'))
    )
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_certificates_volunteer_id'), ['volunteer_id'], unique=False)

    op.create_table('training_attendances',
    sa.Column('training_id', sa.Integer(), nullable=False),
    sa.Column('volunteer_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['training_id'], ['trainings.id'], name=op.f('fk_training_attendances_training_id_trainings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['volunteer_id'], ['volunteer_profiles.id'], name=op.f('fk_training_attendances_volunteer_id_volunteer_profiles'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('training_id', 'volunteer_id', name=op.f('pk_training_attendances'))
    )
    op.create_table('hours_adjustments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('volunteer_id', sa.Integer(), nullable=False),
    sa.Column('hours', sa.Numeric(precision=6, scale=2), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('signup_id', sa.Integer(), nullable=True),
    sa.Column('by_user_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.CheckConstraint('hours <> 0', name=op.f('ck_hours_adjustments_hours_not_zero')),
    sa.ForeignKeyConstraint(['by_user_id'], ['users.id'], name=op.f('fk_hours_adjustments_by_user_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['signup_id'], ['shift_signups.id'], name=op.f('fk_hours_adjustments_signup_id_shift_signups'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['volunteer_id'], ['volunteer_profiles.id'], name=op.f('fk_hours_adjustments_volunteer_id_volunteer_profiles'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hours_adjustments'))
    )
    with op.batch_alter_table('hours_adjustments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_hours_adjustments_volunteer_id'), ['volunteer_id'], unique=False)

    with op.batch_alter_table('shift_signups', schema=None) as batch_op:
        batch_op.add_column(sa.Column('by_user_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_shift_signups_by_user_id_users'), 'users', ['by_user_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('shifts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('required_topic', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('required_skill', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('signup_opens_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('cancel_cutoff_hours', sa.Integer(), nullable=True))

    with op.batch_alter_table('volunteer_profiles', schema=None) as batch_op:
        batch_op.add_column(sa.Column('call_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('guardian_name', sa.String(length=100), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_volunteer_profiles_call_id_recruitment_calls'), 'recruitment_calls', ['call_id'], ['id'], ondelete='SET NULL')



def downgrade():
    with op.batch_alter_table('volunteer_profiles', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_volunteer_profiles_call_id_recruitment_calls'), type_='foreignkey')
        batch_op.drop_column('guardian_name')
        batch_op.drop_column('call_id')

    with op.batch_alter_table('shifts', schema=None) as batch_op:
        batch_op.drop_column('cancel_cutoff_hours')
        batch_op.drop_column('signup_opens_at')
        batch_op.drop_column('required_skill')
        batch_op.drop_column('required_topic')

    with op.batch_alter_table('shift_signups', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_shift_signups_by_user_id_users'), type_='foreignkey')
        batch_op.drop_column('by_user_id')

    with op.batch_alter_table('hours_adjustments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_hours_adjustments_volunteer_id'))

    op.drop_table('hours_adjustments')
    op.drop_table('training_attendances')
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_certificates_volunteer_id'))

    op.drop_table('certificates')
    with op.batch_alter_table('trainings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_trainings_topic'))

    op.drop_table('trainings')
    op.drop_table('recruitment_calls')
