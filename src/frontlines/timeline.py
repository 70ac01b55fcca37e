"""The timeline engine: stored events → who holds each admin unit, day by day.

Pure functions over plain data (units, events, document facts, analyst
decisions, imported baselines, the profile and `TimelineSettings`). No
database in here: the store layer (`timeline_store.py`) loads the inputs,
calls `compute_timeline` and caches the intervals it returns.

The output, per unit, is a gap-free sequence of `Interval`s from the
profile's start date on: a `state` (an actor id, `contested` or `unknown`), a
`status`, a `confidence` in [0, 1], the ids of the events behind it, the
`reason` (a sentence saying why) and, for an inferred state, the `rule`
that set it. The status says what the state rests on (DESIGN.md, "Timeline"):

- `baseline`: no report since the start; the profile's start state or an
  imported baseline file;
- `assessed`: reports the timeline judges reliable;
- `claimed`: only one side says so, or the reports are hedged or too few;
- `inferred`: no report names the unit; a rule (a larger area reported
  taken as a whole, a national collapse) does.

The rules (each has a scenario test in tests/test_timeline.py)
----------------------------------------------------------------

Units and places
    The units are the finest admin level the workspace's boundaries have
    (districts — admin2 — for Afghanistan; admin3 where the boundaries go
    deeper). An event moves the unit of that level that contains its place
    (`event.admin2` for districts). An event at a provincial capital already
    carries the capital's district, so it moves that district. An event
    whose place is a larger area itself (a province, or the country) moves
    the units inside it by inference (see "Larger areas"). An event at a
    place inside a province but tied to no unit (a village only its
    province is known for) moves nothing: it is not about the province as a
    whole. Such events are shown by `explain` for the province.

Baseline
    Every unit starts in the profile's start state on the profile's start
    date, with status `baseline`: the profile's premise, not a report. An
    imported baseline file (`frontlines baseline import`, or the profile's
    `[start] baseline`) gives a unit another state as of a date (the start
    date if earlier): it takes effect on that day if the unit still rests on
    its baseline then (no report has moved it or said who holds it), and
    its evidence is the file and the source the file names. Of two rows for
    one unit and day, the later import wins. Events dated before the start
    date are superseded by the start state. A baseline's confidence is
    `start_confidence` (0.05), and no reported or inferred state's confidence
    is ever lower: a baseline is the least sure answer the engine gives. A
    unit that fighting made contested goes back to its holder when the
    contest runs out, and to `baseline` if nothing but the start (or a
    baseline file) says who that holder is; a report that the holder still
    holds it makes the state rest on that report instead (judged as under
    "Claims are not facts").

Location references are never sources
    A dateline ("KABUL --", "KABUL (Reuters) -", "KABUL, 29 July 2021:")
    says where a report was filed, not where something happened. An event
    whose place is named only in its sentence's dateline is left out of the
    timeline (as if the extractor had not made it) and listed by `explain`.

Time
    State is as-of a date. The engine sweeps each unit's events in date order
    and decides the state of day D from the events dated on or before D only,
    so the answer for D never depends on events dated after D, and a report
    published later about an earlier event backfills the past (its event is
    placed on the day it happened, not the day it was published). Status,
    confidence and evidence are as-of too: a later admission does not make an
    earlier day "assessed"; it starts a new interval of the same state (so
    `since`, the first day of the current state, does not move).
    Events without a date cannot be placed; they are left out of the timeline
    and listed by `explain` as such.

Changes of hands
    capture, recapture, surrender and handover give the unit to the event's
    actor. A withdrawal gives it to the other side: the event's opponent when
    the extractor named one, else the side attacking the unit at the time
    (the latest siege or clash by someone other than the holder), else the
    only other actor of a two-party profile; failing all three it only makes
    the unit contested. (ACLED codes a government withdrawal as the other
    side taking the place without a fight: "Non-state actor overtakes
    territory".) Surrender and handover go to the actor that receives the place.
    "Recapture" is for the government only (ACLED's "Government regains
    territory"): a recapture reported for another actor is read as a capture
    by that actor, and a capture by the government of a unit it lost is
    described as a retaking.

ACLED's conventions on reversals
    A change of hands reversed within one day is a clash, not a capture. Our
    dates have day precision at best, so "within one day" is read as "dated
    the same day": a window reaching into the next day would make the answer
    for D depend on an event dated D + 1, which the time rule forbids (so the
    window is deliberately not a setting). Within a day, each report's last
    word counts: when every report's final change of the day names the same
    new holder, the unit changes once, to it — after
    repeated fighting only the final capture changes the state, the earlier
    ones count as fighting. When a report's final word is that the old
    holder kept or retook the unit, the change was reversed: the unit is
    contested, not captured. Reports disagreeing on the final holder also
    give `contested`.

Contested
    A siege, attack or clash makes the unit `contested` for
    `contested_days` (default 14) from the last such event, unless a change
    of hands follows (then the new holder) or a report that the holder
    keeps it (e.g. the attackers withdrew) ends the fighting early. Fighting
    reported on the day of a capture is part of that capture, not a new
    contest. When the time runs out the unit goes back to its holder.

Claims are not facts
    Each change is judged on everything reported about it up to the day in
    question. Supporting reports are sorted into: *admitted* (certainty
    `confirmed`, or the source speaks for the side that lost), *independent*
    (`reported` by a source that is not the winner's), *claimed* (the
    winner's word) and *unverified* ("if so", "reportedly"). Denials
    (certainty `denied`) and negated reports ("had not entered the city") of
    a capture by the same actor within `claim_window_days` are evidence
    against it. The status is `assessed` when the sources that admit it or
    report it independently outnumber the sources against it; otherwise —
    the winner's word alone, an unverified report, or a claim denied as often
    as it is confirmed — it is `claimed`.

Corroboration counts sources, not copies
    Reports are grouped into sources before counting: documents that are
    near-duplicate copies of one wire story (the store clusters them with
    MinHash, see `timeline_store`) are one source, and so are reports from
    the same outlet. Confidence is 1 - Π(1 - w) over the independent sources,
    each weighted by the best kind of report it gave (admitted 0.85,
    independent 0.7, claimed 0.45, unverified 0.3); a `claimed` change is
    capped at 0.6, and each source against multiplies it by 0.7. No
    confidence goes below a baseline's (`start_confidence`, see "Baseline").

Evidence is weighed by its probability
    Each event carries the `probability` its extractor gives it (how likely
    the sentence states this event; 1.0 from extractors that give none).
    A report counts in proportion to it: its weight is its kind's weight
    times its probability (an independent report of probability 0.5 weighs
    0.35, not 0.7), and the same holds for a report of fighting in a
    contest. A source's best report is the one of greatest weight. A source
    against multiplies the confidence by `against_factor` raised to its
    probability (by 0.7 for a certain denial, by 1 for one that surely is
    not a denial at all). The status counts
    sources as before, but only those whose report is more likely than not
    (probability at least one half): a change is `assessed` when such
    admitting or independent sources outnumber such sources against it, and
    fighting when at least one such source confirms or reports it. So a lone
    report that more likely than not says something else is at best
    `claimed`, and one source a little surer than the denial it meets does
    not outweigh it. Probability changes how much a report counts, never
    whether the state moves: which sentences are events at all is the
    decision stage's call (its threshold, `ExtractionConfig.threshold`),
    made once, where it is calibrated. So a stored event of low probability
    still changes the state, shown as `claimed` with a low confidence (the
    map hatches it); a second cut-off here would hide from the map evidence
    that `events` lists. An event of probability 1.0 counts exactly as a
    report did before probabilities existed.

Salient places need corroboration
    A provincial capital (the gazetteer's, with the profile's `[capitals]`)
    or the national capital is what reports name first and what a misread
    sentence most often flips. Its change of hands is `assessed` only when
    the side that lost it admits it or two independent sources report it
    (copies of one wire story, or reports of one outlet, are one source, as
    always; a dateline is no source at all). One report alone, however
    sure, makes it `claimed`.

Larger areas (inferred)
    An event whose place is a larger area as a whole — a province ("the
    Taliban captured Badghis province", "all districts of Nimroz have
    fallen"), a coarser unit when the units are finer (a raion over
    hromadas), or the country (place id the profile's country code or the
    country's unit) — gives every unit inside the area to the side that
    gains it, from the event's date, with status `inferred` and the rule
    `larger-area`. Only changes of hands count (fighting "in Kunduz
    province" moves nothing), negated or denied ones do not, and reports
    disagreeing on who took the area that day cancel each other. A unit's
    own evidence wins: own reports of a change of hands dated the same day
    decide that day, and own reports dated later move it as usual; own
    reports dated earlier are superseded by the newer report about the
    area. A unit already held by the gaining side keeps its own state (a
    baseline of that side becomes `inferred`: now a report speaks for it).
    Provincial and national capitals are never inferred: their fall is
    reported by name, and sentences about a province as a whole often leave
    the capital out ("the rest of the province is now in rebel hands").
    Confidence: the area's sources weighed as in "Claims are not facts",
    times `inferred_factor` (0.8), capped at `claimed_cap`.

National collapse (inferred)
    The profile names the government (`government`) and the unit of the
    national capital (`national_capital`). When the capital is held by
    another side (its state, not merely contested) and reports say the
    government is gone — events of kind `collapse` whose actor is the
    government ("the government collapsed", "the president fled the
    country"), dated on or before that day — every unit the government
    still holds (its holder, also underneath a contest) goes to the
    capital's new holder from the first day both are true, with status
    `inferred` and the rule `national-collapse`. Units held by a third side
    keep their state (a militia of the government's side is not the
    government), and so do the provincial capitals, for the reason given
    under "Larger areas". The evidence is the collapse reports and the
    reports that gave the capital to its new holder; confidence is the
    capital's times the collapse reports' weight times `inferred_factor`,
    capped at `claimed_cap`. Later reports about a unit move it as usual.
    As everywhere, the answer for day D uses only what is dated by D: the
    capital's state on D and the collapse reports dated by D.

Analyst decisions
    A rejected event is ignored everywhere. A pin forces a state over a date
    range (status `assessed`, confidence 1): events dated inside the pin are
    overridden, and after the pin the unit is held by the pinned actor until
    events say otherwise. Neither an inference rule nor a baseline file
    moves a unit while a pin holds it.

Aggregation (`--level 1`)
    A province takes the state held by a strict majority of its districts;
    without one it is `contested` (split). Its status is the weakest of its
    majority's statuses (assessed, then claimed, inferred, baseline: a
    province is only as sure as the least sure district that makes its
    majority; of a split province, the weakest of all), and its confidence
    is the majority's share of the districts times their mean confidence
    (for a split province: the share of its most common state).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields, replace
from datetime import date, timedelta
from typing import Any

from .models import Event
from .profile import Profile

# Part of the cache fingerprint: bump it whenever a rule changes, so every
# workspace's cached intervals are rebuilt on the next read.
ENGINE_VERSION = "timeline.v3"  # v3: baseline and inferred statuses, salient places, datelines

CHANGE_KINDS = frozenset({"capture", "recapture", "surrender", "withdrawal", "handover"})
FIGHT_KINDS = frozenset({"siege", "clash"})
CONTESTED = "contested"
UNKNOWN = "unknown"
ASSESSED = "assessed"
CLAIMED = "claimed"
INFERRED = "inferred"
BASELINE = "baseline"
STATUSES = (ASSESSED, CLAIMED, INFERRED, BASELINE)
"""Every status, the firmest first (see the module docstring)."""
_STATUS_RANK = {status: len(STATUSES) - i for i, status in enumerate(STATUSES)}

# The inference rules, as `Interval.rule` names them.
RULE_AREA = "larger-area"
RULE_COLLAPSE = "national-collapse"
RULES = (RULE_AREA, RULE_COLLAPSE)

# How much one source's best report is worth (see "Claims are not facts").
SUPPORT_WEIGHTS: dict[str, float] = {
    "admitted": 0.85,
    "independent": 0.7,
    "claimed": 0.45,
    "unverified": 0.3,
}
_CLASS_RANK = {"admitted": 3, "independent": 2, "claimed": 1, "unverified": 0}

# How much one source reporting fighting is worth to a `contested` state's confidence:
# firm when it is confirmed or reported (not negated, not denied), else tentative.
CONTEST_WEIGHT_FIRM = 0.7
CONTEST_WEIGHT_TENTATIVE = 0.45

# A source counts towards the status (`assessed` or `claimed`) when its report is at
# least this likely: more likely than not (see "Evidence is weighed by its probability").
COUNTS_FROM_PROBABILITY = 0.5


class TimelineError(ValueError):
    """Bad input to the timeline: a date before the start, an unknown place, a bad setting."""


class UnknownPlace(TimelineError):
    """No place of the workspace matches what was asked for."""


class BadLevel(TimelineError):
    """An admin level the workspace's units do not have."""


