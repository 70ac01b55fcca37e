"""Each event's probability (1.0 for those stored before) and decision model (NULL).

A workspace that already holds events records the extractor that made most of
them as its choice, so that a later change of the built-in default does not
silently mix two extractors' events in one store.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

EXTRACTOR_KEY = "extract.extractor"


def upgrade() -> None:
    # Databases made before alembic built their first tables from the definitions of
    # their day: one made at version 4 or later already has both columns.
    present = {c["name"] for c in sa.inspect(op.get_bind()).get_columns("events")}
    with op.batch_alter_table("events") as batch:
        if "probability" not in present:
            batch.add_column(sa.Column("probability", sa.Float, nullable=False,
                                       server_default=sa.text("1.0")))
        if "model" not in present:
            batch.add_column(sa.Column("model", sa.String, nullable=True))
    meta = sa.table("meta", sa.column("key", sa.String), sa.column("value", sa.Text))
    events = sa.table("events", sa.column("extractor", sa.String))
    bind = op.get_bind()
    if bind.execute(sa.select(meta.c.value).where(meta.c.key == EXTRACTOR_KEY)).first() is None:
        made_by = bind.execute(
            sa.select(events.c.extractor).group_by(events.c.extractor)
            .order_by(sa.func.count().desc(), events.c.extractor).limit(1)
        ).scalar()
        if made_by is not None:
            bind.execute(sa.insert(meta).values(key=EXTRACTOR_KEY, value=made_by))
