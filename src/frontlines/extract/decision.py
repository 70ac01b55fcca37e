"""Stage 6, the decision: is a frame an event, of which kind, how likely.

A frame is described by features that state general facts about its sentence
rather than the sentence itself: the trigger and its voice, how the place was
found (where the voice puts it, or only nearby), the place's role and level,
the words between trigger and place, negation, hedges, who is named as doer
and on which side, who speaks. A multinomial logistic regression
(`model.DecisionModel`) weighs them, with weights fitted on gold reports and
measured on others (`frontlines evaluate --folds`). Its probability for the
chosen class is the event's `probability`.

The feature names are the model's vocabulary: renaming one is a change of
model (retrain with `frontlines train`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from . import lexicon
from .attribution import Attribution
from .dates import ResolvedDate
from .frames import Frame
from .model import NONE_CLASS, DecisionModel

_WORD = re.compile(r"[a-z]+(?:['’][a-z]+)?|\d+")


@dataclass
class Candidate:
    """A frame with everything the decision and the event need."""

    frame: Frame
    features: list[str]
    date: ResolvedDate
    attribution: Attribution
    denial: Attribution | None = None


class DecisionStage(Protocol):
    """Chooses, for each candidate, a class ("none" or a `frames.FRAME_CLASSES`
    member) and the probability of that choice."""

    def decide(self, candidates: Sequence[Candidate]) -> list[tuple[str, float]]: ...


class LogisticDecision:
    """`decision: logreg.v1`: the default decision stage."""

    def __init__(self, model: DecisionModel, threshold: float | None = None):
        self.model = model
        self.threshold = model.threshold if threshold is None else threshold

    @property
    def version(self) -> str:
        return self.model.version

    def scores(self, candidate: Candidate) -> dict[str, float]:
        return dict(zip(self.model.classes, self.model.probabilities(candidate.features), strict=True))

    def decide(self, candidates: Sequence[Candidate]) -> list[tuple[str, float]]:
        return [choose(self.scores(c), c.frame, self.threshold) for c in candidates]


def choose(probabilities: Mapping[str, float], frame: Frame, threshold: float) -> tuple[str, float]:
    """A frame's class from the model's probabilities.

    It is an event when the odds that it is one (of any kind: 1 - P(none))
    reach the threshold; its kind is then the likeliest, and its probability
    that of this kind. A negated change of hands ("had not entered X") is kept
    whatever its odds, as evidence against one: gold codes no event for it, so
    nothing taught the model these, and its probability says how clearly the
    sentence is about X.
    """
    if frame.negated and frame.selected and frame.trigger_class == "gain":
        return "gain", probabilities.get("gain", 0.0)
    events = {c: p for c, p in probabilities.items() if c != NONE_CLASS}
    best = max(events, key=lambda c: events[c])
    if 1.0 - probabilities.get(NONE_CLASS, 0.0) >= threshold:
        if best == "gain" and frame.partial:
            # Taking part of a place ("the suburbs of X") is an assault on X, not its fall.
            return "siege", events[best]
        return best, events[best]
    return NONE_CLASS, probabilities.get(NONE_CLASS, 0.0)


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def _bucket(n: int, edges: Sequence[int] = (0, 1, 2, 3, 5, 8, 12, 20)) -> str:
    for edge in edges:
        if n <= edge:
            return str(edge)
    return f">{edges[-1]}"


# Which groups of features the decision sees (see `frame_features`).
FEATURE_GROUPS = frozenset({"structure", "cues"})


def sentence_cues(text: str) -> frozenset[str]:
    """The cues of a whole sentence (computed once for all its frames): hedges,
    history, aggregates, partial control, questions, headlines."""
    found = set()
    if lexicon.PARTIAL_CONTROL.search(text):
        found.add("partial_control")
    if lexicon.HEDGES.search(text):
        found.add("hedge")
    if lexicon.HISTORICAL.search(text):
        found.add("historical")
    if lexicon.AGGREGATE_HEADS.search(text):
        found.add("aggregate")
    if "?" in text:
        found.add("question")
    if not text.rstrip().endswith((".", "!", "?", '"', "”", "'")):
        found.add("no_final_stop")  # headlines, captions, list items
    return frozenset(found)


# Words naming the map's own units ("district" in Afghanistan, "hromada" in Ukraine).
UNIT_HINTS = frozenset(("district", "hromada"))


def relative_level(level: str, map_level: str | None) -> str:
    """A place's level as the map sees it, so that one model serves every profile:
    "unit" (the map's own units: Afghan districts, Ukrainian hromadas), "admin1"
    (provinces, oblasts), "above-unit" (levels between: raions), or the kind of
    a point (a populated place, a crossing)."""
    if level == map_level:
        return "unit"
    if level == "admin1":
        return "admin1"
    if level.startswith("admin"):
        return "above-unit" if map_level and level < map_level else "below-unit"
    return level


def frame_features(
    frame: Frame,
    attribution: Attribution,
    when: ResolvedDate,
    on_government_side: bool | None,
    doer_on_government_side: bool | None,
    groups: frozenset[str] = FEATURE_GROUPS,
    cues: frozenset[str] | None = None,
    map_level: str | None = "admin2",
) -> list[str]:
    """The features of one frame, in two groups:

    - ``structure``: the trigger (kind, voice, name), how its place was found
      (where the voice puts it or only nearby), the place's role, level and
      relational word, the distance and what stands between, who is the doer
      and on which side — each also crossed with the trigger's class;
    - ``cues``: hedges, claims, history, aggregates, partial control,
      questions, headlines.

    Words themselves are not features, not even the trigger's own: measured by
    cross-validation, the words around a trigger and its place, and which
    trigger phrase it was, added nothing on reports the model had not seen,
    and made it learn the wording of the reports it had (and judge a phrasing
    it never met by that alone).
    """
    text = frame.sentence.text
    hit = frame.trigger
    lp = frame.linked
    t_class = frame.trigger_class
    level = relative_level(frame.place.level, map_level)
    selected = int(frame.selected)
    f = ["bias"]
    add = f.append
    if "structure" in groups:
        add(f"tkind={hit.kind}")
        add(f"tkind|voice={hit.kind}|{hit.voice}")
        add(f"found={frame.found_by}")
        add(f"found|tclass={frame.found_by}|{t_class}")
        add(f"selected={selected}")
        add(f"selected|tclass={selected}|{t_class}")
        add(f"level={level}")
        add(f"level|selected={level}|{selected}")
        add(f"level|tclass={level}|{t_class}")
        if frame.seat:
            add(f"seat|tclass={t_class}")
        role = lp.role if lp is not None else "discourse"
        add(f"role={role}")
        add(f"role|tclass={role}|{t_class}")
        add(f"role|selected={role}|{selected}")
        if lp is not None:
            if lp.relation:
                add(f"relation={lp.relation}")
                add(f"relation|tclass={lp.relation}|{t_class}")
            if lp.level_hint:
                hint = "unit" if lp.level_hint in UNIT_HINTS and level == "unit" else lp.level_hint
                add(f"hint={hint}")
                add(f"hint|tclass={hint}|{t_class}")
            if lp.as_capital:
                add("as_capital")
            p_start, p_end = lp.start, lp.end
            position = "before" if p_end <= hit.start else "after"
            add(f"pos|voice={position}|{hit.voice}")
            between = text[p_end : hit.start] if position == "before" else text[hit.end : p_start]
            n_words = len(_words(between))
            add(f"dist={_bucket(n_words)}")
            if lexicon.CLAUSE_BREAK.search(between):
                add("clause_break_between")
            if any(
                t is not hit and min(p_end, hit.start) <= t.start < max(p_start, hit.end)
                for t in frame.sentence.triggers
            ):
                add("trigger_between")
            if any(min(p_end, hit.start) <= a.start < max(p_start, hit.end) for a in frame.sentence.actors):
                add("actor_between")
        if frame.doer is None:
            add(f"doer=none|{t_class}")
        else:
            add(f"doer|tclass={'gov' if doer_on_government_side else 'other'}|{t_class}")
        if frame.gainer is None:
            add("gainer=none")
    if "cues" in groups:
        if frame.partial:
            add(f"partial|tclass={t_class}")
        found = sentence_cues(text) if cues is None else cues
        if "partial_control" in found:
            add(f"partial_control|tclass={t_class}")
        if "aggregate" in found:
            add(f"aggregate|{frame.found_by}")
        f.extend(sorted(found - {"partial_control", "aggregate"}))
    return f