@dataclass(frozen=True)
class TimelineSettings:
    """The engine's knobs; a profile may override them in an optional `[timeline]` table."""

    contested_days: int = 14
    """How long a siege or clash keeps a unit contested when nothing follows."""
    claim_window_days: int = 7
    """How far apart a denial and the claim it answers may be dated."""
    start_confidence: float = 0.05
    """A baseline's confidence, and the floor of every other state's (see "Baseline")."""
    claimed_cap: float = 0.6
    against_factor: float = 0.7
    inferred_factor: float = 0.8
    """How much of its evidence's weight an inference rule passes on to the units it sets."""
    copy_threshold: float = 0.7
    """Estimated Jaccard similarity (5-word shingles) above which two documents are copies."""

    def fingerprint(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)


def settings_from_mapping(raw: Mapping[str, Any]) -> TimelineSettings:
    """Validated settings from a profile's `[timeline]` table; raises ValueError naming the key."""
    known = {f.name: f.type for f in fields(TimelineSettings)}
    values: dict[str, Any] = {}
    for key, value in raw.items():
        if key not in known:
            raise ValueError(f"timeline.{key}: unknown setting (known: {', '.join(sorted(known))})")
        if isinstance(value, bool):
            raise ValueError(f"timeline.{key}: must be a number")
        if known[key] == "int":
            if not isinstance(value, int) or value < 0:
                raise ValueError(f"timeline.{key}: must be a whole number ≥ 0")
        elif not isinstance(value, int | float) or not 0 <= float(value) <= 1:
            raise ValueError(f"timeline.{key}: must be a number between 0 and 1")
        values[key] = value if known[key] == "int" else float(value)
    if values.get("contested_days", 1) < 1:
        raise ValueError("timeline.contested_days: must be at least 1")
    defaults = TimelineSettings()
    floor = values.get("start_confidence", defaults.start_confidence)
    if floor > values.get("claimed_cap", defaults.claimed_cap):
        raise ValueError("timeline.start_confidence: must not be above claimed_cap (a baseline "
                         "is never surer than a report)")
    return TimelineSettings(**values)


