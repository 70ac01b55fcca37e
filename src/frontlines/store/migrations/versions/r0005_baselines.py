"""Imported baseline files (each kept whole) and the inference rule of each interval.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "baseline_imports",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("file", sa.Text, nullable=False),
        sa.Column("sha256", sa.String, nullable=False),
        sa.Column("origin", sa.String, nullable=False),
        sa.Column("imported_at", sa.String, nullable=False),
    )
    op.create_table(
        "baseline_rows",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("import_id", sa.Integer,
                  sa.ForeignKey("baseline_imports.id", ondelete="CASCADE"), nullable=False),
        sa.Column("row", sa.Integer, nullable=False),
        sa.Column("unit_id", sa.String, nullable=False),
        sa.Column("state", sa.String, nullable=False),
        sa.Column("as_of", sa.String, nullable=False),
        sa.Column("source", sa.Text, nullable=False),
    )
    op.create_index("ix_baseline_rows_import", "baseline_rows", ["import_id"])
    op.create_index("ix_baseline_rows_unit", "baseline_rows", ["unit_id"])
    # As in 0004: a database made before alembic at version 5 or later has the column.
    present = {c["name"] for c in sa.inspect(op.get_bind()).get_columns("timeline_intervals")}
    if "rule" not in present:
        with op.batch_alter_table("timeline_intervals") as batch:
            batch.add_column(sa.Column("rule", sa.String, nullable=True))
