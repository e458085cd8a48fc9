"""board report: dated, owned actions with a status; "you said, we did" messages

Revision ID: 0004
Revises: 0002
"""
from alembic import op
import sqlalchemy as sa
import surveys.models


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('actionnews',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('quarter', sa.String(length=20), nullable=False),
    sa.Column('claimed_at', surveys.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('sent_at', surveys.models.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('participant_id', 'quarter')
    )
    with op.batch_alter_table('actionnews', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_actionnews_participant_id'), ['participant_id'], unique=False)

    with op.batch_alter_table('boardaction', schema=None) as batch_op:
        batch_op.add_column(sa.Column('action_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('owner', sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column('status', sa.String(length=12), nullable=False, server_default='done'))
        batch_op.add_column(sa.Column('updated_at', surveys.models.UTCDateTime(timezone=True), nullable=True))
    # Actions recorded before this revision were things already done, on the day they were recorded.
    day = "date(created_at)" if op.get_bind().dialect.name == "sqlite" else "CAST(created_at AS DATE)"
    op.execute(f"UPDATE boardaction SET action_on = {day}")


def downgrade() -> None:
    with op.batch_alter_table('boardaction', schema=None) as batch_op:
        batch_op.drop_column('updated_at')
        batch_op.drop_column('status')
        batch_op.drop_column('owner')
        batch_op.drop_column('action_on')
    with op.batch_alter_table('actionnews', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_actionnews_participant_id'))
    op.drop_table('actionnews')
