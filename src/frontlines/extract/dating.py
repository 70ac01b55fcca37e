"""Stage 5, dating: when a frame's event happened.

The date expression nearest the trigger wins: one in the trigger's own clause,
or one close by that is not nearer to another trigger of the sentence ("the
takeover of X followed the capture of Y on Saturday": Saturday is Y's). It is
resolved against the publication date (`dates.resolve_relative_date`);
without one, the publication date itself is the latest the event can be.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from typing import Protocol

from .dates import DateMention, ResolvedDate, publication_date, resolve_relative_date
from .linking import Discourse
from .mentions import TriggerMention

# How far (in characters) a date outside the trigger's clause may stand and
# still date it. A sentence's date dates the events it tells, wherever it
# stands ("On Friday, the minister said that forces had retaken X"), unless
# it stands nearer another trigger; only in very long sentences (a list of
# dated items) is it too far. Cross-validated, dates within one day on dev +
# dev-b: 0.867 at 60 characters, 0.869 at 100, 0.888 at 200 and beyond.
MAX_DATE_DISTANCE = 200
# A window ("in the past 24 hours", "over the past three days", "in recent
# days", "this week") only says "by the time of writing": any date that points
# at a day or a time in the sentence is better.
WEAK_DATE_PENALTY = 200
DATE_WINDOW = re.compile(
    r"\b(?:(?:in|over|during)\s+the\s+(?:past|last)|in\s+recent|this\s+week|the\s+past\s+week)\b",
    re.IGNORECASE,
)


# A later clause of its own time: its date is its own event's.
SUBORDINATE_TIME = re.compile(
    r"\b(?:since|before|until|ever\s+since)\s+(?:the\s+\w+\s+)?\w+\s", re.IGNORECASE
)


class Dating(Protocol):
    """The dating stage: `date_of`'s signature."""

    def __call__(
        self,
        trigger: TriggerMention,
        dates: Sequence[DateMention],
        published: date | None,
        discourse: Discourse,
        clause: tuple[int, int],
        others: Sequence[TriggerMention] = (),
        default_year: int | None = None,
        text: str | None = None,
    ) -> ResolvedDate: ...


def date_of(
    trigger: TriggerMention,
    dates: Sequence[DateMention],
    published: date | None,
    discourse: Discourse,
    clause: tuple[int, int],
    others: Sequence[TriggerMention] = (),
    default_year: int | None = None,
    text: str | None = None,
) -> ResolvedDate:
    """The date of the event a trigger states (and remember it for "the next day").

    With the sentence's `text`, a date in a later subordinate clause of time
    ("... since the rebels started their push ten days ago") is left to that
    clause's own event."""
    best: ResolvedDate | None = None
    best_distance = 10**9
    for mention in dates:
        start, end = mention.start, mention.end
        distance = _gap(trigger, start, end)
        in_clause = clause[0] <= start and end <= clause[1]
        rivals = [o for o in others if o != trigger and (not in_clause or clause[0] <= o.start < clause[1])]
        if any(_gap(other, start, end) < distance for other in rivals):
            continue  # nearer another trigger (of the same clause, if the date is in this one)
        if not in_clause and distance > MAX_DATE_DISTANCE:
            continue  # "... since the withdrawal began on May 1" dates something else
        if (
            text is not None
            and not in_clause
            and start >= trigger.end
            and SUBORDINATE_TIME.search(text, trigger.end, start)
        ):
            continue  # "fell ... since they began their advance a week ago"
        resolved = resolve_relative_date(
            mention, published, default_year=default_year, previous=discourse.last_date
        )
        if resolved is None:
            continue
        if DATE_WINDOW.search(mention.text):
            distance += WEAK_DATE_PENALTY  # "in the last three days" yields to "on Sunday"
        if distance < best_distance:
            best, best_distance = resolved, distance
    if best is None and trigger.name == "list-continuation" and discourse.last_date:
        # "The districts include X, Y and Z": they fell when the sentence before said.
        best = ResolvedDate(discourse.last_date, "day", "relative")
    if best is None and discourse.paragraph_date is not None:
        # A dated entry ("– Aug. 7 – SHEBERGHAN. The Taliban declare ... Heavy
        # fighting is reported in the city"): its sentences tell that day.
        best = ResolvedDate(discourse.paragraph_date, "day", "relative")
    if best is None:
        best = publication_date(published)
    if best.date is not None:
        discourse.last_date = best.date
    return best


def _gap(hit: TriggerMention, start: int, end: int) -> int:
    return hit.start - end if end <= hit.start else max(0, start - hit.end)
