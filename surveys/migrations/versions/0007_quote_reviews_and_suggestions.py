"""report follow-ups: answers keep their suggestion flag and best theme; managers approve quotes

Revision ID: 0007
Revises: 0002
"""
from alembic import op
import sqlalchemy as sa
import surveys.models


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Existing answers keep NULL ("not recorded"): the report works both out again from the text
    # while it is still held (the text is encrypted, so it cannot be done here).
    with op.batch_alter_table('answer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('suggestion', sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column('best_theme', sa.String(length=40), nullable=True))
    op.create_table('quotereview',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('answer_id', sa.Integer(), nullable=False),
    sa.Column('decision', sa.String(length=10), nullable=False),
    sa.Column('decided_by', sa.String(length=60), nullable=False),
    sa.Column('decided_at', surveys.models.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['answer_id'], ['answer.id'], ),
    sa.ForeignKeyConstraint(['service_id'], ['service.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('answer_id')
    )
    with op.batch_alter_table('quotereview', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quotereview_service_id'), ['service_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('quotereview', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quotereview_service_id'))
    op.drop_table('quotereview')
    with op.batch_alter_table('answer', schema=None) as batch_op:
        batch_op.drop_column('best_theme')
        batch_op.drop_column('suggestion')
