"""The audit trail of the analyst's decisions as stored (`decision_log`): append, read.

Rows are only ever added: a decision withdrawn is a new row (`restore`,
`remove`), so the trail says who did what, when and why, in order, whichever
of the command line or the API they used.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, or_, select

from . import Connection, decision_log, now_iso


@dataclass(frozen=True)
class TrailEntry:
    """One act on the decisions: `action` is reject, restore, pin or remove.

    `before` and `after` map each unit the act moved to its state on the
    decision's day ("taliban (claimed) since 2021-06-21"), just before and
    just after it.
    """

    id: int
    decision_id: int | None
    action: str
    who: str
    at: str
    event_id: str | None
    unit_id: str | None
    state: str | None
    start: str | None
    end: str | None
    why: str
    before: dict[str, str]
    after: dict[str, str]

    def to_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


def append_trail(conn: Connection, *, decision_id: int | None, action: str, who: str,
                 why: str, before: dict[str, str], after: dict[str, str],
                 event_id: str | None = None, unit_id: str | None = None,
                 state: str | None = None, start: str | None = None,
                 end: str | None = None) -> int:
    """Record one act, now; returns its entry's id."""
    key = conn.execute(insert(decision_log).values(
        decision_id=decision_id, action=action, who=who, at=now_iso(), event_id=event_id,
        unit_id=unit_id, state=state, start=start, end=end, why=why, before=before,
        after=after)).inserted_primary_key
    assert key is not None
    return int(key[0])


def read_trail(conn: Connection, *, unit_ids: Iterable[str] | None = None,
               event_ids: Iterable[str] | None = None) -> list[TrailEntry]:
    """Entries about these units or events (all when neither is given), oldest first."""
    query = select(decision_log).order_by(decision_log.c.id)
    units = sorted(set(unit_ids or ()))
    found = sorted(set(event_ids or ()))
    if unit_ids is not None or event_ids is not None:
        conditions = []
        if units:
            conditions.append(decision_log.c.unit_id.in_(units))
        if found:
            conditions.append(decision_log.c.event_id.in_(found))
        if not conditions:
            return []
        query = query.where(or_(*conditions))
    return [TrailEntry(id=row.id, decision_id=row.decision_id, action=row.action, who=row.who,
                       at=row.at, event_id=row.event_id, unit_id=row.unit_id, state=row.state,
                       start=row.start, end=row.end, why=row.why or "",
                       before=dict(row.before or {}), after=dict(row.after or {}))
            for row in conn.execute(query)]
