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
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from . import lexicon
from .attribution import Attribution
from .dates import ResolvedDate
from .frames import Frame
from .model import NONE_CLASS, DecisionModel

_WORD = re.compile(r"[a-z]+(?:['’][a-z]+)?|\d+")
# Function and place words kept as they are; other words between a trigger and
# its place are reduced to their shape, so no feature is a fact about one report.
_KEPT_WORDS = frozenset(
    """the a an of to in on at by from into near for with and or as its their his her this that
    these those which who was were is are be been being has have had not no never also now
    after before while since until when then but over under around outside inside across
    through toward towards between among district districts province provinces city cities town
    towns village villages capital provincial center centre control hands rule key strategic
    entire whole most part parts some several two three four five all neighbouring neighboring
    nearby outskirts gates road highway border crossing area areas base headquarters building
    buildings kilometers kilometres km miles north south east west northern southern eastern
    western including such namely than more another other latest first second third fell fall""".split()
)


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
        chosen: list[tuple[str, float]] = []
        for candidate in candidates:
            probs = self.scores(candidate)
            frame = candidate.frame
            if frame.negated and frame.selected and frame.trigger_class == "gain":
                # "had not entered X": evidence against a change of hands, kept
                # whatever its odds (gold codes no event, so nothing taught the
                # model these); the probability says how clearly it is about X.
                chosen.append(("gain", probs.get("gain", 0.0)))
                continue
            events = {c: p for c, p in probs.items() if c != NONE_CLASS}
            best = max(events, key=lambda c: events[c])
            p = events[best]
            chosen.append((best, p) if p >= self.threshold else (NONE_CLASS, 1.0 - p))
        return chosen


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def _shape(word: str) -> str:
    if word in _KEPT_WORDS:
        return word
    if word.isdigit():
        return "<num>"
    return "<w>"


def _bucket(n: int, edges: Sequence[int] = (0, 1, 2, 3, 5, 8, 12, 20)) -> str:
    for edge in edges:
        if n <= edge:
            return str(edge)
    return f">{edges[-1]}"


def frame_features(frame: Frame, attribution: Attribution, when: ResolvedDate, on_government_side: bool | None,
                   doer_on_government_side: bool | None) -> list[str]:
    """The features of one frame (see the module docstring)."""
    text = frame.sentence.text
    hit = frame.trigger
    lp = frame.linked
    t_class = frame.trigger_class
    f = [
        "bias",
        f"trig={hit.name}",
        f"tkind={hit.kind}",
        f"voice={hit.voice}",
        f"tkind|voice={hit.kind}|{hit.voice}",
        f"found={frame.found_by}",
        f"found|tclass={frame.found_by}|{t_class}",
        f"selected={int(frame.selected)}",
        f"selected|tkind={int(frame.selected)}|{hit.kind}",
        f"level={frame.place.level}",
        f"level|tclass={frame.place.level}|{t_class}",
    ]
    trigger_words = _words(text[hit.start : hit.end])
    if trigger_words:
        f.append(f"tword={trigger_words[0]}")
        f.append(f"tword|found={trigger_words[0]}|{frame.found_by}")
    # No feature says "negated": a negated frame is judged as if affirmed (would
    # it state this event?), and its event then carries `negated`.
    if lp is not None:
        f.append(f"role={lp.role}")
        f.append(f"role|tclass={lp.role}|{t_class}")
        if lp.relation:
            f.append(f"relation={lp.relation}")
            f.append(f"relation|tclass={lp.relation}|{t_class}")
        if lp.level_hint:
            f.append(f"hint={lp.level_hint}")
        if lp.as_capital:
            f.append("as_capital")
        if lp.ambiguous:
            f.append("ambiguous")
        p_start, p_end = lp.start, lp.end
        position = "before" if p_end <= hit.start else "after"
        f.append(f"pos={position}")
        f.append(f"pos|voice={position}|{hit.voice}")
        between = text[p_end : hit.start] if position == "before" else text[hit.end : p_start]
        words = _words(between)
        f.append(f"dist={_bucket(len(words))}")
        f.append(f"dist|tclass={_bucket(len(words))}|{t_class}")
        for word in words[:6]:
            f.append(f"btw={_shape(word)}")
        if len(words) > 6:
            f.append("btw=<long>")
        if words:
            f.append(f"btw_first={_shape(words[0])}")
            f.append(f"btw_last={_shape(words[-1])}")
        if lexicon.CLAUSE_BREAK.search(between):
            f.append("clause_break_between")
        if any(
            t is not hit and min(p_end, hit.start) <= t.start < max(p_start, hit.end)
            for t in frame.sentence.triggers
        ):
            f.append("trigger_between")
        if any(min(p_end, hit.start) <= a.start < max(p_start, hit.end) for a in frame.sentence.actors):
            f.append("actor_between")
        pre = _words(text[max(0, p_start - 30) : p_start])[-2:]
        if pre:
            f.append(f"pre1={_shape(pre[-1])}")
        if len(pre) == 2:
            f.append(f"pre2={_shape(pre[0])} {_shape(pre[1])}")
        post = _words(text[p_end : p_end + 30])[:2]
        if post:
            f.append(f"post1={_shape(post[0])}")
        if lexicon.PARTIAL_BEFORE.search(text[max(0, p_start - 40) : p_start]):
            f.append("partial")
    else:
        f.append("role=anaphor")
    if frame.place.id == frame.place.admin2 or frame.place.level in ("admin2", "admin3"):
        f.append("unit")
    t_pre = _words(text[max(0, hit.start - 30) : hit.start])[-2:]
    for w in t_pre:
        f.append(f"tpre={_shape(w)}")
    t_post = _words(text[hit.end : hit.end + 30])[:2]
    for w in t_post:
        f.append(f"tpost={_shape(w)}")
    if frame.doer is None:
        f.append("doer=none")
    else:
        side = "gov" if doer_on_government_side else "other"
        f.append(f"doer={side}")
        f.append(f"doer|tclass={side}|{t_class}")
    if frame.gainer is None:
        f.append("gainer=none")
    elif on_government_side:
        f.append(f"gainer_gov|tclass={t_class}")
    n_actors = len({a.actor for a in frame.sentence.actors})
    f.append(f"actors={min(n_actors, 3)}")
    f.append(f"places={_bucket(len(frame.sentence.places), (0, 1, 2, 3, 5))}")
    f.append(f"sentence_index={_bucket(frame.sentence.index, (0, 1, 2, 4, 8))}")
    if lexicon.HEDGES.search(text):
        f.append("hedge")
    if lexicon.CLAIM_WORDS.search(text):
        f.append("claim_word")
    if lexicon.DENIALS.search(text[: hit.start]):
        f.append("denial_before")
    if lexicon.HISTORICAL.search(text):
        f.append("historical")
    if lexicon.AGGREGATE_HEADS.search(text):
        f.append("aggregate")
    if lexicon.PARTIAL_CONTROL.search(text):
        f.append(f"partial_control|tclass={t_class}")
    if "?" in text:
        f.append("question")
    if not text.rstrip().endswith((".", "!", "?", '"', "”", "'")):
        f.append("no_final_stop")  # headlines, captions, list items
    f.append(f"source={attribution.side if attribution.source else 'none'}")
    f.append(f"date={when.basis}")
    return f
