"""The timeline engine: stored events → who holds each admin unit, day by day.

Pure functions over plain data (units, events, document facts, analyst
decisions, the profile and `TimelineSettings`). No database in here: the
store layer (`timeline_store.py`) loads the inputs, calls `compute_timeline`
and caches the intervals it returns.

The output, per unit, is a gap-free sequence of `Interval`s from the
profile's start date on: a `state` (an actor id, `contested` or `unknown`), a
`status` (`assessed` or `claimed`), a `confidence` in [0, 1], the ids of the
events behind it and the `reason`, a sentence saying why.

The rules (each has a scenario test in tests/test_timeline.py)
----------------------------------------------------------------

Units and places
    The units are the finest admin level the workspace's boundaries have
    (districts — admin2 — for Afghanistan; admin3 where the boundaries go
    deeper). An event moves the unit of that level that contains its place
    (`event.admin2` for districts). An event at a provincial capital already
    carries the capital's district, so it moves that district. A
    province-level event alone (no district known) moves no unit: recolouring
    every district of a province on the strength of "fighting in Kunduz
    province" would invent control we have no evidence for. Such events are
    shown by `explain` for the province but never change a district.

Start state
    Every unit starts in the profile's start state on the profile's start
    date. Events dated before the start date are superseded by it.

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
    capped at 0.6, and each source against multiplies it by 0.7. The start
    state has `start_confidence` (0.8: the profile's premise, not a report).

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

Analyst decisions
    A rejected event is ignored everywhere. A pin forces a state over a date
    range (status `assessed`, confidence 1): events dated inside the pin are
    overridden, and after the pin the unit is held by the pinned actor until
    events say otherwise.

Aggregation (`--level 1`)
    A province takes the state held by a strict majority of its districts;
    without one it is `contested` (split). Its status is `assessed` when all
    the districts of the majority are assessed, and its confidence is the
    majority's share of the districts times their mean confidence (for a
    split province: the share of its most common state).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields, replace
from datetime import date, timedelta
from typing import Any

from .models import Event
from .profile import Profile

# Part of the cache fingerprint: bump it whenever a rule changes, so every
# workspace's cached intervals are rebuilt on the next read.
ENGINE_VERSION = "timeline.v2"  # v2: evidence weighed by probability

CHANGE_KINDS = frozenset({"capture", "recapture", "surrender", "withdrawal", "handover"})
FIGHT_KINDS = frozenset({"siege", "clash"})
CONTESTED = "contested"
UNKNOWN = "unknown"
ASSESSED = "assessed"
CLAIMED = "claimed"

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
    start_confidence: float = 0.8
    claimed_cap: float = 0.6
    against_factor: float = 0.7
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
    return TimelineSettings(**values)


def profile_settings(profile: Profile) -> TimelineSettings:
    """The profile's `[timeline]` overrides, or the defaults."""
    return settings_from_mapping(profile.timeline)


@dataclass(frozen=True)
class Unit:
    """An admin unit the timeline is kept for (a district, or a province when aggregating)."""

    id: str
    name: str
    admin1: str | None


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
    control underneath (also while the unit is contested).
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
    return None


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

    for ev in items:
        doc = ev.evidence.document_id
        info = documents.get(doc)
        parent.setdefault("d:" + doc, "d:" + doc)
        for key in (
            ("o:" + info.outlet.casefold()) if info and info.outlet else None,
            ("c:" + info.copy_cluster) if info and info.copy_cluster else None,
        ):
            if key:
                parent.setdefault(key, key)
                union("d:" + doc, key)
    groups: dict[str, list[Event]] = defaultdict(list)
    for ev in items:
        groups[find("d:" + ev.evidence.document_id)].append(ev)
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


@dataclass
class _Holding:
    """Who holds the unit, since when, and everything reported about how they got it."""

    holder: str
    start: date
    how: str  # "start" | "change" | "pin"
    loser: str | None = None
    kinds: tuple[str, ...] = ()
    support: list[Event] = field(default_factory=list)
    against: list[Event] = field(default_factory=list)
    note: str = ""


@dataclass
class _Contest:
    start: date
    until: date
    events: list[Event] = field(default_factory=list)
    why: str = ""


@dataclass(frozen=True)
class _Snapshot:
    state: str
    status: str
    confidence: float
    event_ids: tuple[str, ...]
    reason: str
    holder: str


def _combine(weights: Iterable[float]) -> float:
    remaining = 1.0
    for w in weights:
        remaining *= 1.0 - w
    return 1.0 - remaining


def _clamp(value: float) -> float:
    return round(min(0.99, max(0.05, value)), 3)


def _probability_note(event: Event) -> str:
    """", probability 0.40" for a report its extractor is unsure of; nothing at 1.0."""
    return f", probability {event.probability:.2f}" if event.probability < 1.0 else ""


def judge_holding(holding: _Holding, profile: Profile, documents: Mapping[str, DocumentInfo],
                  settings: TimelineSettings) -> tuple[str, float, str]:
    """(status, confidence, reason) for a holding obtained by a change of hands."""
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
    status = ASSESSED if backing > counted_against else CLAIMED
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
    return status, _clamp(confidence), head + ". Sources: " + "; ".join(sources)


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
    return _Snapshot(CONTESTED, status, _clamp(_combine(weights)),
                     tuple(e.id or "" for e in seen), reason, holder)


# --- the sweep over one unit --------------------------------------------------------------


