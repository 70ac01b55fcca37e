"""The timeline's tables: cached intervals, the analyst's decisions, copy clusters.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "timeline_intervals",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("unit_id", sa.String, nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("state", sa.String, nullable=False),
        sa.Column("holder", sa.String, nullable=False),
        sa.Column("status", sa.String, nullable=False),
        sa.Column("start", sa.String, nullable=False),
        sa.Column("end", sa.String, nullable=True),
        sa.Column("since", sa.String, nullable=False),
        sa.Column("confidence", sa.Float, nullable=False),
        sa.Column("event_ids", sa.JSON, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.UniqueConstraint("unit_id", "seq"),
    )
    op.create_index("ix_timeline_intervals_span", "timeline_intervals", ["start", "end"])
    op.create_table(
        "decisions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String, nullable=False),
        sa.Column("event_id", sa.String),
        sa.Column("unit_id", sa.String),
        sa.Column("state", sa.String),
        sa.Column("start", sa.String),
        sa.Column("end", sa.String),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("created_at", sa.String, nullable=False),
    )
    op.create_index("ix_decisions_unit", "decisions", ["unit_id"])
    op.create_index("ix_decisions_event", "decisions", ["event_id"])
    op.create_table(
        "document_copies",
        sa.Column("document_id", sa.String, sa.ForeignKey("documents.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("cluster_id", sa.String, nullable=False),
        sa.Column("signature", sa.LargeBinary, nullable=False),
    )
    op.create_index("ix_document_copies_cluster", "document_copies", ["cluster_id"])
    op.create_table(
        "document_buckets",
        sa.Column("document_id", sa.String, sa.ForeignKey("documents.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("bucket", sa.String, nullable=False),
    )
    op.create_index("ix_document_buckets_bucket", "document_buckets", ["bucket"])
    op.create_index("ix_document_buckets_document", "document_buckets", ["document_id"])