def profile_settings(profile: Profile) -> TimelineSettings:
    """The profile's `[timeline]` overrides, or the defaults."""
    return settings_from_mapping(profile.timeline)


@dataclass(frozen=True)
class Unit:
    """An admin unit the timeline is kept for (a district, or a province when aggregating).

    `admin2` is set for units finer than districts (a hromada's raion): the
    larger areas a unit lies in are its `admin1` and `admin2`.
    """

    id: str
    name: str
    admin1: str | None
    admin2: str | None = None

    @property
    def areas(self) -> tuple[str, ...]:
        """The ids of the larger areas (below the country) this unit lies in."""
        return tuple(a for a in (self.admin1, self.admin2) if a and a != self.id)


@dataclass(frozen=True)
class BaselineEntry:
    """One row of an imported baseline file: a unit's state as of a date, and who says so."""

    unit_id: str
    state: str
    as_of: date
    source: str
    file: str
    import_id: int
    row: int

    @property
    def ref(self) -> str:
        """How intervals cite it among their evidence: `baseline:IMPORT#ROW`."""
        return f"{BASELINE_REF}{self.import_id}#{self.row}"


BASELINE_REF = "baseline:"
"""The prefix of an interval's evidence that is a baseline row, not an event."""


@dataclass(frozen=True)
class Geography:
    """What the inference rules need to know of the map besides the units themselves.

    `salient`: the units of the provincial capitals and of the national
    capital. `countries`: the ids a country-level event may carry (the
    profile's country code, the country's unit). `capital`: the national
    capital's unit, when it is not among the units being computed.
    """

    salient: frozenset[str] = frozenset()
    countries: frozenset[str] = frozenset()
    capital: Unit | None = None


@dataclass(frozen=True)
class DocumentInfo:
    """What the engine needs to know about a report: where it came from, whose copy it is."""

    id: str
    outlet: str | None = None
    published: str | None = None
    title: str | None = None
    copy_cluster: str | None = None
    """Id shared by documents that are near-duplicate copies of one story (None: its own)."""


@dataclass(frozen=True)
class Decision:
    """An analyst's correction: reject one event, or pin a unit's state over a date range."""

    kind: str  # "reject" | "pin"
    event_id: str | None = None
    unit_id: str | None = None
    state: str | None = None
    start: date | None = None
    end: date | None = None  # inclusive; None = open-ended
    note: str = ""
    id: int | None = None


@dataclass(frozen=True)
class Interval:
    """One stretch of a unit's history with the same state, status, confidence and evidence.

    `end` is inclusive (None: still holds). `since` is the first day of the
    current *state*, which may be earlier than `start` when a later report
    only changed the status or the confidence. `holder` is the actor in
    control underneath (also while the unit is contested). `rule` names the
    inference rule behind an `inferred` state (`RULES`), None otherwise.
    """

    unit_id: str
    state: str
    status: str
    start: date
    end: date | None
    since: date
    confidence: float
    event_ids: tuple[str, ...]
    reason: str
    holder: str
    rule: str | None = None

    def covers(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)

    def answer(self) -> tuple[str, str, date, float, tuple[str, ...]]:
        """What a user sees for a day inside this interval (used to compare timelines)."""
        return (self.state, self.status, self.since, self.confidence, self.event_ids)


# --- helpers over events ----------------------------------------------------------


def event_day(event: Event) -> date | None:
    if not event.date:
        return None
    try:
        return date.fromisoformat(event.date[:10])
    except ValueError:
        return None


def unit_of_event(event: Event, level: int, unit_ids: Mapping[str, Any] | set[str]) -> str | None:
    """The unit of `level` an event moves, or None (province-level or outside the units)."""
    code = getattr(event, f"admin{level}", None)
    if code and code in unit_ids:
        return str(code)
    if event.place_id in unit_ids and code is None:
        return event.place_id
    if code is None:
        # A place under a coarser unit that stands in for the missing finer ones
        # (a town in Crimea, which has no hromadas: its raion is the unit).
        for coarser in range(level - 1, 0, -1):
            found = getattr(event, f"admin{coarser}", None)
            if found and found in unit_ids:
                return str(found)
    return None


def area_of_event(event: Event, level: int, countries: Collection[str]) -> str | None:
    """The larger area an event is about as a whole (see "Larger areas"), or None.

    Its place must be the area itself: a province event carries the province
    as its place and as its `admin1`, and no finer code; a country event
    carries one of `countries` as its place and no `admin1`. A village that
    is only known to lie in a province is not its province.
    """
    for coarser in range(level - 1, 0, -1):
        code = getattr(event, f"admin{coarser}", None)
        if code and code == event.place_id:
            finer = (getattr(event, f"admin{k}", None) for k in range(coarser + 1, level + 1))
            return str(code) if not any(finer) else None
    if event.place_id in countries and not event.admin1:
        return event.place_id
    return None


def units_inside(area: str, units: Iterable[Unit], countries: Collection[str]) -> list[Unit]:
    """The units a larger area holds: all of them for the country."""
    if area in countries:
        return list(units)
    return [u for u in units if area in u.areas]


# "KABUL --", "KABUL (Reuters) -", "KABUL, 29 July 2021, (TON):", "Kabul, Aug 12 (Reuters) -":
# one to four words at the head of a sentence, an optional place or date after a comma,
# an optional agency in brackets, then a dash or a colon.
_DATELINE = re.compile(
    r"""^\s*(?P<head>[^\W\d_][\w'’.-]*(?:[ \t][^\W\d_][\w'’.-]*){0,3})
        (?:\s*,\s*[^,()\n:–—]{1,40}?)?
        (?P<agency>\s*,?\s*\([^()\n]{1,40}\))?
        \s*,?\s*(?:--|-|–|—|:)\s""", re.VERBOSE)


def _folded(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if c.isalnum())


def is_location_reference(event: Event) -> bool:
    """True when the event's place is named only in its sentence's dateline.

    A dateline is in capitals ("KABUL --") or carries an agency in brackets
    ("Kabul (Reuters) -"). Datelines are the one kind of location reference
    the timeline can tell from the sentence alone; the extractor should not
    make such events at all, and this keeps one that slips through from
    moving the map (see "Location references are never sources").
    """
    sentence = event.evidence.sentence
    found = _DATELINE.match(sentence)
    if found is None:
        return False
    head = found.group("head")
    if not (head.isupper() or found.group("agency")):
        return False
    name = _folded(event.place_name)
    if not name or _folded(head) != name:
        return False
    return name not in _folded(sentence[found.end():])


def gained_by(event: Event, profile: Profile, attacker: str | None = None) -> str | None:
    """The actor a change-of-hands event gives the place to (None: cannot tell).

    A withdrawal gives the place to the opponent the extractor named; failing
    that, to `attacker` (the side fighting for the unit at the time), or to
    the only other party of a two-party profile.
    """
    if event.kind in ("capture", "recapture", "surrender", "handover"):
        return event.actor
    if event.kind == "withdrawal":
        if event.opponent and event.opponent != event.actor:
            return event.opponent
        if attacker and attacker != event.actor:
            return attacker
        others = [a for a in profile.actor_ids if a != event.actor]
        return others[0] if len(others) == 1 else None
    return None


