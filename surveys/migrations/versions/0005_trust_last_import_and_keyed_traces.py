"""case.last_imported_at; forget unkeyed chat traces in the audit log

Revision ID: 0005
Revises: 0002
"""
from alembic import op
import sqlalchemy as sa
import surveys.models


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('case', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_imported_at', surveys.models.UTCDateTime(timezone=True), nullable=True))
    # Until now an import only touched updated_at when something changed: the best we know.
    op.execute(sa.text('UPDATE "case" SET last_imported_at = updated_at'))
    # Refused invite codes were recorded under an unkeyed SHA-256 prefix of the chat id, which can be
    # brute-forced back to the id. They only ever mattered for a 15-minute limit on wrong codes.
    op.execute(sa.text("UPDATE auditevent SET subject = NULL WHERE action = 'invite.refused'"))
    # Chat hashes are re-made under the hash key when heard next starts (surveys/hashkey.py: adopt).


def downgrade() -> None:
    with op.batch_alter_table('case', schema=None) as batch_op:
        batch_op.drop_column('last_imported_at')
