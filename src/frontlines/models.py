"""Plain data passed between the steps of the pipeline (see DESIGN.md, "Core concepts").

Every step takes and returns these dataclasses; none of them knows about the
database, the network or the command line.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal

PlaceLevel = Literal["country", "admin1", "admin2", "admin3", "populated_place", "crossing"]
ADMIN_LEVELS: dict[str, int] = {"country": 0, "admin1": 1, "admin2": 2, "admin3": 3}

EventKind = Literal[
    "capture", "recapture", "siege", "clash", "surrender", "withdrawal", "handover", "collapse"
]
# `collapse`: the side the event's `actor` names is gone as a power ("the
# government collapsed", "the president fled the country"); its place is the
# country (place id = the profile's country code, or the country's unit).
EVENT_KINDS: tuple[str, ...] = (
    "capture", "recapture", "siege", "clash", "surrender", "withdrawal", "handover", "collapse",
)
Certainty = Literal["confirmed", "reported", "claimed", "unverified", "denied"]
CERTAINTIES: tuple[str, ...] = ("confirmed", "reported", "claimed", "unverified", "denied")
DatePrecision = Literal["day", "week", "month"]
DateBasis = Literal["explicit", "relative", "publication"]

EARLIEST_DAY = date(1800, 1, 1)
LATEST_DAY = date.max
"""The days frontlines reasons about, in every command and API query. The earliest is far
enough from `date.min` that date arithmetic (a ten-year chart window before a day) never
overflows, and earlier than any news report. Any later day is fine (9999-12-31 is a common
"no end"): a query past the data ends at the latest event, and code that adds to a day
must not overflow at `date.max` (the API's fuzz test tries it)."""


def day_out_of_range(day: date, what: str) -> str | None:
    """Why `day`, given as `what` (an option or field name), cannot be used; None if it can."""
    if EARLIEST_DAY <= day <= LATEST_DAY:
        return None
    return (f"{what} {day.isoformat()} is out of range (days from {EARLIEST_DAY.isoformat()} "
            f"to {LATEST_DAY.isoformat()})")


DOCUMENT_ID_PATTERN = r"[A-Za-z0-9._:-]{1,200}"
"""What a document id given with a report may be: 1-200 ASCII letters, digits, `.`, `_`, `:`
and `-`. Such an id is safe in a URL path (`/api/documents/{id}`), a file name and a
shell, and cannot hold `#`, which event ids use to append their number (`a004#2`).
Ids frontlines makes itself (`d` + 11 hex digits) are of this set too."""
_DOCUMENT_ID = re.compile(DOCUMENT_ID_PATTERN)


def document_id_problem(doc_id: str) -> str | None:
    """Why `doc_id` cannot be a document's id (see `DOCUMENT_ID_PATTERN`); None if it can."""
    if _DOCUMENT_ID.fullmatch(doc_id):
        return None
    if not doc_id or len(doc_id) > 200:
        return f"field 'id' must be 1 to 200 characters long, not {len(doc_id)}"
    bad = sorted({c for c in doc_id if not _DOCUMENT_ID.fullmatch(c)})
    return (f"field 'id' {doc_id!r} has characters ids cannot hold ({' '.join(map(repr, bad[:5]))}): "
            "use letters A-Z and a-z, digits, '.', '_', ':' and '-'")


@dataclass(frozen=True)
class Document:
    """One report: clean body text plus what is known about where it came from.

    `published` is an ISO 8601 string: `YYYY-MM-DD` when only the day is known,
    `YYYY-MM-DDTHH:MM` when the time is too.
    """

    id: str
    text: str
    content_hash: str
    title: str | None = None
    published: str | None = None
    outlet: str | None = None
    url: str | None = None
    language: str | None = None
    related: tuple[str, ...] = ()
    origin: str | None = None  # the file path or URL it was read from; `api:TOKEN` if posted
    # Who posted it through the API (the token's name) and from which client address;
    # None for documents read by `frontlines ingest`. When: the store's `ingested_at`.
    posted_by: str | None = None
    posted_from: str | None = None

    @property
    def published_date(self) -> date | None:
        if not self.published:
            return None
        return datetime.fromisoformat(self.published).date()


@dataclass(frozen=True)
class Place:
    """A gazetteer feature. `id` is the P-code for administrative units."""

    id: str
    name: str
    level: PlaceLevel
    parent_id: str | None = None
    admin1: str | None = None
    admin2: str | None = None
    admin3: str | None = None
    alt_names: tuple[str, ...] = ()
    lat: float | None = None
    lon: float | None = None
    population: int | None = None
    source: str | None = None
    geometry_wkb: bytes | None = field(default=None, repr=False, compare=False)

    @property
    def admin_level(self) -> int | None:
        return ADMIN_LEVELS.get(self.level)


@dataclass(frozen=True)
class Evidence:
    document_id: str
    sentence: str
    start: int
    end: int


@dataclass
class Statement:
    """A claim about a whole area that names no unit ("the Taliban control 10 of
    Badakhshan's 28 districts", "85 % of the country", "half of the provincial
    capitals"): kept with its evidence and shown beside the map, never painted
    onto units."""

    actor: str | None
    evidence: Evidence
    area_id: str | None = None  # the area's place id (a province); None: the whole country
    area_name: str | None = None
    count: int | None = None  # "10" of "10 of 28 districts"
    total: int | None = None  # "28"
    percent: float | None = None  # "85 %"; "half" is 50
    unit_word: str | None = None  # "districts", "provincial capitals", "territory"
    date: str | None = None
    date_basis: str = "publication"
    source: str | None = None
    source_side: str = "unnamed"
    certainty: str = "reported"
    extractor: str = "staged.v1"
    probability: float = 1.0
    id: str | None = None

    def to_dict(self) -> dict[str, Any]:
        data = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        evidence = dataclasses.asdict(data.pop("evidence"))
        data["document"] = evidence["document_id"]
        data["sentence"] = evidence["sentence"]
        data["start"] = evidence["start"]
        data["end"] = evidence["end"]
        return data


@dataclass
class Event:
    """One claim about the world, extracted from one sentence (or two)."""

    kind: str
    actor: str
    place_id: str
    place_name: str
    evidence: Evidence
    opponent: str | None = None
    admin1: str | None = None
    admin2: str | None = None
    admin3: str | None = None
    geo_precision: int = 1
    date: str | None = None  # YYYY-MM-DD
    date_precision: str = "day"
    date_basis: str = "publication"
    source: str | None = None
    source_side: str = "unnamed"
    certainty: str = "reported"
    negated: bool = False
    extractor: str = "staged.v1"
    id: str | None = None
    explanation: str | None = None
    # How likely the extractor judges it that the sentence states this event
    # (0-1, calibrated on gold); 1.0 from extractors that give no probability.
    probability: float = 1.0
    # The version of the decision model that judged it (None: no model).
    model: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The public JSON shape of an event (issue 3, point 1)."""
        # A shallow copy of the fields (every field is a plain value but the
        # evidence): `dataclasses.asdict` deep-copies and costs ten times more.
        data = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        evidence = dataclasses.asdict(data.pop("evidence"))
        data["document"] = evidence["document_id"]
        data["sentence"] = evidence["sentence"]
        data["start"] = evidence["start"]
        data["end"] = evidence["end"]
        return data