def _event_sort_key(event: Event) -> tuple[str, str, int]:
    return (event.date or "", event.evidence.document_id, event.evidence.start)


def _actor_name(profile: Profile, actor: str) -> str:
    try:
        return profile.actor(actor).name
    except KeyError:
        return actor


def _source_class(event: Event, holder: str, loser: str | None) -> str:
    if event.certainty == "unverified":
        return "unverified"
    if event.certainty == "confirmed":
        return "admitted"
    if loser is not None and event.source_side == loser and event.certainty != "claimed":
        return "admitted"
    if event.certainty == "reported" and event.source_side != holder:
        return "independent"
    return "claimed"


def source_groups(events: Iterable[Event],
                  documents: Mapping[str, DocumentInfo]) -> list[list[Event]]:
    """Events grouped by independent source: copies of one story, or one outlet, are one source.

    Union-find over the documents of these events only, so the count depends
    on nothing but the events being judged.
    """
    items = list(events)
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(a: str, b: str) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    # Each document is joined to its outlet and its copy cluster once, however
    # many of the events come from it (this runs for every day a holding gains
    # reports: a unit reported on for months calls it thousands of times).
    for doc in dict.fromkeys(ev.evidence.document_id for ev in items):
        node = "d:" + doc
        parent[node] = node
        info = documents.get(doc)
        if info is None:
            continue
        if info.outlet:
            key = "o:" + info.outlet.casefold()
            parent.setdefault(key, key)
            union(node, key)
        if info.copy_cluster:
            key = "c:" + info.copy_cluster
            parent.setdefault(key, key)
            union(node, key)
    groups: dict[str, list[Event]] = defaultdict(list)
    root_of: dict[str, str] = {}
    for ev in items:
        doc = ev.evidence.document_id
        root = root_of.get(doc)
        if root is None:
            root = root_of[doc] = find("d:" + doc)
        groups[root].append(ev)
    return [groups[k] for k in sorted(groups)]


def _fmt_day(day: date) -> str:
    return day.isoformat()


def _outlet(documents: Mapping[str, DocumentInfo], event: Event) -> str:
    info = documents.get(event.evidence.document_id)
    return (info.outlet if info and info.outlet else None) or event.evidence.document_id


def _who(event: Event, documents: Mapping[str, DocumentInfo]) -> str:
    source = event.source or "unattributed"
    return f"{source}, in {_outlet(documents, event)}"


# --- judging one change of hands ---------------------------------------------------------


@dataclass(frozen=True)
class Takeover:
    """What an inference rule does to the units it reaches: from `day`, `gainer` holds them.

    `area_id` is the larger area (or, for the national collapse, the
    capital's unit); `evidence` the ids of the reports the rule rests on;
    `why` the sentence `explain` shows. `gone` is set by the national
    collapse: only the units that side holds move.
    """

    day: date
    gainer: str
    rule: str
    area_id: str
    evidence: tuple[str, ...]
    confidence: float
    why: str
    gone: str | None = None


@dataclass
class _Holding:
    """Who holds the unit, since when, and everything reported about how they got it."""

    holder: str
    start: date
    how: str  # "start" | "baseline" | "change" | "inferred" | "pin"
    loser: str | None = None
    kinds: tuple[str, ...] = ()
    support: list[Event] = field(default_factory=list)
    against: list[Event] = field(default_factory=list)
    note: str = ""
    basis: BaselineEntry | None = None  # how == "baseline": the file's row
    takeover: Takeover | None = None  # how == "inferred": the rule that set it
    # The judgement of its reports, by (len(support), len(against)): both lists only grow,
    # so their lengths say whether anything new was reported since the last judgement.
    judged: dict[tuple[int, int], tuple[str, float, str]] = field(default_factory=dict)

    def judge(self, profile: Profile, documents: Mapping[str, DocumentInfo],
              settings: TimelineSettings, salient: bool) -> tuple[str, float, str]:
        key = (len(self.support), len(self.against))
        found = self.judged.get(key)
        if found is None:
            found = judge_holding(self, profile, documents, settings, salient)
            self.judged[key] = found
        return found

    @property
    def rests_on_baseline(self) -> bool:
        """No report has moved the unit or said who holds it since its baseline."""
        return self.how in ("start", "baseline") and not self.support


@dataclass
class _Contest:
    start: date
    until: date
    events: list[Event] = field(default_factory=list)
    why: str = ""
    # Its snapshot by (len(events), until, why, holder): only new reports change it.
    shown: dict[tuple[int, date, str, str], _Snapshot] = field(default_factory=dict)
    # Which events it holds, by `_event_key`: a long siege gathers thousands of
    # reports, and asking the list itself made each day's update quadratic.
    held: set[object] = field(default_factory=set)

    def add(self, found: Iterable[Event]) -> None:
        """Add the events not yet in it, in order."""
        for event in found:
            key = _event_key(event)
            if key not in self.held:
                self.held.add(key)
                self.events.append(event)


def _event_key(event: Event) -> object:
    """A stored event is known by its id; one made in memory (no id) by itself."""
    return event.id if event.id is not None else ("unstored", id(event))


@dataclass(frozen=True)
class _Snapshot:
    state: str
    status: str
    confidence: float
    event_ids: tuple[str, ...]
    reason: str
    holder: str
    rule: str | None = None


def _combine(weights: Iterable[float]) -> float:
    remaining = 1.0
    for w in weights:
        remaining *= 1.0 - w
    return 1.0 - remaining


def _clamp(value: float, floor: float = 0.05) -> float:
    """A confidence for display: at most 0.99, at least `floor` (a baseline's confidence)."""
    return round(min(0.99, max(floor, value)), 3)


def _probability_note(event: Event) -> str:
    """", probability 0.40" for a report its extractor is unsure of; nothing at 1.0."""
    return f", probability {event.probability:.2f}" if event.probability < 1.0 else ""


