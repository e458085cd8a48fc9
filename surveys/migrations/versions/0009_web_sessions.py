"""The web chat: one row per person answering on the web page on one device

Revision ID: 0009
Revises: 0008
"""
from alembic import op
import sqlalchemy as sa
import surveys.models


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'web_session',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('participant_id', sa.Integer(), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('created_at', surveys.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column('last_seen_at', surveys.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column('ended_at', surveys.models.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], ),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('token_hash'),
    )
    with op.batch_alter_table('web_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_web_session_participant_id'), ['participant_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('web_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_web_session_participant_id'))
    op.drop_table('web_session')
