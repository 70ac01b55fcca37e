"""Score extracted events against hand-made gold events (../shared/eval/README.md).

This module is pure: it reads JSONL files or takes mappings, and returns an
`EvalReport`. It never touches the workspace or runs the extractor, so the same
code scores a predictions file, a live extraction run (`frontlines evaluate`)
and the accuracy gate in the test suite.

The scoring rules, as the README states them and as implemented here:

- Per report, predicted events are paired one-to-one with gold events of the
  same `kind`, the same `actor` and the same place. Same place means the same
  unit at the finest level the *gold* event names: `admin3` when it has one,
  else `admin2`, else `admin1`. A prediction in any district of a province
  therefore pairs with a province-level gold event, but a province-level
  prediction never pairs with a district-level gold event.
- Gold events of kind `other` are not scored.
- From the pairs: precision, recall and F1 overall and per kind; date accuracy
  (both dates null, or equal) and within one day (both null, or at most one
  day apart); certainty accuracy.
- The same claim predicted twice is one true and one false event, which the
  one-to-one pairing gives for free.

Decisions the README leaves open (each is also reported in the output where it
applies, so nothing is dropped silently):

- Predictions with `negated: true` are not scored. They say a thing did *not*
  happen ("had not entered the city"), and the gold convention is that such a
  sentence is not an event; scoring them as captures would punish the
  extractor for recording evidence against a capture.
- Predictions of kind `other` are not scored either (the extractor never
  emits it; if one does, it is the same "not scored" bucket as in gold), nor
  are those of kind `collapse` (a government gone as a power: about the
  country, no unit, and no gold kind).
- Predicted kinds the gold set never uses (e.g. `handover`) are scored: they
  cannot pair, so they count as false alarms, as the rules say.
- A prediction's unit at a level is its `admin1`/`admin2`/`admin3`; when that
  field is missing, its `place_id` stands in (place ids of admin units are
  their P-codes, so `place_id == "AF1905"` *is* district AF1905).
- Precision is 1.0 when nothing was predicted and recall is 1.0 when there is
  no gold (nothing claimed wrongly / nothing missed); F1 is 0.0 when both
  are 0. The pair accuracies are `None` when there are no pairs.
- Gold's actor `other` stands for any party it has no id for (the eval
  README: "e.g. anti-Taliban resistance"). A predicted actor that no gold
  event of the file names is therefore scored as `other` when the file uses
  `other` (`as_gold_actor`): a profile may well give that party an id.
- Predictions for reports that are not in the gold file are ignored with a
  warning; gold reports without any predictions count as all missed, also
  with a warning (usually a sign of mismatched report ids).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from .models import EVENT_KINDS

NOT_SCORED_KIND = "other"
# Predicted kinds no gold event can have: about no unit, so not scored.
UNSCORED_PREDICTED_KINDS: frozenset[str] = frozenset({"collapse"})
OTHER_ACTOR = "other"
GOLD_KINDS: frozenset[str] = frozenset(EVENT_KINDS) | {NOT_SCORED_KIND}
ADMIN_FIELDS: tuple[str, ...] = ("admin3", "admin2", "admin1")  # finest first
MISSING_KIND = "(missing)"


class EvalError(ValueError):
    """A gold or predictions file is unreadable or malformed; the message names file and line."""


# --- input --------------------------------------------------------------------


@dataclass(frozen=True)
class EventRef:
    """One gold or predicted event, reduced to what scoring and a reader need.

    `evidence` is the gold `quote` or the predicted `sentence`; `index` is the
    event's position in its report's list, so it can be found in the source file.
    """

    report: str
    index: int
    kind: str | None
    actor: str | None
    place: str | None
    admin1: str | None = None
    admin2: str | None = None
    admin3: str | None = None
    place_id: str | None = None
    date: str | None = None
    date_basis: str | None = None
    certainty: str | None = None
    source: str | None = None
    evidence: str | None = None
    explanation: str | None = None
    negated: bool = False

    def unit(self, level: str) -> str | None:
        """The admin unit at `level` ("admin1" …), falling back to `place_id` (see module doc)."""
        value: str | None = getattr(self, level)
        return value if value is not None else self.place_id

    @property
    def finest_level(self) -> str | None:
        """The finest admin level this event names: where gold pins its place."""
        for level in ADMIN_FIELDS:
            if getattr(self, level):
                return level
        return None

    def place_label(self) -> str:
        codes = "/".join(c for c in (self.admin1, self.admin2, self.admin3) if c)
        name = self.place or self.place_id or "?"
        return f"{name} [{codes}]" if codes else name

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class GoldReport:
    """The gold events of one report, plus the coder's notes on what was tricky."""

    id: str
    events: tuple[EventRef, ...]
    notes: str | None = None


