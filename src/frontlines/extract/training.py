"""Learning the decision from gold, and measuring it on reports it was not fitted on.

Training data are the frames the first five stages propose for gold reports,
each labelled with the class of the gold event it states ("none" when it
states none). A frame states a gold event when its place is the gold
event's unit (at the finest level gold names) and its sentence holds the gold
quote; a frame restating the same event elsewhere in the report (a headline
repeated in the body) is labelled so too.

`cross_validate` splits the reports into K folds (never a report in two),
fits a model on K-1 of them and decides the frames of the held fold with it:
every figure it returns was measured on reports the model never saw.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..evaluate import (
    NOT_SCORED_KIND,
    Calibration,
    EvalError,
    EvalReport,
    EventRef,
    GoldReport,
    as_gold_actor,
    calibration,
    gold_actors,
    load_gold,
    match_report,
    predicted_event,
    score,
)
from ..models import Document, Event, Place
from .decision import Candidate, LogisticDecision, choose
from .model import NONE_CLASS, DecisionModel, files_digest, train
from .staged import StagedExtractor
from .teaching import TEACHING_WEIGHT, teaching_examples

GOLD_CLASS = {
    "capture": "gain",
    "recapture": "gain",
    "handover": "gain",
    "siege": "siege",
    "clash": "clash",
    "surrender": "surrender",
    "withdrawal": "withdrawal",
}


@dataclass(frozen=True)
class GoldSet:
    """A set of gold reports: a gold file and the corpus its ids refer to."""

    name: str
    gold: Path
    corpus: Path

    @classmethod
    def beside(cls, gold: Path, corpus: Path | None = None) -> GoldSet:
        """A gold file with its corpus (by default `corpus.jsonl` in the same folder);
        the set is named after the folder."""
        corpus = corpus or gold.with_name("corpus.jsonl")
        return cls(gold.parent.name or gold.stem, gold, corpus)


@dataclass
class LabelledReport:
    set_name: str
    document: Document
    gold: GoldReport
    candidates: list[Candidate]
    labels: list[str]


def read_gold_set(gold_set: GoldSet) -> list[tuple[Document, GoldReport]]:
    """The gold reports of a set with their documents; a gold id the corpus lacks
    is an error naming its line."""
    from ..sources.documents import SourceError, read_source

    gold = load_gold(gold_set.gold)
    if not gold_set.corpus.is_file():
        raise EvalError(f"{gold_set.gold}: its corpus {gold_set.corpus} does not exist (give --corpus)")
    documents: dict[str, Document] = {}
    for item in read_source(gold_set.corpus):
        if isinstance(item, SourceError):
            raise EvalError(str(item))
        if isinstance(item, Document):
            documents[item.id] = item
    lines = {report_id: number for number, report_id in enumerate(gold, start=1)}
    pairs = []
    for report_id, report in gold.items():
        if report_id not in documents:
            raise EvalError(
                f"{gold_set.gold}:{_line_of(gold_set.gold, report_id, lines[report_id])}: "
                f"report {report_id!r} is not in the corpus {gold_set.corpus}"
            )
        pairs.append((documents[report_id], report))
    return pairs


def _line_of(path: Path, report_id: str, fallback: int) -> int:
    """The line of a report id in a gold file (blank lines count)."""
    needle = f'"{report_id}"'
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if needle in line:
                return number
    return fallback


def _unit_at(place: Place, level: str) -> str | None:
    if place.level == level:
        return place.id
    value: str | None = getattr(place, level, None)
    return value


def _states(place: Place, gold: EventRef) -> bool:
    level = gold.finest_level
    return level is not None and _unit_at(place, level) == getattr(gold, level)


def _locate(quote: str | None, text: str) -> tuple[int, int] | None:
    if not quote:
        return None
    at = text.find(quote)
    if at < 0:
        at = text.lower().find(quote.lower())
    return (at, at + len(quote)) if at >= 0 else None


def label_candidates(document: Document, gold: GoldReport, candidates: Sequence[Candidate]) -> list[str]:
    """The class each candidate frame states according to gold ("none" if none)."""
    labels = [NONE_CLASS] * len(candidates)
    for event in gold.events:
        wanted = GOLD_CLASS.get(event.kind or "")
        if wanted is None:
            continue
        same_place = [i for i, c in enumerate(candidates) if _states(c.frame.place, event)]
        if not same_place:
            continue
        span = _locate(event.evidence, document.text)
        local: list[int] = []
        if span is not None:
            local = [
                i
                for i in same_place
                if candidates[i].frame.sentence.start < span[1] and span[0] < candidates[i].frame.sentence.end
            ]
        chosen: list[int] = []
        if local:
            compatible = [i for i in local if candidates[i].frame.trigger_class == wanted]
            inside = [
                i
                for i in local
                if span is not None
                and span[0]
                <= candidates[i].frame.sentence.start + candidates[i].frame.trigger.start
                < span[1]
            ]
            chosen = compatible or inside or [min(local, key=lambda i: _distance(candidates[i], span))]
        # The same statement elsewhere in the report (a headline repeated in the
        # body, a summary at the end) states the same event.
        chosen += [
            i
            for i in same_place
            if i not in local
            and candidates[i].frame.trigger_class == wanted
            and candidates[i].frame.selected
            and (wanted != "gain" or candidates[i].frame.rule_kind == event.kind)
        ]
        for i in chosen:
            if labels[i] == NONE_CLASS:
                labels[i] = wanted
    return labels


def _distance(candidate: Candidate, span: tuple[int, int] | None) -> int:
    if span is None:
        return 0
    at = candidate.frame.sentence.start + candidate.frame.trigger.start
    return 0 if span[0] <= at < span[1] else min(abs(at - span[0]), abs(at - span[1]))


def examples_of(reports: Iterable[LabelledReport]) -> list[tuple[list[str], str]]:
    examples: list[tuple[list[str], str]] = []
    for report in reports:
        for candidate, label in zip(report.candidates, report.labels, strict=True):
            if candidate.frame.negated:
                continue  # gold codes no event for "had not entered": nothing to learn a kind from
            examples.append((candidate.features, label))
    return examples


def training_record(sets: Sequence[GoldSet]) -> dict[str, Any]:
    """What a model was trained on, for its artifact: files, their digest."""
    files = [p for s in sets for p in (s.gold, s.corpus)]
    return {
        "data_sha256": files_digest(files),
        "sets": [
            {
                "name": s.name,
                "gold": s.gold.name,
                "corpus": s.corpus.name,
                "gold_sha256": files_digest([s.gold]),
            }
            for s in sets
        ],
    }


def make_folds(reports: Sequence[LabelledReport], k: int, seed: int = 13) -> list[list[int]]:
    """K folds of report indexes: each set's reports shuffled (fixed seed) and dealt
    in turn, so every fold holds reports of every set and no report is in two."""
    if k < 2:
        raise ValueError("cross-validation needs at least 2 folds")
    if k > len(reports):
        raise ValueError(f"{k} folds for {len(reports)} reports: at most one fold per report")
    folds: list[list[int]] = [[] for _ in range(k)]
    by_set: dict[str, list[int]] = {}
    for i, report in enumerate(reports):
        by_set.setdefault(report.set_name, []).append(i)
    turn = 0
    for name in sorted(by_set):
        indexes = by_set[name]
        random.Random(f"{seed}:{name}").shuffle(indexes)
        for i in indexes:
            folds[turn % k].append(i)
            turn += 1
    return [sorted(f) for f in folds]


# Probability thresholds tried when one is chosen by inner cross-validation.
THRESHOLDS = tuple(round(0.3 + 0.05 * i, 2) for i in range(9))  # 0.30 … 0.70
THRESHOLD_TOLERANCE = 0.005


@dataclass
class CrossValidation:
    """Held-out predictions of every report, and every candidate event's probability
    with whether gold has it (for calibration)."""

    folds: list[list[str]]
    thresholds: list[float] = field(default_factory=list)
    predictions: dict[str, list[Event]] = field(default_factory=dict)
    sets: dict[str, list[str]] = field(default_factory=dict)
    calibration: list[tuple[float, bool]] = field(default_factory=list)


class _Replay:
    """A decision stage giving probabilities computed before, at a threshold."""

    version = None

    def __init__(self, classes: tuple[str, ...], probabilities: list[list[float]], threshold: float):
        self.classes, self.probabilities, self.threshold = classes, probabilities, threshold

    def decide(self, candidates: Sequence[Candidate]) -> list[tuple[str, float]]:
        return [
            choose(dict(zip(self.classes, probs, strict=True)), candidate.frame, self.threshold)
            for candidate, probs in zip(candidates, self.probabilities, strict=True)
        ]


class Trainer:
    """Labelled frames of gold reports, and what can be learnt and measured on them.

    The first five stages run once (`prepare`); every fit, threshold choice and
    fold then works on the frames they proposed.
    """

    def __init__(
        self,
        extractor: StagedExtractor,
        reports: list[LabelledReport],
        teaching_weight: float = TEACHING_WEIGHT,
    ):
        self.extractor = extractor
        self.reports = reports
        self.teaching_weight = teaching_weight
        self.gold = {r.document.id: r.gold for r in reports}
        self.gold_actors = gold_actors(self.gold)

    @classmethod
    def prepare(cls, extractor: StagedExtractor, sets: Sequence[GoldSet]) -> Trainer:
        reports: list[LabelledReport] = []
        seen: dict[str, str] = {}
        for gold_set in sets:
            for document, gold in read_gold_set(gold_set):
                if document.id in seen:
                    raise EvalError(
                        f"{gold_set.gold}: report {document.id!r} is also in set {seen[document.id]!r}"
                    )
                seen[document.id] = gold_set.name
                candidates = extractor.candidates(document)
                labels = label_candidates(document, gold, candidates)
                reports.append(LabelledReport(gold_set.name, document, gold, candidates, labels))
        return cls(extractor, reports)

    def _subset(self, indexes: Iterable[int] | None) -> list[LabelledReport]:
        return list(self.reports) if indexes is None else [self.reports[i] for i in indexes]

    def _train(self, reports: Sequence[LabelledReport], **options: Any) -> DecisionModel:
        """`model.train` on the frames of `reports`, plus the teaching sentences at their weight."""
        weight = options.pop("teaching_weight", self.teaching_weight)
        examples = examples_of(reports)
        taught = teaching_examples() if weight > 0 else []
        return train(
            examples + taught,
            reports=len(reports),
            weights=[1.0] * len(examples) + [weight] * len(taught),
            taught=len(taught),
            **options,
        )

    def fit(
        self,
        indexes: Sequence[int] | None = None,
        *,
        threshold: float | None = None,
        inner_folds: int = 3,
        training: Mapping[str, Any] | None = None,
        **options: Any,
    ) -> DecisionModel:
        """A model fitted on the reports at `indexes` (all by default). Its threshold,
        unless given, is the one of best F1 in an inner cross-validation over the
        same reports: it too is chosen without looking at any held-out report."""
        indexes = list(range(len(self.reports))) if indexes is None else list(indexes)
        if threshold is None:
            threshold = self.choose_threshold(indexes, inner_folds, **options)
        record = {**(training or {}), "teaching_weight": options.get("teaching_weight", self.teaching_weight)}
        return self._train(self._subset(indexes), threshold=threshold, training=record, **options)

    def choose_threshold(self, indexes: Sequence[int], k: int = 3, **options: Any) -> float:
        subset = self._subset(indexes)
        if len(subset) < 2 * k:
            return 0.5
        probabilities: dict[int, list[list[float]]] = {}
        classes: tuple[str, ...] = ()
        for fold in make_folds(subset, k, seed=29):
            held = set(fold)
            rest = [r for i, r in enumerate(subset) if i not in held]
            model = self._train(rest, **options)
            classes = model.classes
            for i in fold:
                probabilities[i] = [model.probabilities(c.features) for c in subset[i].candidates]
        gold = {r.document.id: r.gold for r in subset}
        f1s = []
        for threshold in THRESHOLDS:
            predictions = {
                r.document.id: self.extractor.events_from(
                    r.document, r.candidates, _Replay(classes, probabilities[i], threshold)
                )
                for i, r in enumerate(subset)
            }
            f1s.append(score(gold, predictions).overall.f1)
        # F1 is flat near its top: smoothed over neighbouring thresholds, and of
        # those within THRESHOLD_TOLERANCE of the best, the one nearest 0.5 (the
        # even odds of an event), so that one lucky report does not move it.
        smoothed = [
            sum(f1s[max(0, i - 1) : i + 2]) / len(f1s[max(0, i - 1) : i + 2]) for i in range(len(f1s))
        ]
        top = max(smoothed) - THRESHOLD_TOLERANCE
        near_best = [t for t, f in zip(THRESHOLDS, smoothed, strict=True) if f >= top]
        return min(near_best, key=lambda t: abs(t - 0.5))

    def cross_validate(
        self, k: int = 5, *, threshold: float | None = None, seed: int = 13, **options: Any
    ) -> CrossValidation:
        """Every report's events decided by a model fitted on the other folds only."""
        folds = make_folds(self.reports, k, seed)
        result = CrossValidation([[self.reports[i].document.id for i in fold] for fold in folds])
        for report in self.reports:
            result.sets.setdefault(report.set_name, []).append(report.document.id)
        for fold in folds:
            held = set(fold)
            model = self.fit(
                [i for i in range(len(self.reports)) if i not in held], threshold=threshold, **options
            )
            result.thresholds.append(model.threshold)
            decision = LogisticDecision(model)
            everything = LogisticDecision(model, 0.0)
            for i in fold:
                report = self.reports[i]
                result.predictions[report.document.id] = self.extractor.events_from(
                    report.document, report.candidates, decision
                )
                candidates = self.extractor.events_from(report.document, report.candidates, everything)
                result.calibration.extend(self._calibration_points(report.gold, candidates))
        return result

    def _calibration_points(self, gold: GoldReport, events: Sequence[Event]) -> list[tuple[float, bool]]:
        """(probability, is it a gold event) for each candidate event of a report."""
        scored = [e for e in gold.events if e.kind != NOT_SCORED_KIND]
        kept = [e for e in events if not e.negated]
        refs = [as_gold_actor(predicted_event(gold.id, i, e), self.gold_actors) for i, e in enumerate(kept)]
        paired = {p for _, p in match_report(scored, refs)}
        return [(e.probability, i in paired) for i, e in enumerate(kept)]


