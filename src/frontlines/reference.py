"""Published counts to compare our curve with: "the Long War Journal counted 223 districts".

Analysts trust a map more when they can see where it agrees with the counts
others published, and where it does not. A reference file is a CSV of
`date,state,count` (and optionally `source`): for example FDD's Long War
Journal's Taliban-controlled districts, 73 on 2021-05-01, 157 on 2021-06-29,
204 on 2021-07-10 and 223 on 2021-07-31. `frontlines chart --reference`
draws it over our stacked curve, `frontlines summary --series` prints both.

Every row is checked (a bad date, state or count is an error naming the file
and the row, as a spreadsheet numbers rows: the header is row 1).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from .profile import SPECIAL_STATES, Profile
from .render import DailyCounts


class ReferenceError(ValueError):
    """A reference file that cannot be read, or a bad row in it."""


@dataclass(frozen=True)
class ReferencePoint:
    """One published count: `count` units held by `state` on `day`, according to `source`."""

    day: date
    state: str
    count: int
    source: str = ""
    row: int = 0


def read_reference(path: Path, profile: Profile) -> list[ReferencePoint]:
    """The points of a reference CSV, checked row by row (see the module docstring)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
        raise ReferenceError(f"{path}: cannot read ({reason})") from exc
    reader = csv.DictReader(io.StringIO(text))
    columns = [c.strip().casefold() for c in reader.fieldnames or []]
    missing = [c for c in ("date", "state", "count") if c not in columns]
    if missing:
        raise ReferenceError(f"{path}: missing column(s) {', '.join(missing)} "
                             "(expected date,state,count[,source])")
    states = {s: s for s in SPECIAL_STATES}
    for actor in profile.actors:
        for name in (actor.id, actor.name, *actor.aliases):
            states.setdefault(name.casefold(), actor.id)
    points = []
    for number, raw in enumerate(reader, start=2):
        values = {str(k).strip().casefold(): (v or "").strip() for k, v in raw.items() if k}
        if not any(values.values()):
            continue
        where = f"{path}, row {number}"
        try:
            if len(values["date"]) != 10:
                raise ValueError(values["date"])
            day = date.fromisoformat(values["date"])
        except ValueError:
            raise ReferenceError(f"{where}: date {values['date']!r} is not a date "
                                 "(YYYY-MM-DD)") from None
        state = states.get(values["state"].casefold())
        if state is None:
            raise ReferenceError(f"{where}: unknown state {values['state']!r} (an actor of "
                                 f"the profile: {', '.join(profile.actor_ids)})")
        if not values["count"].isdigit():
            raise ReferenceError(f"{where}: count {values['count']!r} is not a whole number")
        points.append(ReferencePoint(day, state, int(values["count"]),
                                     values.get("source", ""), number))
    if not points:
        raise ReferenceError(f"{path}: no rows")
    return points


def state_totals(data: DailyCounts) -> dict[str, list[int]]:
    """Units per state per day, whatever their status (the series are split by status)."""
    totals: dict[str, list[int]] = {}
    for key, counts in data.series.items():
        state = key.split(":", 1)[0]
        if state not in totals:
            totals[state] = [0] * len(data.days)
        totals[state] = [a + b for a, b in zip(totals[state], counts, strict=True)]
    return totals


def compare(data: DailyCounts, points: Sequence[ReferencePoint]) -> list[dict[str, Any]]:
    """For each reference point inside the series: the published count and ours.

    `ours` counts every status; `ours_by_status` splits it (assessed, claimed,
    inferred, baseline), so a reader sees how much of our count rests on reports.
    """
    index = {day: i for i, day in enumerate(data.days)}
    totals = state_totals(data)
    rows = []
    for point in sorted(points, key=lambda p: (p.day, p.state)):
        i = index.get(point.day)
        if i is None:
            continue
        by_status = {}
        for key, counts in data.series.items():
            state, _, status = key.partition(":")
            if state == point.state and counts[i]:
                by_status[status or "assessed"] = counts[i]
        ours = totals.get(point.state, [0] * len(data.days))[i]
        rows.append({"date": point.day.isoformat(), "state": point.state,
                     "reference": point.count, "ours": ours, "difference": ours - point.count,
                     "ours_by_status": by_status, "source": point.source})
    return rows


def series_summary(data: DailyCounts, points: Sequence[ReferencePoint] = ()) -> dict[str, Any]:
    """What `summary --series` prints: units per state per day and, with published counts,
    each of them beside ours."""
    return {
        "days": [d.isoformat() for d in data.days], "level": data.level, "units": data.units,
        "states": state_totals(data),
        "series": {key: counts for key, counts in data.series.items()},
        "reference": compare(data, points),
    }