def judge_holding(holding: _Holding, profile: Profile, documents: Mapping[str, DocumentInfo],
                  settings: TimelineSettings, salient: bool = False) -> tuple[str, float, str]:
    """(status, confidence, reason) for a holding obtained by a change of hands.

    `salient`: the unit is a provincial or national capital, which needs an
    admission or two independent sources to be assessed (see "Salient places").
    """
    holder_name = _actor_name(profile, holding.holder)

    def classify(event: Event) -> str:
        return _source_class(event, holding.holder, holding.loser)

    best: dict[str, list[Event]] = defaultdict(list)  # the best report of each source
    heard: dict[str, list[Event]] = defaultdict(list)  # every distinct speaker, for the reason
    for group in source_groups(holding.support, documents):
        # The report of greatest weight; among equals the best kind, then the first.
        top = max(group, key=lambda e: (SUPPORT_WEIGHTS[classify(e)] * e.probability,
                                        _CLASS_RANK[classify(e)]))
        best[classify(top)].append(top)
        speakers: set[tuple[str, str]] = set()
        for ev in sorted(group, key=lambda e: -_CLASS_RANK[classify(e)]):
            cls = classify(ev)
            if (cls, ev.source or "") not in speakers:
                speakers.add((cls, ev.source or ""))
                heard[cls].append(ev)
    against_groups = source_groups(holding.against, documents)
    # A source against counts as the probability of its most likely report.
    against_tops = [max(g, key=lambda e: e.probability) for g in against_groups]
    n_independent = len(best["independent"])
    n_admitted = len(best["admitted"])
    n_against = len(against_groups)
    # The sources the status counts: those whose report is more likely than not.
    counted_admitted = sum(e.probability >= COUNTS_FROM_PROBABILITY for e in best["admitted"])
    counted_independent = sum(e.probability >= COUNTS_FROM_PROBABILITY
                              for e in best["independent"])
    counted_against = sum(e.probability >= COUNTS_FROM_PROBABILITY for e in against_tops)
    backing = counted_admitted + counted_independent
    admitted = counted_admitted > 0
    short_of_two = salient and not admitted and counted_independent < 2
    status = ASSESSED if backing > counted_against and not short_of_two else CLAIMED
    confidence = _combine(SUPPORT_WEIGHTS[c] * e.probability for c, evs in best.items()
                          for e in evs)
    if status == CLAIMED:
        confidence = min(confidence, settings.claimed_cap)
    # The product of against_factor ** probability over the sources against.
    confidence *= settings.against_factor ** sum(e.probability for e in against_tops)

    loser_name = _actor_name(profile, holding.loser) if holding.loser else "the other side"
    labels = {"admitted": f"admits it for {loser_name}", "independent": "independent report",
              "claimed": f"{holder_name}'s claim", "unverified": "unverified"}
    sources = [f"{_who(e, documents)} ({labels[cls]}{_probability_note(e)})"
               for cls in ("admitted", "independent", "claimed", "unverified")
               for e in heard[cls]]
    sources += [f"{_who(e, documents)} "
                f"({'denies it' if e.certainty == 'denied' else 'says it did not happen'}"
                f"{_probability_note(e)})"
                for e in against_tops]
    if status == ASSESSED:
        head = (f"assessed: admitted by {loser_name}" if admitted
                else f"assessed: reported by {counted_independent} independent source(s)")
        if counted_against:
            head += f", more than the {counted_against} source(s) against it"
        if n_against > counted_against:
            head += (f"; {n_against - counted_against} source(s) against it too unlikely a "
                     "reading to count")
    elif short_of_two and backing > counted_against:
        head = (f"claimed: a capital needs an admission by {loser_name} or two independent "
                f"sources; {counted_independent} independent source(s) report it")
    elif n_admitted + n_independent > n_against:  # only the probabilities keep it claimed
        head = (f"claimed: the reports may not say so ({n_admitted + n_independent} admitting "
                f"or independent source(s), {backing} of them more likely than not"
                + (f", against {counted_against} such source(s))" if n_against else ")"))
    elif against_groups:
        head = (f"claimed: denied or contradicted ({n_against} source(s) against it, "
                f"{n_admitted + n_independent} admitting or reporting it independently)")
    elif best["claimed"] and not best["independent"] and not best["unverified"]:
        head = f"claimed: only {holder_name}'s word"
    elif best["unverified"] and not best["independent"]:
        head = "claimed: unverified report"
    else:
        head = "claimed: not corroborated by enough independent sources"
    return (status, _clamp(confidence, settings.start_confidence),
            head + ". Sources: " + "; ".join(sources))


def _describe_change(holding: _Holding, profile: Profile, government: str) -> str:
    holder = _actor_name(profile, holding.holder)
    day = _fmt_day(holding.start)
    if "withdrawal" in holding.kinds and len(set(holding.kinds)) == 1:
        loser = _actor_name(profile, holding.loser) if holding.loser else "the holder"
        return f"{loser} withdrew on {day}: the unit goes to {holder}"
    if holding.holder == government and holding.loser not in (None, government):
        verb = "retaken by"
    elif "surrender" in holding.kinds:
        verb = "surrendered to"
    elif "handover" in holding.kinds:
        verb = "handed over to"
    else:
        verb = "captured by"
    text = f"{verb} {holder} on {day}"
    if "recapture" in holding.kinds and holding.holder != government:
        text += " (reported as a recapture; recapture is the government's, read as a capture)"
    return text + (f" {holding.note}" if holding.note else "")


def _contest_label(event: Event) -> str:
    if event.kind in FIGHT_KINDS:
        return event.kind
    if event.negated:
        return f"no {event.kind} by {event.actor} (negated)"
    if event.certainty == "denied":
        return f"{event.kind} by {event.actor} denied"
    return f"{event.kind} by {event.actor}, reversed or disputed"


def _contest_snapshot(contest: _Contest, holder: str, profile: Profile,
                      documents: Mapping[str, DocumentInfo],
                      settings: TimelineSettings) -> _Snapshot:
    def solid(event: Event) -> bool:
        return event.certainty in ("confirmed", "reported") and not event.negated

    def weight(event: Event) -> float:
        return (CONTEST_WEIGHT_FIRM if solid(event) else CONTEST_WEIGHT_TENTATIVE) \
            * event.probability

    weights = []
    firm = False  # a source confirms or reports it, more likely than not
    for group in source_groups(contest.events, documents):
        top = max(group, key=lambda e: (weight(e), solid(e)))
        weights.append(weight(top))
        firm = firm or (solid(top) and top.probability >= COUNTS_FROM_PROBABILITY)
    status = ASSESSED if firm else CLAIMED
    seen = sorted(contest.events, key=_event_sort_key)
    listing = "; ".join(
        f"{_contest_label(e)} reported on {e.date} ({_who(e, documents)})" for e in seen[-3:])
    if len(seen) > 3:
        listing = f"{len(seen) - 3} earlier report(s); " + listing
    reason = (f"contested: {contest.why or listing}; held by {_actor_name(profile, holder)} "
              f"underneath; contested until {_fmt_day(contest.until)} unless a change of hands "
              f"follows ({settings.contested_days} days after the last fighting)")
    if contest.why:
        reason += f"; reports: {listing}"
    return _Snapshot(CONTESTED, status, _clamp(_combine(weights), settings.start_confidence),
                     tuple(e.id or "" for e in seen), reason, holder)


# --- inference rules: larger areas and the national collapse ---------------------------------


def _rule_weight(events: Sequence[Event], gainer: str, profile: Profile,
                 documents: Mapping[str, DocumentInfo]) -> tuple[float, str]:
    """(combined weight, "who says so") of the reports an inference rule rests on.

    Sources are counted as for a change of hands: one per outlet or copy
    cluster, each by its weightiest report; a report by a side other than the
    gainer is that side's admission.
    """

    def classify(event: Event) -> str:
        side = event.source_side
        loser = side if side in profile.actor_ids and side != gainer else None
        return _source_class(event, gainer, loser)

    weights = []
    heard = []
    for group in source_groups(events, documents):
        top = max(group, key=lambda e: (SUPPORT_WEIGHTS[classify(e)] * e.probability,
                                        _CLASS_RANK[classify(e)]))
        weights.append(SUPPORT_WEIGHTS[classify(top)] * top.probability)
        heard.append(f"{_who(top, documents)} ({top.certainty}{_probability_note(top)})")
    return _combine(weights), "; ".join(heard)


def _rule_confidence(weight: float, settings: TimelineSettings) -> float:
    return _clamp(min(settings.claimed_cap, weight * settings.inferred_factor),
                  settings.start_confidence)


