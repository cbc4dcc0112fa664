"""Visit requests (参观预约): a group asks for a visit; staff accept it into an event, propose
another date or decline.

Revision ID: e5f6a7b8c9d1
Revises: d1e2f3a4b5c8
Create Date: 2026-12-04 21:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e5f6a7b8c9d1'
down_revision = 'd1e2f3a4b5c8'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('visit_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('organisation', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('contact_name', sa.String(length=100), nullable=False),
    sa.Column('phone', sa.String(length=32), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('preferred', sa.JSON(), nullable=False),
    sa.Column('children', sa.Integer(), nullable=False),
    sa.Column('adults', sa.Integer(), nullable=False),
    sa.Column('ages', sa.String(length=100), nullable=True),
    sa.Column('wish', sa.String(length=8), nullable=False),
    sa.Column('topic', sa.String(length=200), nullable=True),
    sa.Column('needs', sa.Text(), nullable=True),
    sa.Column('consent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('locale', sa.String(length=8), nullable=True),
    sa.Column('token_seed', sa.String(length=32), nullable=False),
    sa.Column('token_digest', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('proposed_starts_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('proposed_ends_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('proposed_venue_id', sa.Integer(), nullable=True),
    sa.Column('proposed_title', sa.String(length=200), nullable=True),
    sa.Column('proposed_guides', sa.Integer(), nullable=True),
    sa.Column('proposal_note', sa.Text(), nullable=True),
    sa.Column('decline_reason', sa.Text(), nullable=True),
    sa.Column('event_id', sa.Integer(), nullable=True),
    sa.Column('registration_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("status IN ('new', 'proposed', 'accepted', 'declined', 'withdrawn')", name=op.f('ck_visit_requests_status_known')),
    sa.CheckConstraint("kind IN ('school', 'kindergarten', 'community', 'company', 'other')", name=op.f('ck_visit_requests_kind_known')),
    sa.CheckConstraint("wish IN ('guided', 'topic')", name=op.f('ck_visit_requests_wish_known')),
    sa.CheckConstraint('children BETWEEN 0 AND 500', name=op.f('ck_visit_requests_children_sane')),
    sa.CheckConstraint('adults BETWEEN 0 AND 500', name=op.f('ck_visit_requests_adults_sane')),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_visit_requests_event_id_events'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['proposed_venue_id'], ['venues.id'], name=op.f('fk_visit_requests_proposed_venue_id_venues'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['registration_id'], ['registrations.id'], name=op.f('fk_visit_requests_registration_id_registrations'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_visit_requests')),
    sa.UniqueConstraint('token_digest', name=op.f('uq_visit_requests_token_digest'))
    )
    with op.batch_alter_table('visit_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_visit_requests_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_visit_requests_event_id'), ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_visit_requests_status'), ['status'], unique=False)


def downgrade():
    with op.batch_alter_table('visit_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_visit_requests_status'))
        batch_op.drop_index(batch_op.f('ix_visit_requests_event_id'))
        batch_op.drop_index(batch_op.f('ix_visit_requests_created_at'))
    op.drop_table('visit_requests')
