"""call-back outcomes and escalation; victim check-in split from the follow-up

Revision ID: 0003
Revises: 0002
"""
from alembic import op
import sqlalchemy as sa
import surveys.models


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('callbackrequest', schema=None) as batch_op:
        batch_op.add_column(sa.Column('outcome', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('escalated_at', surveys.models.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('escalations', sa.Integer(), nullable=False, server_default='0'))
    # Nothing could mark a request done before this revision; if one was, it was a call made.
    op.execute("UPDATE callbackrequest SET outcome = 'called' WHERE done_at IS NOT NULL")
    # The victim follow-up was one survey asked twice (day 14 and day 90). Day 14 is now its own
    # check-in; surveys not yet sent move to the new definitions. Sent ones keep what they asked.
    op.execute("UPDATE invitation SET survey_id = 'victim_checkin', occasion = 'followup' "
               "WHERE survey_id = 'victim_followup' AND occasion = 'followup:1' AND status = 'scheduled'")
    op.execute("UPDATE invitation SET occasion = 'followup' "
               "WHERE survey_id = 'victim_followup' AND occasion = 'followup:2' AND status = 'scheduled'")


def downgrade() -> None:
    op.execute("UPDATE invitation SET occasion = 'followup:2' "
               "WHERE survey_id = 'victim_followup' AND occasion = 'followup' AND status = 'scheduled'")
    op.execute("UPDATE invitation SET survey_id = 'victim_followup', occasion = 'followup:1' "
               "WHERE survey_id = 'victim_checkin' AND occasion = 'followup' AND status = 'scheduled'")
    with op.batch_alter_table('callbackrequest', schema=None) as batch_op:
        batch_op.drop_column('escalations')
        batch_op.drop_column('escalated_at')
        batch_op.drop_column('outcome')