@dataclass
class CrossValidatedScores:
    """`frontlines evaluate --folds`: scores per gold set and overall, every one of
    them measured on reports the deciding model was not fitted on."""

    folds: int
    thresholds: list[float]
    per_set: dict[str, EvalReport]
    overall: EvalReport
    calibration: Calibration
    fold_reports: list[list[str]] = field(default_factory=list)  # the report ids of each fold

    def to_dict(self) -> dict[str, Any]:
        return {
            "folds": self.folds,
            "fold_reports": self.fold_reports,
            "thresholds": self.thresholds,
            "sets": {name: report.to_dict() for name, report in self.per_set.items()},
            "overall": self.overall.to_dict(),
            "calibration": self.calibration.to_dict(),
        }


def evaluate_by_folds(
    extractor: StagedExtractor, sets: Sequence[GoldSet], k: int = 5, **options: Any
) -> CrossValidatedScores:
    """Cross-validate the decision over the reports of `sets` (by report, K folds)."""
    trainer = Trainer.prepare(extractor, sets)
    result = trainer.cross_validate(k, **options)
    per_set = {
        name: score({i: trainer.gold[i] for i in ids}, {i: result.predictions[i] for i in ids})
        for name, ids in result.sets.items()
    }
    overall = score(trainer.gold, result.predictions)
    return CrossValidatedScores(
        k, result.thresholds, per_set, overall, calibration(result.calibration), result.folds
    )


def train_model(extractor: StagedExtractor, sets: Sequence[GoldSet], **options: Any) -> DecisionModel:
    """A decision model fitted on every report of `sets`, recording what it learnt from."""
    trainer = Trainer.prepare(extractor, sets)
    return trainer.fit(training=training_record(sets), **options)
