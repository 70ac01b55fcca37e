"""The audit trail of the API's writes: who posted a document, and from where.

`documents.posted_by` is the name of the bearer token a document was posted
with, `documents.posted_from` the client's address; both NULL for documents
read by `frontlines ingest` (the time is the existing `ingested_at`). Documents
posted before this revision kept the path of a temporary file, deleted since,
as their origin: it becomes `api`, since which token posted them is not known.

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.add_column(sa.Column("posted_by", sa.String, nullable=True))
        batch.add_column(sa.Column("posted_from", sa.String, nullable=True))
    documents = sa.table("documents", sa.column("origin", sa.Text))
    op.get_bind().execute(sa.update(documents)
                          .where(documents.c.origin.like("%frontlines-api-%report.json"))
                          .values(origin="api"))
