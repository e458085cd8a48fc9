"""English or Cymraeg: when a participant chose their language

Revision ID: 0006
Revises: 0003
"""
from alembic import op
import sqlalchemy as sa
import surveys.models


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('participant', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language_chosen_at', surveys.models.UTCDateTime(timezone=True), nullable=True))
    # People who already answered the consent question went through in English before Welsh
    # existed: count that as their choice (they can change it with /language) rather than
    # interrupt them. Anyone not yet past consent is asked.
    op.execute("UPDATE participant SET language_chosen_at = consent_at WHERE consent_at IS NOT NULL")


def downgrade() -> None:
    with op.batch_alter_table('participant', schema=None) as batch_op:
        batch_op.drop_column('language_chosen_at')