def area_takeovers(area_id: str, events: Sequence[Event], profile: Profile,
                   documents: Mapping[str, DocumentInfo],
                   settings: TimelineSettings) -> list[Takeover]:
    """The days a larger area was reported taken as a whole, and by whom (see "Larger areas")."""
    by_day: dict[date, list[Event]] = defaultdict(list)
    for ev in events:
        day = event_day(ev)
        if (day is None or day < profile.start_date or ev.kind not in CHANGE_KINDS
                or ev.negated or ev.certainty == "denied" or gained_by(ev, profile) is None):
            continue
        by_day[day].append(ev)
    found = []
    for day in sorted(by_day):
        day_events = sorted(by_day[day], key=_event_sort_key)
        last_word = {e.evidence.document_id: e for e in day_events}  # each report's last word
        gainers = {str(gained_by(e, profile)) for e in last_word.values()}
        if len(gainers) != 1:
            continue  # the reports disagree on who took the area: nothing is inferred that day
        gainer = gainers.pop()
        support = [e for e in day_events if gained_by(e, profile) == gainer]
        weight, sources = _rule_weight(support, gainer, profile, documents)
        kinds = {e.kind for e in support}
        verb = ("surrendered to" if kinds == {"surrender"} else "handed over to"
                if kinds == {"handover"} else "left to" if kinds == {"withdrawal"}
                else "captured by")
        why = (f"inferred (rule: larger area): {support[0].place_name} ({area_id}) reported "
               f"{verb} {_actor_name(profile, gainer)} as a whole on {_fmt_day(day)}, and no "
               f"report since names this unit. Sources: {sources}")
        found.append(Takeover(day, gainer, RULE_AREA, area_id,
                              tuple(e.id or "" for e in support),
                              _rule_confidence(weight, settings), why))
    return found


def collapse_takeover(capital: Unit, capital_intervals: Sequence[Interval],
                      collapses: Sequence[Event], profile: Profile,
                      documents: Mapping[str, DocumentInfo],
                      settings: TimelineSettings) -> Takeover | None:
    """The national collapse, if the reports show one (see "National collapse").

    The first day on which the capital is held by a side other than the
    government's and some report dated by then says the government is gone.
    """
    gone = profile.government
    signals = sorted((e for e in collapses if e.kind == "collapse" and e.actor == gone
                      and not e.negated and e.certainty != "denied"
                      and (event_day(e) or date.min) >= profile.start_date),
                     key=_event_sort_key)
    if not signals:
        return None
    days = sorted({d for d in (event_day(e) for e in signals) if d is not None}
                  | {iv.start for iv in capital_intervals})
    for day in days:
        reported = [e for e in signals if (event_day(e) or date.max) <= day]
        held = interval_on(capital_intervals, day)
        if not reported or held is None or held.state not in profile.actor_ids:
            continue
        if profile.side_of(held.state) == profile.side_of(gone):
            continue
        weight, sources = _rule_weight(reported, held.state, profile, documents)
        gone_name, winner = _actor_name(profile, gone), _actor_name(profile, held.state)
        why = (f"inferred (rule: national collapse): {capital.name} ({capital.id}), the national "
               f"capital, held by {winner} since {_fmt_day(held.since)}, and {gone_name} "
               f"reported gone by {_fmt_day(day)} ({sources}); every unit {gone_name} still "
               f"held goes to {winner}")
        evidence = tuple(dict.fromkeys([*(e.id or "" for e in reported),
                                        *(i for i in held.event_ids
                                          if not i.startswith(BASELINE_REF))]))
        confidence = _rule_confidence(held.confidence * weight, settings)
        return Takeover(day, held.state, RULE_COLLAPSE, capital.id, evidence, confidence, why,
                        gone=gone)
    return None


# --- the sweep over one unit --------------------------------------------------------------

HELD_AFTER_PIN_CONFIDENCE = 0.8
"""Confidence of a state after an analyst's pin has ended and no report has moved it since."""


