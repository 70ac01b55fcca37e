"""Token roles and the audit trail of analyst decisions.

`tokens.role` says what a token may do; tokens made before are writers (they
could ingest, nothing else). `decision_log` keeps every analyst act (reject,
restore, pin, remove) with who, when, why and the states before and after.
The decisions already in force get one entry each, by an unknown author at
the time they were made, so the trail starts complete.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

UNKNOWN_AUTHOR = "unknown (made before the audit trail)"


def upgrade() -> None:
    with op.batch_alter_table("tokens") as batch:
        batch.add_column(sa.Column("role", sa.String, nullable=False, server_default="writer"))
    log = op.create_table(
        "decision_log",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("decision_id", sa.Integer, nullable=True),
        sa.Column("action", sa.String, nullable=False),
        sa.Column("who", sa.String, nullable=False),
        sa.Column("at", sa.String, nullable=False),
        sa.Column("event_id", sa.String, nullable=True),
        sa.Column("unit_id", sa.String, nullable=True),
        sa.Column("state", sa.String, nullable=True),
        sa.Column("start", sa.String, nullable=True),
        sa.Column("end", sa.String, nullable=True),
        sa.Column("why", sa.Text, nullable=False),
        sa.Column("before", sa.JSON, nullable=False),
        sa.Column("after", sa.JSON, nullable=False),
    )
    op.create_index("ix_decision_log_unit", "decision_log", ["unit_id"])
    op.create_index("ix_decision_log_event", "decision_log", ["event_id"])
    decisions = sa.table("decisions", *(sa.column(name, sa.String) for name in (
        "kind", "event_id", "unit_id", "state", "start", "end", "note", "created_at")),
        sa.column("id", sa.Integer))
    bind = op.get_bind()
    rows = bind.execute(sa.select(decisions).order_by(decisions.c.id)).all()
    if rows:
        bind.execute(sa.insert(log), [
            {"decision_id": r.id, "action": r.kind, "who": UNKNOWN_AUTHOR, "at": r.created_at,
             "event_id": r.event_id, "unit_id": r.unit_id, "state": r.state, "start": r.start,
             "end": r.end, "why": r.note or "", "before": {}, "after": {}}
            for r in rows])
