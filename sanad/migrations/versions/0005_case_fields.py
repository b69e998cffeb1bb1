"""cases: the CONTENT-BRIEF §9 case fields (component, platform, demands, perpetrator, emergency
services contacted, art. 53 report, follow-up date)

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 16:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("component", sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column("platform", sa.String(length=24), nullable=True))
        batch_op.add_column(sa.Column("demands", sa.JSON(), nullable=False, server_default="[]"))
        batch_op.add_column(sa.Column("perpetrator", sa.String(length=24), nullable=True))
        batch_op.add_column(
            sa.Column("emergency_contacted", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(sa.Column("art53_report", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column("follow_up_on", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        for column in (
            "follow_up_on",
            "art53_report",
            "emergency_contacted",
            "perpetrator",
            "demands",
            "platform",
            "component",
        ):
            batch_op.drop_column(column)