def compute_unit(unit_id: str, events: Sequence[Event], profile: Profile,
                 documents: Mapping[str, DocumentInfo], decisions: Sequence[Decision] = (),
                 settings: TimelineSettings | None = None, *,
                 takeovers: Sequence[Takeover] = (), baselines: Sequence[BaselineEntry] = (),
                 salient: bool = False) -> list[Interval]:
    """One unit's intervals from its events (already filtered to this unit).

    `takeovers`: what the inference rules reaching this unit say (see
    `compute_timeline`); `baselines`: the imported baseline rows for it;
    `salient`: it is a provincial or national capital.
    """
    settings = settings or profile_settings(profile)
    government = profile.government
    start_day = profile.start_date
    floor = settings.start_confidence
    rejected = {d.event_id for d in decisions if d.kind == "reject" and d.event_id}
    pins = sorted((d for d in decisions if d.kind == "pin" and d.unit_id == unit_id
                   and d.start is not None and d.state),
                  key=lambda d: (d.start or start_day, d.id or 0))
    by_day: dict[date, list[Event]] = defaultdict(list)
    for ev in events:
        day = event_day(ev)
        # (Location references were left out by `compute_timeline`, with the other rules.)
        if day is None or day < start_day or ev.id in rejected or ev.kind == "collapse":
            continue
        by_day[day].append(ev)
    for day_events in by_day.values():
        day_events.sort(key=_event_sort_key)
    takeovers_on: dict[date, list[Takeover]] = defaultdict(list)
    for takeover in sorted(takeovers, key=lambda t: (t.day, RULES.index(t.rule), t.area_id)):
        if takeover.day >= start_day:
            takeovers_on[takeover.day].append(takeover)
    baselines_on: dict[date, list[BaselineEntry]] = defaultdict(list)
    for entry in sorted(baselines, key=lambda b: (b.import_id, b.row)):
        baselines_on[max(entry.as_of, start_day)].append(entry)

    holding = _Holding(profile.start_state, start_day, "start")
    contest: _Contest | None = None
    pending_against: list[tuple[date, Event]] = []
    intervals: list[Interval] = []
    window = timedelta(days=settings.claim_window_days)

    def snapshot(day: date) -> _Snapshot:
        pin = active_pin(day)
        if pin is not None:
            ends = f" until {_fmt_day(pin.end)}" if pin.end else ""
            note = f": {pin.note}" if pin.note else ""
            return _Snapshot(str(pin.state), ASSESSED, 1.0, (),
                             f"pinned by an analyst from {_fmt_day(pin.start or day)}{ends}{note}",
                             str(pin.state))
        if contest is not None:
            key = (len(contest.events), contest.until, contest.why, holding.holder)
            found = contest.shown.get(key)
            if found is None:
                found = _contest_snapshot(contest, holding.holder, profile, documents, settings)
                contest.shown[key] = found
            return found
        if holding.how == "change":
            status, confidence, why = holding.judge(profile, documents, settings, salient)
            ids = tuple(e.id or "" for e in sorted(holding.support + holding.against,
                                                   key=_event_sort_key))
            return _Snapshot(holding.holder, status, confidence, ids,
                             f"{_describe_change(holding, profile, government)}. {why}",
                             holding.holder)
        return _resting_snapshot(holding, profile, documents, settings, salient)

    def active_pin(day: date) -> Decision | None:
        found = None
        for pin in pins:
            if pin.start is not None and pin.start <= day and (pin.end is None or day <= pin.end):
                found = pin
        return found

    def emit(day: date, snap: _Snapshot) -> None:
        if intervals and intervals[-1].start == day:
            intervals.pop()  # the start day's own events: its first answer is replaced
            if intervals:
                intervals[-1] = replace(intervals[-1], end=None)
        if intervals:
            last = intervals[-1]
            same = (last.state, last.status, last.confidence, last.event_ids, last.reason,
                    last.holder, last.rule) == (snap.state, snap.status, snap.confidence,
                                                snap.event_ids, snap.reason, snap.holder,
                                                snap.rule)
            if same:
                return
            intervals[-1] = _ended(last, day - timedelta(days=1))
            since = last.since if last.state == snap.state else day
        else:
            since = day
        intervals.append(Interval(unit_id, snap.state, snap.status, day, None, since,
                                  max(snap.confidence, floor), snap.event_ids, snap.reason,
                                  snap.holder, snap.rule))

    def apply_baselines(day: date) -> None:
        nonlocal holding
        for entry in baselines_on.get(day, []):
            if holding.rests_on_baseline:
                holding = _Holding(entry.state, day, "baseline", basis=entry)

    def apply_takeovers(day: date, own_changes: bool) -> None:
        nonlocal holding, contest
        for takeover in takeovers_on.get(day, []):
            if takeover.gone is not None:
                if holding.holder != takeover.gone:
                    continue  # a third side's units keep their state
            elif own_changes:
                continue  # the unit's own reports of that day decide it
            elif holding.holder == takeover.gainer:
                if holding.rests_on_baseline:  # now a report speaks for the holder
                    holding = _Holding(takeover.gainer, day, "inferred", takeover=takeover)
                continue
            holding = _Holding(takeover.gainer, day, "inferred", loser=holding.holder,
                               takeover=takeover)
            contest = None  # fighting reported that day was part of the takeover

    def apply_day(day: date, day_events: list[Event]) -> bool:
        """Apply one day's own reports; True if any of them reports a change of hands."""
        nonlocal holding, contest
        attackers = [e.actor for e in (contest.events if contest else []) + day_events
                     if e.kind in FIGHT_KINDS and not e.negated and e.actor != holding.holder]
        attacker = attackers[-1] if attackers else None

        def gains(event: Event) -> str | None:
            return gained_by(event, profile, attacker)

        changes = [e for e in day_events if e.kind in CHANGE_KINDS and not e.negated
                   and e.certainty != "denied"]
        against = [e for e in day_events if e.kind in CHANGE_KINDS
                   and (e.negated or e.certainty == "denied")]
        fights = [e for e in day_events if e.kind in FIGHT_KINDS and not e.negated]
        # A withdrawal whose beneficiary cannot be told only says there was fighting.
        fights += [e for e in changes if gains(e) is None]
        changes = [e for e in changes if gains(e) is not None]
        own_changes = bool(changes)

        # ACLED's reversal rule: each report's last word of the day decides.
        last_word: dict[str, Event] = {}
        for ev in changes:  # sorted by document, then position in it
            last_word[ev.evidence.document_id] = ev
        finals = {str(gains(e)) for e in last_word.values()}
        gained = {str(gains(e)) for e in changes}
        old = holding.holder
        new_holder: str | None = None
        fight_why = ""
        if len(finals) > 1:
            fight_why = (f"conflicting reports on {_fmt_day(day)} of who holds it ("
                         + ", ".join(sorted(_actor_name(profile, a) for a in finals)) + ")")
        elif finals and next(iter(finals)) != old:
            new_holder = next(iter(finals))
        elif gained - {old}:
            fight_why = (f"a change of hands on {_fmt_day(day)} was reversed within the day: "
                         "a clash, not a capture")
        if fight_why:
            fights += changes
            changes = []

        if new_holder is not None:
            movers = [e for e in changes if gains(e) == new_holder]
            note = ""
            if len(movers) < len(changes):
                note = "(after fighting back and forth that day, only the final capture counts)"
            elif contest is not None:
                note = f"(after fighting since {_fmt_day(contest.start)})"
            kept_against = [e for d, e in pending_against
                            if gains(e) == new_holder and day - d <= window]
            holding = _Holding(new_holder, day, "change", old,
                               tuple(sorted({e.kind for e in movers})), movers, kept_against, note)
            contest = None
        elif changes:
            # Reports that the holder (still) holds it: corroboration, and the end of any
            # fighting — including fighting reported the same day, as with a change of hands.
            holding.support.extend(changes)
            contest = None
            fights = []

        for ev in against:
            target = gains(ev)
            answers_holding = holding.how == "change" and target == holding.holder
            if answers_holding and day - holding.start <= window:
                holding.against.append(ev)
            else:
                pending_against.append((day, ev))
        pending_against[:] = [(d, e) for d, e in pending_against if day - d <= window]
        unanswered = [e for d, e in pending_against if d == day]

        if fights and new_holder is None:
            until = day + timedelta(days=settings.contested_days - 1)
            if contest is None:
                contest = _Contest(day, until, [], fight_why)
            else:
                contest.until = max(contest.until, until)
                contest.why = fight_why or contest.why
            contest.add(fights)
        if contest is not None:
            # "had not entered the city": evidence about the fighting, shown with it.
            contest.add(unanswered)
        return own_changes

    # The sweep: event days, rule and baseline days, the end of each contest, pin boundaries.
    pin_days = sorted({d for p in pins for d in (
        p.start, (p.end + timedelta(days=1)) if p.end else None) if d is not None})
    days = sorted(set(by_day) | set(takeovers_on) | set(baselines_on)
                  | {d for d in pin_days if d >= start_day})
    emit(start_day, snapshot(start_day))
    i = 0
    while True:
        next_day = days[i] if i < len(days) else None
        expiry = contest.until + timedelta(days=1) if contest is not None else None
        if next_day is None and expiry is None:
            break
        if expiry is not None and (next_day is None or expiry <= next_day):
            contest = None  # the fighting ran its time without a change of hands
            if expiry != next_day:
                emit(expiry, snapshot(expiry))
                continue
        assert next_day is not None
        day = next_day
        i += 1
        pin = active_pin(day)
        if pin is not None:
            if pin.state in profile.actor_ids:
                holding = _Holding(str(pin.state), pin.start or day, "pin",
                                   note=f"{pin.state} from {_fmt_day(pin.start or day)}"
                                        + (f": {pin.note}" if pin.note else ""))
            contest = None
        else:
            apply_baselines(day)
            apply_takeovers(day, apply_day(day, by_day.get(day, [])))
        emit(day, snapshot(day))
    return intervals


def _ended(interval: Interval, end: date) -> Interval:
    """The interval with its last day set (`dataclasses.replace`, without its generic cost:
    the engine ends an interval for nearly every report)."""
    return Interval(interval.unit_id, interval.state, interval.status, interval.start, end,
                    interval.since, interval.confidence, interval.event_ids, interval.reason,
                    interval.holder, interval.rule)


