"""channels: a person's channel (telegram, web, sms, email), their phone and email (encrypted), and
the channel each invitation went out by (issue 15)

Revision ID: 0010
Revises: 0009
"""
from alembic import op
import sqlalchemy as sa
import surveys.crypto


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Everyone already imported reached heard by Telegram, so that is their channel.
    with op.batch_alter_table('participant', schema=None) as batch_op:
        batch_op.add_column(sa.Column('channel', sa.String(length=10), nullable=False, server_default='telegram'))
        batch_op.add_column(sa.Column('phone', surveys.crypto.EncryptedString(length=400), nullable=True))
        batch_op.add_column(sa.Column('email', surveys.crypto.EncryptedString(length=800), nullable=True))
    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('channel', sa.String(length=10), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.drop_column('channel')
    with op.batch_alter_table('participant', schema=None) as batch_op:
        batch_op.drop_column('email')
        batch_op.drop_column('phone')
        batch_op.drop_column('channel')
