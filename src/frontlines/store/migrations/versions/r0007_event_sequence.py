"""`events.seq`: the order in which event rows were written, on every back end.

The timeline's freshness check and its incremental recompute used SQLite's
rowid to find the newest event rows. `seq` does that job anywhere: the store
numbers each new row from the counter `events.seq` in the meta table, which
only goes up, so a number is never given twice (not even after a delete).
Events stored before are numbered in the order SQLite wrote them (their rowid;
on other back ends, by id), and the counter starts above them.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

SEQUENCE_KEY = "events.seq"


def upgrade() -> None:
    with op.batch_alter_table("events") as batch:
        batch.add_column(sa.Column("seq", sa.Integer, nullable=True))
    bind = op.get_bind()
    events = sa.table("events", sa.column("id", sa.String), sa.column("seq", sa.Integer))
    if bind.dialect.name == "sqlite":
        bind.execute(sa.update(events).values(seq=sa.literal_column("rowid")))
    else:
        ids = bind.execute(sa.select(events.c.id).order_by(events.c.id)).scalars().all()
        if ids:
            bind.execute(sa.update(events).where(events.c.id == sa.bindparam("event_id"))
                         .values(seq=sa.bindparam("number")),
                         [{"event_id": i, "number": n} for n, i in enumerate(ids, start=1)])
    last = bind.execute(sa.select(sa.func.max(events.c.seq))).scalar() or 0
    meta = sa.table("meta", sa.column("key", sa.String), sa.column("value", sa.Text))
    bind.execute(sa.insert(meta).values(key=SEQUENCE_KEY, value=str(last)))
    with op.batch_alter_table("events") as batch:
        batch.alter_column("seq", existing_type=sa.Integer, nullable=False)
        batch.create_index("ix_events_seq", ["seq"], unique=True)