def _resting_snapshot(holding: _Holding, profile: Profile,
                      documents: Mapping[str, DocumentInfo], settings: TimelineSettings,
                      salient: bool) -> _Snapshot:
    """A state that no change of hands reported for this unit set: a baseline, an inferred
    state or one held since a pin — unless later reports say the holder still holds it."""
    holder_name = _actor_name(profile, holding.holder)
    rule = None
    ids: tuple[str, ...]
    if holding.how == "start":
        status, confidence, ids = BASELINE, settings.start_confidence, ()
        why = (f"no report since the start: the start state of the profile ({profile.name}), "
               f"every unit held by {holder_name} on {_fmt_day(profile.start_date)}")
    elif holding.how == "baseline" and holding.basis is not None:
        entry = holding.basis
        status, confidence, ids = BASELINE, settings.start_confidence, (entry.ref,)
        why = (f"no report since {_fmt_day(entry.as_of)}: the baseline file {entry.file} "
               f"(row {entry.row}) gives {holder_name} as of {_fmt_day(entry.as_of)}, "
               f"source: {entry.source}")
    elif holding.how == "inferred" and holding.takeover is not None:
        takeover = holding.takeover
        status, confidence, ids, why = (INFERRED, takeover.confidence, takeover.evidence,
                                        takeover.why)
        rule = takeover.rule
    else:
        status, confidence, ids = ASSESSED, HELD_AFTER_PIN_CONFIDENCE, ()
        why = f"held since an analyst's pin ({holding.note})"
    if holding.support:
        judged, surer, reasons = holding.judge(profile, documents, settings, salient)
        reports = tuple(e.id or "" for e in sorted(holding.support + holding.against,
                                                   key=_event_sort_key))
        return _Snapshot(holding.holder, judged, max(confidence, surer), ids + reports,
                         f"{why}; {len(reports)} later report(s) that {holder_name} holds it: "
                         f"{reasons}", holding.holder)
    if status != INFERRED:
        why += "; no report since says it changed hands"
    return _Snapshot(holding.holder, status, confidence, ids, why, holding.holder, rule)


def compute_timeline(units: Sequence[Unit], events: Iterable[Event], profile: Profile,
                     documents: Mapping[str, DocumentInfo], decisions: Sequence[Decision] = (),
                     level: int = 2, settings: TimelineSettings | None = None, *,
                     baselines: Sequence[BaselineEntry] = (),
                     geography: Geography | None = None) -> dict[str, list[Interval]]:
    """Every unit's intervals: the whole engine in one call.

    `events` must hold, besides the units' own events, the events about the
    larger areas they lie in and every `collapse` event, and — for the
    national collapse — the national capital's events (its unit is
    `geography.capital` when it is not among `units`).
    """
    settings = settings or profile_settings(profile)
    geography = geography or Geography()
    countries = geography.countries | {profile.country}
    rejected = {d.event_id for d in decisions if d.kind == "reject" and d.event_id}
    capital: Unit | None = geography.capital
    for candidate in units:
        if capital is None and candidate.id == profile.national_capital:
            capital = candidate
    unit_ids = {u.id for u in units} | ({capital.id} if capital else set())
    grouped: dict[str, list[Event]] = defaultdict(list)
    by_area: dict[str, list[Event]] = defaultdict(list)
    collapses: list[Event] = []
    for ev in events:
        if ev.id in rejected or is_location_reference(ev):
            continue
        if ev.kind == "collapse":
            collapses.append(ev)
            continue
        unit = unit_of_event(ev, level, unit_ids)
        if unit is not None:
            grouped[unit].append(ev)
            continue
        area = area_of_event(ev, level, countries)
        if area is not None:
            by_area[area].append(ev)
    takeovers = {area: area_takeovers(area, found, profile, documents, settings)
                 for area, found in by_area.items()}
    rejects = [d for d in decisions if d.kind == "reject"]
    pins_by_unit: dict[str, list[Decision]] = defaultdict(list)
    for d in decisions:
        if d.kind == "pin" and d.unit_id:
            pins_by_unit[d.unit_id].append(d)
    baselines_by_unit: dict[str, list[BaselineEntry]] = defaultdict(list)
    for entry in baselines:
        baselines_by_unit[entry.unit_id].append(entry)

    def compute(unit: Unit, extra: Sequence[Takeover] = ()) -> list[Interval]:
        salient = unit.id in geography.salient
        # Capitals are never inferred (see "Larger areas" and "National collapse").
        reaching = [] if salient else [t for area in (*unit.areas, *sorted(countries))
                                       for t in takeovers.get(area, [])] + list(extra)
        return compute_unit(unit.id, grouped.get(unit.id, []), profile, documents,
                            rejects + pins_by_unit.get(unit.id, []), settings,
                            takeovers=reaching, baselines=baselines_by_unit.get(unit.id, []),
                            salient=salient)

    result: dict[str, list[Interval]] = {}
    collapse = None
    if capital is not None and collapses:
        capital_intervals = compute(capital)
        collapse = collapse_takeover(capital, capital_intervals, collapses, profile, documents,
                                     settings)
        result[capital.id] = capital_intervals
    for member in units:
        if member.id not in result:
            result[member.id] = compute(member, [collapse] if collapse is not None else [])
    return {u.id: result[u.id] for u in units}


def interval_on(intervals: Sequence[Interval], day: date) -> Interval | None:
    for interval in intervals:
        if interval.covers(day):
            return interval
    return None


@dataclass(frozen=True)
class Change:
    """A change of state between two consecutive intervals of one unit."""

    unit_id: str
    before: str
    after: str
    day: date
    interval: Interval


def changes_of(intervals: Sequence[Interval]) -> list[Change]:
    found = []
    for prev, cur in zip(intervals, intervals[1:], strict=False):
        if prev.state != cur.state:
            found.append(Change(cur.unit_id, prev.state, cur.state, cur.start, cur))
    return found


# --- aggregation to a coarser level -------------------------------------------------


def weakest_status(statuses: Iterable[str]) -> str:
    """The least sure of some statuses (see `STATUSES`); unknown ones count as claimed."""
    return min(statuses, key=lambda s: _STATUS_RANK.get(s, _STATUS_RANK[CLAIMED]),
               default=ASSESSED)


def aggregate_state(members: Sequence[Interval]) -> tuple[str, str, float, tuple[str, ...]]:
    """(state, status, confidence, event ids) of a province from its districts' intervals."""
    counts: dict[str, list[Interval]] = defaultdict(list)
    for iv in members:
        counts[iv.state].append(iv)
    total = len(members)
    state, majority = max(counts.items(), key=lambda kv: (len(kv[1]), kv[0] == CONTESTED, kv[0]))
    share = len(majority) / total
    if len(majority) * 2 > total:
        status = weakest_status(iv.status for iv in majority)
        confidence = share * sum(iv.confidence for iv in majority) / len(majority)
        ids = tuple(sorted({e for iv in majority for e in iv.event_ids}))
        return state, status, round(confidence, 3), ids
    ids = tuple(sorted({e for iv in members for e in iv.event_ids}))
    status = weakest_status(iv.status for iv in members)
    return CONTESTED, status, round(share, 3), ids


def aggregate_timeline(parent_id: str, member_intervals: Mapping[str, Sequence[Interval]],
                       ) -> list[Interval]:
    """A coarser unit's intervals from its members' (see "Aggregation" in the docstring)."""
    members = [list(ivs) for ivs in member_intervals.values() if ivs]
    if not members:
        return []
    boundaries = sorted({iv.start for ivs in members for iv in ivs})
    result: list[Interval] = []
    for day in boundaries:
        current = [iv for ivs in members for iv in ivs if iv.covers(day)]
        if not current:
            continue
        state, status, confidence, ids = aggregate_state(current)
        held = sum(1 for iv in current if iv.state == state)
        if held * 2 > len(current):
            reason = f"{held} of {len(current)} units {state}"
        else:
            reason = "split: no state holds a majority of its units"
        if result and (result[-1].state, result[-1].status, result[-1].confidence,
                       result[-1].event_ids) == (state, status, confidence, ids):
            continue
        since = day
        if result:
            last = result[-1]
            result[-1] = replace(last, end=day - timedelta(days=1))
            if last.state == state:
                since = last.since
        result.append(Interval(parent_id, state, status, day, None, since, confidence, ids,
                               reason, state))
    return result

