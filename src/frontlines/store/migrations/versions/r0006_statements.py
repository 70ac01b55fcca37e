"""Area statements: claims about a whole area that name no unit.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "statements",
        sa.Column("id", sa.String, primary_key=True),
        sa.Column("document_id", sa.String, sa.ForeignKey("documents.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("extractor", sa.String, nullable=False),
        sa.Column("actor", sa.String, nullable=True),
        sa.Column("area_id", sa.String, nullable=True),
        sa.Column("area_name", sa.String, nullable=True),
        sa.Column("count", sa.Integer, nullable=True),
        sa.Column("total", sa.Integer, nullable=True),
        sa.Column("percent", sa.Float, nullable=True),
        sa.Column("unit_word", sa.String, nullable=True),
        sa.Column("date", sa.String, nullable=True),
        sa.Column("date_basis", sa.String, nullable=False),
        sa.Column("source", sa.Text, nullable=True),
        sa.Column("source_side", sa.String, nullable=False),
        sa.Column("certainty", sa.String, nullable=False),
        sa.Column("probability", sa.Float, nullable=False),
        sa.Column("sentence", sa.Text, nullable=False),
        sa.Column("start", sa.Integer, nullable=False),
        sa.Column("end", sa.Integer, nullable=False),
    )
    op.create_index("ix_statements_document", "statements", ["document_id"])
    op.create_index("ix_statements_area", "statements", ["area_id"])
    op.create_index("ix_statements_date", "statements", ["date"])