def compute_unit(unit_id: str, events: Sequence[Event], profile: Profile,
                 documents: Mapping[str, DocumentInfo], decisions: Sequence[Decision] = (),
                 settings: TimelineSettings | None = None) -> list[Interval]:
    """One unit's intervals from its events (already filtered to this unit)."""
    settings = settings or profile_settings(profile)
    government = profile.government
    start_day = profile.start_date
    rejected = {d.event_id for d in decisions if d.kind == "reject" and d.event_id}
    pins = sorted((d for d in decisions if d.kind == "pin" and d.unit_id == unit_id
                   and d.start is not None and d.state),
                  key=lambda d: (d.start or start_day, d.id or 0))
    by_day: dict[date, list[Event]] = defaultdict(list)
    for ev in events:
        day = event_day(ev)
        if day is None or day < start_day or ev.id in rejected:
            continue
        by_day[day].append(ev)
    for day_events in by_day.values():
        day_events.sort(key=_event_sort_key)

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
            return _contest_snapshot(contest, holding.holder, profile, documents, settings)
        if holding.how in ("start", "pin"):
            if holding.how == "start":
                why = (f"start state of the profile ({profile.name}): every unit held by "
                       f"{_actor_name(profile, holding.holder)} on {_fmt_day(start_day)}")
            else:
                why = f"held since an analyst's pin ({holding.note})"
            ids = tuple(e.id or "" for e in sorted(holding.support, key=_event_sort_key))
            if ids:
                why += f"; {len(ids)} later report(s) that it still holds it"
            return _Snapshot(holding.holder, ASSESSED, settings.start_confidence, ids,
                             why + "; no report since says it changed hands", holding.holder)
        status, confidence, why = judge_holding(holding, profile, documents, settings)
        ids = tuple(e.id or "" for e in sorted(holding.support + holding.against,
                                               key=_event_sort_key))
        return _Snapshot(holding.holder, status, confidence, ids,
                         f"{_describe_change(holding, profile, government)}. {why}",
                         holding.holder)

    def active_pin(day: date) -> Decision | None:
        found = None
        for pin in pins:
            if pin.start is not None and pin.start <= day and (pin.end is None or day <= pin.end):
                found = pin
        return found

    def emit(day: date, snap: _Snapshot) -> None:
        if intervals:
            last = intervals[-1]
            same = (last.state, last.status, last.confidence, last.event_ids, last.reason,
                    last.holder) == (snap.state, snap.status, snap.confidence, snap.event_ids,
                                     snap.reason, snap.holder)
            if same:
                return
            intervals[-1] = replace(last, end=day - timedelta(days=1))
            since = last.since if last.state == snap.state else day
        else:
            since = day
        intervals.append(Interval(unit_id, snap.state, snap.status, day, None, since,
                                  snap.confidence, snap.event_ids, snap.reason, snap.holder))

    def apply_day(day: date, day_events: list[Event]) -> None:
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
            contest.events.extend(e for e in fights if e not in contest.events)
        if contest is not None:
            # "had not entered the city": evidence about the fighting, shown with it.
            contest.events.extend(e for e in unanswered if e not in contest.events)

    # The sweep: event days, the end of each contest, and pin boundaries.
    pin_days = sorted({d for p in pins for d in (
        p.start, (p.end + timedelta(days=1)) if p.end else None) if d is not None})
    days = sorted(set(by_day) | {d for d in pin_days if d >= start_day})
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
            apply_day(day, by_day.get(day, []))
        emit(day, snapshot(day))
    return intervals


def group_events_by_unit(events: Iterable[Event], unit_ids: set[str],
                         level: int) -> dict[str, list[Event]]:
    grouped: dict[str, list[Event]] = defaultdict(list)
    for ev in events:
        unit = unit_of_event(ev, level, unit_ids)
        if unit is not None:
            grouped[unit].append(ev)
    return grouped


def compute_timeline(units: Sequence[Unit], events: Iterable[Event], profile: Profile,
                     documents: Mapping[str, DocumentInfo], decisions: Sequence[Decision] = (),
                     level: int = 2, settings: TimelineSettings | None = None,
                     ) -> dict[str, list[Interval]]:
    """Every unit's intervals: the whole engine in one call."""
    settings = settings or profile_settings(profile)
    unit_ids = {u.id for u in units}
    grouped = group_events_by_unit(events, unit_ids, level)
    rejects = [d for d in decisions if d.kind == "reject"]
    pins_by_unit: dict[str, list[Decision]] = defaultdict(list)
    for d in decisions:
        if d.kind == "pin" and d.unit_id:
            pins_by_unit[d.unit_id].append(d)
    return {
        u.id: compute_unit(u.id, grouped.get(u.id, []), profile, documents,
                           rejects + pins_by_unit.get(u.id, []), settings)
        for u in units
    }


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


def aggregate_state(members: Sequence[Interval]) -> tuple[str, str, float, tuple[str, ...]]:
    """(state, status, confidence, event ids) of a province from its districts' intervals."""
    counts: dict[str, list[Interval]] = defaultdict(list)
    for iv in members:
        counts[iv.state].append(iv)
    total = len(members)
    state, majority = max(counts.items(), key=lambda kv: (len(kv[1]), kv[0] == CONTESTED, kv[0]))
    share = len(majority) / total
    if len(majority) * 2 > total:
        status = ASSESSED if all(iv.status == ASSESSED for iv in majority) else CLAIMED
        confidence = share * sum(iv.confidence for iv in majority) / len(majority)
        ids = tuple(sorted({e for iv in majority for e in iv.event_ids}))
        return state, status, round(confidence, 3), ids
    ids = tuple(sorted({e for iv in members for e in iv.event_ids}))
    status = ASSESSED if all(iv.status == ASSESSED for iv in members) else CLAIMED
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

