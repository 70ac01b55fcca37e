"""The first schema: meta, places and their names, documents, events.

Revision ID: 0001
Revises: -
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "meta",
        sa.Column("key", sa.String, primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )
    op.create_table(
        "places",
        sa.Column("id", sa.String, primary_key=True),
        sa.Column("name", sa.String, nullable=False),
        sa.Column("level", sa.String, nullable=False),
        sa.Column("parent_id", sa.String, nullable=True),
        sa.Column("admin1", sa.String),
        sa.Column("admin2", sa.String),
        sa.Column("admin3", sa.String),
        sa.Column("lat", sa.Float),
        sa.Column("lon", sa.Float),
        sa.Column("population", sa.Integer),
        sa.Column("source", sa.String),
        sa.Column("geometry", sa.LargeBinary),
    )
    op.create_index("ix_places_level", "places", ["level"])
    op.create_index("ix_places_parent", "places", ["parent_id"])
    op.create_table(
        "place_names",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("place_id", sa.String, sa.ForeignKey("places.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("name", sa.String, nullable=False),
        sa.UniqueConstraint("place_id", "name"),
    )
    op.create_index("ix_place_names_place", "place_names", ["place_id"])
    op.create_table(
        "documents",
        sa.Column("id", sa.String, primary_key=True),
        sa.Column("content_hash", sa.String, nullable=False, unique=True),
        sa.Column("url", sa.String, unique=True, nullable=True),
        sa.Column("title", sa.Text),
        sa.Column("published", sa.String),
        sa.Column("outlet", sa.String),
        sa.Column("language", sa.String),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("related", sa.JSON, nullable=False),
        sa.Column("origin", sa.Text),
        sa.Column("ingested_at", sa.String, nullable=False),
    )
    op.create_index("ix_documents_published", "documents", ["published"])
    op.create_table(
        "events",
        sa.Column("id", sa.String, primary_key=True),
        sa.Column("document_id", sa.String, sa.ForeignKey("documents.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("extractor", sa.String, nullable=False),
        sa.Column("kind", sa.String, nullable=False),
        sa.Column("actor", sa.String, nullable=False),
        sa.Column("opponent", sa.String),
        sa.Column("place_id", sa.String, nullable=False),
        sa.Column("place_name", sa.String, nullable=False),
        sa.Column("admin1", sa.String),
        sa.Column("admin2", sa.String),
        sa.Column("admin3", sa.String),
        sa.Column("geo_precision", sa.Integer, nullable=False),
        sa.Column("date", sa.String),
        sa.Column("date_precision", sa.String, nullable=False),
        sa.Column("date_basis", sa.String, nullable=False),
        sa.Column("source", sa.Text),
        sa.Column("source_side", sa.String, nullable=False),
        sa.Column("certainty", sa.String, nullable=False),
        sa.Column("negated", sa.Boolean, nullable=False),
        sa.Column("sentence", sa.Text, nullable=False),
        sa.Column("start", sa.Integer, nullable=False),
        sa.Column("end", sa.Integer, nullable=False),
        sa.Column("explanation", sa.Text),
    )
    op.create_index("ix_events_document", "events", ["document_id"])
    op.create_index("ix_events_place", "events", ["place_id"])
    op.create_index("ix_events_admin2", "events", ["admin2"])
    op.create_index("ix_events_date", "events", ["date"])