def _opt_str(value: Any) -> str | None:
    """Predictions "may lack fields": missing, null and empty all mean unknown."""
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _parse_date(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _read_jsonl(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, object) for each non-blank line; any other content is an `EvalError`."""
    try:
        handle = path.open(encoding="utf-8")
    except OSError as exc:
        raise EvalError(f"{path}: cannot read ({exc.strerror})") from exc
    with handle:
        try:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                try:
                    data = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise EvalError(f"{path}:{number}: not valid JSON ({exc.msg})") from exc
                if not isinstance(data, dict):
                    raise EvalError(f"{path}:{number}: expected a JSON object")
                yield number, data
        except UnicodeDecodeError as exc:
            raise EvalError(f"{path}: not UTF-8 text ({exc.reason})") from exc


def _gold_event(report: str, index: int, raw: Any, where: str) -> EventRef:
    if not isinstance(raw, dict):
        raise EvalError(f"{where}: events[{index}] must be a JSON object")
    kind = raw.get("kind")
    if kind not in GOLD_KINDS:
        known = ", ".join(sorted(GOLD_KINDS))
        raise EvalError(f"{where}: events[{index}].kind {kind!r} is not one of {known}")
    values: dict[str, str | None] = {}
    for name in ("actor", "place", "admin1", "admin2", "admin3", "date", "date_basis",
                 "certainty", "source", "quote"):
        value = raw.get(name)
        if value is not None and not isinstance(value, str):
            raise EvalError(f"{where}: events[{index}].{name} must be a string or null")
        values[name] = value or None
    if kind != NOT_SCORED_KIND:
        # A scored event without these could never pair: a typo, not a hard case.
        for name in ("actor", "admin1"):
            if values[name] is None:
                raise EvalError(f"{where}: events[{index}] ({kind}) has no {name}")
    if values["date"] is not None and _parse_date(values["date"]) is None:
        raise EvalError(
            f"{where}: events[{index}].date {values['date']!r} is not a YYYY-MM-DD date"
        )
    return EventRef(
        report=report, index=index, kind=kind, actor=values["actor"], place=values["place"],
        admin1=values["admin1"], admin2=values["admin2"], admin3=values["admin3"],
        date=values["date"], date_basis=values["date_basis"], certainty=values["certainty"],
        source=values["source"], evidence=values["quote"],
    )


def gold_report(data: Mapping[str, Any], where: str = "gold") -> GoldReport:
    """One gold line (`{"id", "events", "notes"}`) checked and parsed; errors start with `where`."""
    report_id = data.get("id")
    if not isinstance(report_id, str) or not report_id:
        raise EvalError(f"{where}: missing report 'id'")
    raw_events = data.get("events")
    if not isinstance(raw_events, list):
        raise EvalError(f"{where}: 'events' must be a list")
    notes = data.get("notes")
    events = tuple(_gold_event(report_id, i, raw, where) for i, raw in enumerate(raw_events))
    return GoldReport(report_id, events, notes if isinstance(notes, str) else None)


def load_gold(path: Path | str) -> dict[str, GoldReport]:
    """Read a gold JSONL file (`{"id", "events", "notes"}` a line), in file order.

    Gold is the yardstick, so it is checked strictly: every malformed line
    raises `EvalError` naming the file and line, instead of quietly
    mis-scoring the extractor.
    """
    path = Path(path)
    reports: dict[str, GoldReport] = {}
    first_line: dict[str, int] = {}
    for number, data in _read_jsonl(path):
        report = gold_report(data, f"{path}:{number}")
        if report.id in reports:
            raise EvalError(
                f"{path}:{number}: report {report.id!r} already given on line "
                f"{first_line[report.id]}"
            )
        reports[report.id] = report
        first_line[report.id] = number
    return reports


def predicted_event(report: str, index: int, raw: Mapping[str, Any] | Any) -> EventRef:
    """A predicted event (public event dict or `Event`), tolerating missing fields."""
    if hasattr(raw, "to_dict"):
        raw = raw.to_dict()
    if not isinstance(raw, Mapping):
        raise EvalError(f"report {report!r}: event {index} is not an object")
    return EventRef(
        report=report,
        index=index,
        kind=_opt_str(raw.get("kind")),
        actor=_opt_str(raw.get("actor")),
        place=_opt_str(raw.get("place_name")),
        admin1=_opt_str(raw.get("admin1")),
        admin2=_opt_str(raw.get("admin2")),
        admin3=_opt_str(raw.get("admin3")),
        place_id=_opt_str(raw.get("place_id")),
        date=_opt_str(raw.get("date")),
        date_basis=_opt_str(raw.get("date_basis")),
        certainty=_opt_str(raw.get("certainty")),
        source=_opt_str(raw.get("source")),
        evidence=_opt_str(raw.get("sentence")),
        explanation=_opt_str(raw.get("explanation")),
        negated=bool(raw.get("negated")),
    )


def gold_actors(gold: Mapping[str, GoldReport]) -> frozenset[str]:
    """Every actor id the gold events use."""
    return frozenset(e.actor for r in gold.values() for e in r.events if e.actor)


def as_gold_actor(ref: EventRef, actors: frozenset[str]) -> EventRef:
    """A predicted actor gold has no id for is gold's `other` (see the module doc)."""
    if OTHER_ACTOR in actors and ref.actor is not None and ref.actor not in actors:
        return replace(ref, actor=OTHER_ACTOR)
    return ref


def load_predictions(path: Path | str) -> dict[str, list[dict[str, Any]]]:
    """Read `frontlines extract --corpus … --format jsonl` output: `{"document", "events"}` a line.

    A report listed twice is an error: merging the lines would double-count
    its events, and keeping one would hide the other.
    """
    path = Path(path)
    result: dict[str, list[dict[str, Any]]] = {}
    first_line: dict[str, int] = {}
    for number, data in _read_jsonl(path):
        where = f"{path}:{number}"
        report_id = data.get("document", data.get("id"))
        if not isinstance(report_id, str) or not report_id:
            raise EvalError(f"{where}: missing report id ('document')")
        if report_id in result:
            raise EvalError(
                f"{where}: report {report_id!r} already given on line {first_line[report_id]}"
            )
        events = data.get("events")
        if not isinstance(events, list) or not all(isinstance(e, dict) for e in events):
            raise EvalError(f"{where}: 'events' must be a list of objects")
        result[report_id] = events
        first_line[report_id] = number
    return result


def gold_to_predictions(gold: Mapping[str, GoldReport]) -> dict[str, list[dict[str, Any]]]:
    """Gold events in the public predicted-event shape: a sanity check scores 1.0 against gold."""
    return {
        report.id: [
            {
                "kind": e.kind, "actor": e.actor, "place_name": e.place,
                "admin1": e.admin1, "admin2": e.admin2, "admin3": e.admin3,
                "date": e.date, "date_basis": e.date_basis, "certainty": e.certainty,
                "source": e.source, "sentence": e.evidence, "document": report.id,
            }
            for e in report.events
            if e.kind != NOT_SCORED_KIND
        ]
        for report in gold.values()
    }


# --- pairing ------------------------------------------------------------------


def same_place(gold: EventRef, predicted: EventRef) -> bool:
    """Same unit at the finest level the gold event names (admin3, else admin2, else admin1)."""
    level = gold.finest_level
    return level is not None and predicted.unit(level) == getattr(gold, level)


def can_pair(gold: EventRef, predicted: EventRef) -> bool:
    return (
        gold.kind == predicted.kind
        and gold.actor == predicted.actor
        and same_place(gold, predicted)
    )


def dates_agree(gold: EventRef, predicted: EventRef) -> bool:
    """Both null, or the same day."""
    if gold.date is None or predicted.date is None:
        return gold.date is None and predicted.date is None
    g, p = _parse_date(gold.date), _parse_date(predicted.date)
    return g is not None and g == p


def dates_within_one_day(gold: EventRef, predicted: EventRef) -> bool:
    """Both null, or at most one day apart."""
    if gold.date is None or predicted.date is None:
        return gold.date is None and predicted.date is None
    g, p = _parse_date(gold.date), _parse_date(predicted.date)
    return g is not None and p is not None and abs((p - g).days) <= 1


def _max_weight_assignment(weights: Sequence[Sequence[int]]) -> list[tuple[int, int]]:
    """The (row, column) pairs of a maximum-weight matching (scipy's Hungarian
    algorithm), leaving out zero-weight cells, which stand for "may not pair"."""
    if not weights or not weights[0]:
        return []
    # Imported here: scipy costs a third of a second, and every command would pay it.
    import numpy as np
    from scipy.optimize import linear_sum_assignment

    matrix = np.asarray(weights)
    rows, cols = linear_sum_assignment(matrix, maximize=True)
    return [(int(r), int(c)) for r, c in zip(rows, cols, strict=True) if matrix[r, c] > 0]


def _components(gold: Sequence[EventRef], predicted: Sequence[EventRef],
                edges: Sequence[tuple[int, int]]) -> list[tuple[list[int], list[int]]]:
    """Connected components of the may-pair graph, so each assignment problem stays tiny."""
    parent = list(range(len(gold) + len(predicted)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for g, p in edges:
        parent[find(g)] = find(len(gold) + p)
    groups: dict[int, tuple[dict[int, None], dict[int, None]]] = {}
    for g, p in edges:  # dicts as ordered sets: deterministic, and O(1) membership
        gs, ps = groups.setdefault(find(g), ({}, {}))
        gs[g] = None
        ps[p] = None
    return [(list(gs), list(ps)) for gs, ps in groups.values()]


def match_report(gold: Sequence[EventRef], predicted: Sequence[EventRef]) -> list[tuple[int, int]]:
    """Pair one report's gold and predicted events one-to-one; return (gold, predicted) indexes.

    Pairing in the order events come would under-count: with a province-level
    gold event (any district of the province pairs with it) and a gold event
    for one district, a prediction for that district taken first by the
    province leaves the district unpaired although a full pairing exists. So
    we take a maximum matching, and among matchings of that size prefer, in
    this order, more pairs whose dates agree, more within one day, more whose
    certainty agrees: the scorer should credit the extractor with the best
    reading of its output, never depend on the order it lists events in.

    This is a lexicographic maximum-weight bipartite matching: each allowed
    pair weighs `B³ + exact·B² + near·B + certain` with B larger than any
    matching's size, so one more pair outweighs every tie-breaker. It is solved
    per connected component of the may-pair graph (in practice, one
    kind/actor/place), which keeps the O(n³) Hungarian step tiny.
    """
    edges = [
        (g, p)
        for g, gold_event in enumerate(gold)
        for p, pred_event in enumerate(predicted)
        if can_pair(gold_event, pred_event)
    ]
    pairs: list[tuple[int, int]] = []
    for gs, ps in _components(gold, predicted, edges):
        base = min(len(gs), len(ps)) + 1
        weights = [
            [
                (
                    base**3
                    + base**2 * dates_agree(gold[g], predicted[p])
                    + base * dates_within_one_day(gold[g], predicted[p])
                    + (gold[g].certainty == predicted[p].certainty)
                )
                if can_pair(gold[g], predicted[p])
                else 0
                for p in ps
            ]
            for g in gs
        ]
        pairs.extend((gs[r], ps[c]) for r, c in _max_weight_assignment(weights))
    return sorted(pairs)


# --- scores -------------------------------------------------------------------


@dataclass
class Scores:
    """True/false positives and false negatives, with the ratios derived from them."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def gold(self) -> int:
        return self.tp + self.fn

    @property
    def predicted(self) -> int:
        return self.tp + self.fp

    @property
    def precision(self) -> float:
        return self.tp / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.tp / self.gold if self.gold else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "gold": self.gold, "predicted": self.predicted,
            "tp": self.tp, "fp": self.fp, "fn": self.fn,
            "precision": self.precision, "recall": self.recall, "f1": self.f1,
        }


@dataclass(frozen=True)
class Pair:
    """A gold event and the prediction paired with it, with what they agree on."""

    gold: EventRef
    predicted: EventRef
    date_agrees: bool
    date_within_one_day: bool
    certainty_agrees: bool

    @property
    def report(self) -> str:
        return self.gold.report

    @property
    def date_delta_days(self) -> int | None:
        g, p = _parse_date(self.gold.date), _parse_date(self.predicted.date)
        return (p - g).days if g is not None and p is not None else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "report": self.report,
            "gold": self.gold.to_dict(),
            "predicted": self.predicted.to_dict(),
            "date_agrees": self.date_agrees,
            "date_within_one_day": self.date_within_one_day,
            "date_delta_days": self.date_delta_days,
            "certainty_agrees": self.certainty_agrees,
        }


def _ratio(count: int, total: int) -> float | None:
    return count / total if total else None


def _kind_order(kind: str) -> tuple[int, str]:
    return (EVENT_KINDS.index(kind), kind) if kind in EVENT_KINDS else (len(EVENT_KINDS), kind)


@dataclass
class EvalReport:
    """Everything `frontlines evaluate` prints: scores, and every miss and false alarm."""

    reports: int = 0
    overall: Scores = field(default_factory=Scores)
    per_kind: dict[str, Scores] = field(default_factory=dict)
    pairs: list[Pair] = field(default_factory=list)
    misses: list[EventRef] = field(default_factory=list)
    false_alarms: list[EventRef] = field(default_factory=list)
    not_scored: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    notes: dict[str, str] = field(default_factory=dict)  # gold notes, by report

    @property
    def date_accuracy(self) -> float | None:
        return _ratio(sum(p.date_agrees for p in self.pairs), len(self.pairs))

    @property
    def date_within_one_day(self) -> float | None:
        return _ratio(sum(p.date_within_one_day for p in self.pairs), len(self.pairs))

    @property
    def certainty_accuracy(self) -> float | None:
        return _ratio(sum(p.certainty_agrees for p in self.pairs), len(self.pairs))

    @property
    def date_disagreements(self) -> list[Pair]:
        return [p for p in self.pairs if not p.date_agrees]

    @property
    def certainty_disagreements(self) -> list[Pair]:
        return [p for p in self.pairs if not p.certainty_agrees]

    def to_dict(self) -> dict[str, Any]:
        pairs = len(self.pairs)
        return {
            "reports": self.reports,
            "overall": self.overall.to_dict(),
            "per_kind": {kind: s.to_dict() for kind, s in self.per_kind.items()},
            "pairs": pairs,
            "date_accuracy": self.date_accuracy,
            "date_within_one_day": self.date_within_one_day,
            "certainty_accuracy": self.certainty_accuracy,
            "date_agree_count": sum(p.date_agrees for p in self.pairs),
            "date_within_one_day_count": sum(p.date_within_one_day for p in self.pairs),
            "certainty_agree_count": sum(p.certainty_agrees for p in self.pairs),
            "not_scored": dict(self.not_scored),
            "warnings": list(self.warnings),
            "misses": [e.to_dict() for e in self.misses],
            "false_alarms": [e.to_dict() for e in self.false_alarms],
            "date_disagreements": [p.to_dict() for p in self.date_disagreements],
            "certainty_disagreements": [p.to_dict() for p in self.certainty_disagreements],
        }


Predictions = Mapping[str, Sequence[Any]] | Iterable[tuple[str, Sequence[Any]]]


def _prediction_items(predictions: Predictions) -> Iterator[tuple[str, Sequence[Any]]]:
    if isinstance(predictions, Mapping):
        yield from predictions.items()
    else:
        yield from predictions


def score(gold: Mapping[str, GoldReport], predictions: Predictions) -> EvalReport:
    """Score predictions (report id → events, as dicts or `Event`s) against gold.

    `predictions` may also be an iterable of (report id, events), such as what
    the extractor yields over a corpus; a report given twice is an error.
    """
    by_report: dict[str, list[EventRef]] = {}
    not_scored = {"gold_other": 0, "predicted_other": 0, "predicted_negated": 0}
    ignored_reports: list[str] = []
    actors = gold_actors(gold)
    for report_id, events in _prediction_items(predictions):
        if report_id in by_report:
            raise EvalError(f"predictions: report {report_id!r} given twice")
        refs = [as_gold_actor(predicted_event(report_id, i, raw), actors) for i, raw in enumerate(events)]
        if report_id not in gold:
            ignored_reports.append(report_id)
            by_report[report_id] = []
            continue
        kept = []
        for ref in refs:
            if ref.negated:
                not_scored["predicted_negated"] += 1
            elif ref.kind == NOT_SCORED_KIND or ref.kind in UNSCORED_PREDICTED_KINDS:
                not_scored["predicted_other"] += 1
            else:
                kept.append(ref)
        by_report[report_id] = kept

    result = EvalReport(reports=len(gold))
    unpredicted = [r for r in gold if r not in by_report]
    for report in gold.values():
        if report.notes:
            result.notes[report.id] = report.notes
        scored = [e for e in report.events if e.kind != NOT_SCORED_KIND]
        not_scored["gold_other"] += len(report.events) - len(scored)
        predicted = by_report.get(report.id, [])
        pairs = match_report(scored, predicted)
        paired_gold = {g for g, _ in pairs}
        paired_pred = {p for _, p in pairs}
        for g, p in pairs:
            ge, pe = scored[g], predicted[p]
            result.pairs.append(
                Pair(ge, pe, dates_agree(ge, pe), dates_within_one_day(ge, pe),
                     ge.certainty == pe.certainty)
            )
        result.misses.extend(e for i, e in enumerate(scored) if i not in paired_gold)
        result.false_alarms.extend(e for i, e in enumerate(predicted) if i not in paired_pred)

    counts: dict[str, Scores] = {}
    for pair in result.pairs:
        counts.setdefault(pair.gold.kind or MISSING_KIND, Scores()).tp += 1
    for event in result.misses:
        counts.setdefault(event.kind or MISSING_KIND, Scores()).fn += 1
    for event in result.false_alarms:
        counts.setdefault(event.kind or MISSING_KIND, Scores()).fp += 1
    result.per_kind = {k: counts[k] for k in sorted(counts, key=_kind_order)}
    result.overall = Scores(
        tp=len(result.pairs), fp=len(result.false_alarms), fn=len(result.misses)
    )
    result.not_scored = {k: v for k, v in not_scored.items() if v}

    if ignored_reports:
        shown = ", ".join(ignored_reports[:5]) + (" …" if len(ignored_reports) > 5 else "")
        result.warnings.append(
            f"{len(ignored_reports)} predicted report(s) not in the gold file, ignored: {shown}"
        )
    if unpredicted:
        shown = ", ".join(unpredicted[:5]) + (" …" if len(unpredicted) > 5 else "")
        result.warnings.append(
            f"{len(unpredicted)} gold report(s) have no predictions (all their events "
            f"count as missed): {shown}"
        )
    return result


def score_files(corpus_predictions: Path | str | Predictions, gold_path: Path | str) -> EvalReport:
    """Score a predictions JSONL file, or (report id, events) pairs, against a gold file.

    Meant for the accuracy gate: `score_files(extract_corpus(...), gold).overall.f1`.
    """
    gold = load_gold(gold_path)
    if isinstance(corpus_predictions, str | Path):
        return score(gold, load_predictions(corpus_predictions))
    return score(gold, corpus_predictions)


# --- calibration ----------------------------------------------------------------


@dataclass(frozen=True)
class ReliabilityBin:
    """Events whose probability fell in [low, high): how many, and how many were right."""

    low: float
    high: float
    events: int
    mean_probability: float | None
    observed: float | None  # share of them that gold has

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Calibration:
    """Do the events' probabilities mean what they say? The Brier score (mean
    squared gap between probability and outcome; 0 is perfect, 0.25 is a coin)
    and a reliability table: in a well calibrated extractor, events given 0.7
    are right 70 % of the time."""

    brier: float | None
    events: int
    bins: tuple[ReliabilityBin, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"brier": self.brier, "events": self.events, "bins": [b.to_dict() for b in self.bins]}


def calibration(points: Sequence[tuple[float, bool]], bins: int = 10) -> Calibration:
    """Calibration of (probability, was it a gold event) points."""
    if not points:
        return Calibration(None, 0, ())
    brier = sum((p - float(y)) ** 2 for p, y in points) / len(points)
    table = []
    for b in range(bins):
        low, high = b / bins, (b + 1) / bins
        inside = [(p, y) for p, y in points if low <= p < high or (b == bins - 1 and p == 1.0)]
        table.append(
            ReliabilityBin(
                low, high, len(inside),
                round(sum(p for p, _ in inside) / len(inside), 3) if inside else None,
                round(sum(y for _, y in inside) / len(inside), 3) if inside else None,
            )
        )
    return Calibration(round(brier, 4), len(points), tuple(table))


def format_calibration(cal: Calibration) -> str:
    if cal.brier is None:
        return "calibration: no candidate events\n"
    lines = [
        f"calibration over {cal.events} candidate events (all probabilities, before the threshold): "
        f"Brier score {cal.brier:.4f}",
        f"{'probability':<14}{'events':>8}{'mean p':>9}{'observed':>10}",
    ]
    for b in cal.bins:
        if not b.events:
            continue
        lines.append(
            f"{f'{b.low:.1f}-{b.high:.1f}':<14}{b.events:>8}{b.mean_probability:>9.3f}{b.observed:>10.3f}"
        )
    return "\n".join(lines) + "\n"


def format_sets(reports: Mapping[str, EvalReport]) -> str:
    """One line of scores per set (and overall), for reports scored set by set."""
    header = (
        f"{'set':<14}{'reports':>8}{'gold':>6}{'pred':>6}{'TP':>6}{'FP':>6}{'FN':>6}"
        f"{'precision':>11}{'recall':>8}{'F1':>8}{'date±1':>8}"
    )
    lines = [header, "-" * len(header)]
    for name, report in reports.items():
        o = report.overall
        near = report.date_within_one_day
        lines.append(
            f"{name:<14}{report.reports:>8}{o.gold:>6}{o.predicted:>6}{o.tp:>6}{o.fp:>6}{o.fn:>6}"
            f"{o.precision:>11.3f}{o.recall:>8.3f}{o.f1:>8.3f}{_fmt_ratio(near):>8}"
        )
    return "\n".join(lines) + "\n"


# --- text ---------------------------------------------------------------------


def _fmt_ratio(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def _quoted(text: str | None) -> str:
    return f'"{" ".join(text.split())}"' if text else "(no sentence)"


def _describe(event: EventRef) -> str:
    date_text = event.date or "no date"
    if event.date_basis:
        date_text += f" ({event.date_basis})"
    parts = [
        event.kind or "?kind", event.actor or "?actor", event.place_label(), date_text,
        event.certainty or "?certainty",
    ]
    if event.source:
        parts.append(f"source: {event.source}")
    return " · ".join(parts)


def _could_be(alarm: EventRef, misses: Sequence[EventRef]) -> list[EventRef]:
    """Missed gold events at the same place as a false alarm: usually a wrong kind or actor."""
    return [m for m in misses if same_place(m, alarm)]


def format_text(report: EvalReport) -> str:
    """The report a developer reads to improve the extractor.

    Scores first, then, report by report, what was missed (`-`) next to what
    was wrongly found (`+`) with their sentences: a miss and a false alarm at
    the same place usually mean a wrong kind or actor, and are marked so.
    Then pairs whose date or certainty is wrong.
    """
    lines: list[str] = []
    o = report.overall
    lines.append(
        f"Scored {report.reports} report(s): {o.gold} gold event(s), "
        f"{o.predicted} predicted, {len(report.pairs)} paired."
    )
    lines.append("")
    header = f"{'kind':<12}{'gold':>6}{'pred':>6}{'TP':>6}{'FP':>6}{'FN':>6}"
    header += f"{'precision':>11}{'recall':>8}{'F1':>8}"
    lines.append(header)
    lines.append("-" * len(header))

    def row(name: str, s: Scores) -> str:
        return (
            f"{name:<12}{s.gold:>6}{s.predicted:>6}{s.tp:>6}{s.fp:>6}{s.fn:>6}"
            f"{s.precision:>11.3f}{s.recall:>8.3f}{s.f1:>8.3f}"
        )

    lines.append(row("overall", o))
    for kind, s in report.per_kind.items():
        lines.append(row(kind, s))
    lines.append("")
    pairs = len(report.pairs)
    agree = sum(p.date_agrees for p in report.pairs)
    near = sum(p.date_within_one_day for p in report.pairs)
    sure = sum(p.certainty_agrees for p in report.pairs)
    lines.append(f"date accuracy        {_fmt_ratio(report.date_accuracy):>6}  ({agree}/{pairs})")
    lines.append(
        f"date within one day  {_fmt_ratio(report.date_within_one_day):>6}  ({near}/{pairs})"
    )
    lines.append(
        f"certainty accuracy   {_fmt_ratio(report.certainty_accuracy):>6}  ({sure}/{pairs})"
    )
    if report.not_scored:
        lines.append(
            "not scored: " + ", ".join(f"{k.replace('_', ' ')} {v}"
                                        for k, v in report.not_scored.items())
        )
    for warning in report.warnings:
        lines.append(f"warning: {warning}")

    by_report: dict[str, tuple[list[EventRef], list[EventRef]]] = {}
    for event in report.misses:
        by_report.setdefault(event.report, ([], []))[0].append(event)
    for event in report.false_alarms:
        by_report.setdefault(event.report, ([], []))[1].append(event)
    lines.append("")
    lines.append(
        f"== Misses (-) and false alarms (+) by report: {len(report.misses)} missed, "
        f"{len(report.false_alarms)} false =="
    )
    if not by_report:
        lines.append("none")
    for report_id, (misses, alarms) in by_report.items():
        lines.append("")
        lines.append(f"[{report_id}] {len(misses)} missed, {len(alarms)} false")
        if report_id in report.notes:
            lines.append(f"  gold notes: {' '.join(report.notes[report_id].split())}")
        for event in misses:
            lines.append(f"  - {_describe(event)}")
            lines.append(f"      {_quoted(event.evidence)}")
        for event in alarms:
            lines.append(f"  + {_describe(event)}")
            lines.append(f"      {_quoted(event.evidence)}")
            for miss in _could_be(event, misses):
                lines.append(f"      same place as missed gold: {miss.kind} by {miss.actor}")
            if event.explanation:
                lines.append(f"      why: {' '.join(event.explanation.split())}")

    def pair_lines(title: str, items: list[Pair], detail: str) -> None:
        lines.append("")
        lines.append(f"== {title}: {len(items)} ==")
        if not items:
            lines.append("none")
        for pair in items:
            g, p = pair.gold, pair.predicted
            if detail == "date":
                delta = pair.date_delta_days
                shift = f", off by {delta:+d} day(s)" if delta is not None else ""
                what = (
                    f"gold {g.date or 'null'} ({g.date_basis or '?'}), "
                    f"predicted {p.date or 'null'} ({p.date_basis or '?'}){shift}"
                )
            else:
                what = (
                    f"gold {g.certainty or 'null'} (source: {g.source or '?'}), "
                    f"predicted {p.certainty or 'null'} (source: {p.source or '?'})"
                )
            lines.append(f"[{g.report}] {g.kind} by {g.actor}, {g.place_label()}: {what}")
            lines.append(f"      gold:      {_quoted(g.evidence)}")
            lines.append(f"      predicted: {_quoted(p.evidence)}")

    pair_lines("Date disagreements (paired events)", report.date_disagreements, "date")
    pair_lines("Certainty disagreements (paired events)", report.certainty_disagreements,
               "certainty")
    return "\n".join(lines) + "\n"
