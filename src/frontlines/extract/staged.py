"""`staged.v1`: the default extractor, a chain of replaceable stages.

mentions → place linking → frames → attribution and certainty → dating →
decision. Each stage is a public class of its own module with a typed
interface; `Stages` holds one of each, and a plug-in replaces one stage (by
passing its own object, or by registering it with `register_stage` and naming
it in `ExtractionConfig.stages`) without re-implementing the others.

The first five stages are deterministic and propose `Candidate` frames with
high recall; the decision stage (a model fitted on gold, `decision.py`)
chooses which are events, of which kind, and how likely. `candidates` and
`events_from` are public so that training and cross-validation run the
proposal once and the decision per fold.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

from ..models import Document, Event, Evidence, Place, Statement
from ..places.gazetteer import Gazetteer, Mention
from ..profile import Profile
from . import area_lexicon, lexicon, windows
from .attribution import Attribution, Attributor
from .collapse import CollapseFinder, CollapseMention
from .dates import DateMention, ResolvedDate, find_dates, resolve_relative_date
from .dating import Dating, date_of
from .decision import Candidate, DecisionStage, LogisticDecision, frame_features, sentence_cues
from .frames import Frame, FrameBuilder
from .linking import Discourse, PlaceLinker
from .mentions import MentionFinder, SentenceMentions, TriggerMention
from .model import NONE_CLASS, DecisionModel, builtin_model, load_model
from .statements import AreaQuantity, StatementFinder

EXTRACTOR_NAME = "staged.v1"
CERTAINTY_RANK = {"confirmed": 4, "reported": 3, "claimed": 2, "unverified": 1, "denied": 0}
BASIS_RANK = {"explicit": 2, "relative": 1, "publication": 0}
STAGE_NAMES = (
    "mentions", "linking", "frames", "attribution", "dating", "collapse", "statements", "decision",
)

StageFactory = Callable[[Gazetteer, Profile], Any]
_STAGES: dict[tuple[str, str], StageFactory] = {}


def register_stage(stage: str, name: str) -> Callable[[StageFactory], StageFactory]:
    """Register an implementation of one stage under a versioned name.

    A factory takes the gazetteer and the profile. Plug-in packages may also
    expose factories under the `frontlines.stages` entry-point group, named
    `STAGE:NAME` (e.g. `decision:llm.v1`).
    """
    if stage not in STAGE_NAMES:
        raise ValueError(f"unknown stage {stage!r} (stages: {', '.join(STAGE_NAMES)})")

    def decorator(factory: StageFactory) -> StageFactory:
        _STAGES[(stage, name)] = factory
        return factory

    return decorator


def stage_factory(stage: str, name: str) -> StageFactory:
    if (stage, name) not in _STAGES:
        for entry in entry_points(group="frontlines.stages"):
            key = tuple(entry.name.split(":", 1))
            if len(key) == 2 and key not in _STAGES:
                _STAGES[(key[0], key[1])] = entry.load()
    if (stage, name) not in _STAGES:
        known = ", ".join(sorted(n for s, n in _STAGES if s == stage)) or "none"
        raise KeyError(f"unknown {stage} stage {name!r} (registered: {known})")
    return _STAGES[(stage, name)]


@dataclass
class Stages:
    mentions: MentionFinder
    linking: PlaceLinker
    frames: FrameBuilder
    attribution: Attributor
    dating: Dating = date_of
    # Sentences about a whole side or a whole area (no unit named): national
    # collapse, and area statements. None: not looked for.
    collapse: CollapseFinder | None = None
    statements: StatementFinder | None = None

    @classmethod
    def default(cls, gazetteer: Gazetteer, profile: Profile) -> Stages:
        linker = PlaceLinker(gazetteer, profile)
        return cls(
            MentionFinder(gazetteer, profile),
            linker,
            FrameBuilder(profile, linker),
            Attributor(profile),
            collapse=CollapseFinder(profile),
            statements=StatementFinder(gazetteer, profile),
        )


@dataclass
class Reading:
    """What the deterministic stages make of one report: the frames the decision
    judges, and what needs no decision (collapses, area statements)."""

    candidates: list[Candidate]
    collapses: list[Event]
    statements: list[Statement]


class StagedExtractor:
    name = EXTRACTOR_NAME

    def __init__(
        self,
        gazetteer: Gazetteer,
        profile: Profile,
        stages: Stages | None = None,
        decision: DecisionStage | None = None,
    ):
        self.gazetteer = gazetteer
        self.profile = profile
        self.stages = stages or Stages.default(gazetteer, profile)
        self._decision = decision
        self._decisions: dict[tuple[str | None, float | None], DecisionStage] = {}
        self._readings: dict[tuple[str, str], Reading] = {}
        # A report longer than this is read in windows of paragraphs (`windows`).
        self.window_chars = windows.WINDOW_CHARS

    # --- configuration -----------------------------------------------------------

    def decision_for(
        self, model: str | None, threshold: float | None, stage_name: str | None = None
    ) -> DecisionStage:
        if stage_name is not None:
            stage: DecisionStage = stage_factory("decision", stage_name)(self.gazetteer, self.profile)
            return stage
        if self._decision is not None and model is None:
            return self._decision
        key = (model, threshold)
        if key not in self._decisions:
            loaded: DecisionModel = load_model(Path(model)) if model else builtin_model()
            self._decisions[key] = LogisticDecision(loaded, threshold)
        return self._decisions[key]

    def with_stages(self, overrides: dict[str, str]) -> StagedExtractor:
        """A copy using the registered stages named in `overrides` (decision aside)."""
        chosen = {
            stage: stage_factory(stage, name)(self.gazetteer, self.profile)
            for stage, name in overrides.items()
            if stage != "decision"
        }
        if not chosen:
            return self
        if "linking" in chosen and "frames" not in chosen:
            # Frames read places through the linker (anaphora, capitals): the one chosen.
            chosen["frames"] = FrameBuilder(self.profile, chosen["linking"])
        return StagedExtractor(
            self.gazetteer, self.profile, dataclasses.replace(self.stages, **chosen), self._decision
        )

    def extract_batch(self, documents: Sequence[Document], config: Any = None) -> list[list[Event]]:
        from . import DEFAULT_CONFIG

        config = config or DEFAULT_CONFIG
        extractor = self.with_stages(dict(config.stages))
        decision = self.decision_for(config.model, config.threshold, config.stages.get("decision"))
        self._readings = {}
        results: list[list[Event]] = []
        for doc in documents:
            if len(doc.text or "") > self.window_chars:
                reading, events = extractor.read_in_windows(doc, decision, self.window_chars)
            else:
                reading = extractor.read(doc)
                events = extractor.events_from(doc, reading.candidates, decision)
                events.extend(extractor.collapses_of(doc, events, reading))
            self._readings[_reading_key(doc)] = reading
            results.append(merge_duplicates(events))
        return results

    def read_in_windows(
        self, doc: Document, decision: DecisionStage, size: int
    ) -> tuple[Reading, list[Event]]:
        """A very long report read window by window (see `windows`): its events
        and what needs no decision, with offsets in the whole text. A window's
        frames are decided and dropped before the next is read, so memory holds
        one window's reading at a time."""
        whole = Reading([], [], [])
        events: list[Event] = []
        for start, end in windows.window_spans(doc.text, size):
            part = windows.window_document(doc, start, end)
            reading = self.read(part)
            found = self.events_from(part, reading.candidates, decision)
            found.extend(self.collapses_of(part, found, reading))
            events.extend(windows.shifted_event(event, start) for event in found)
            whole.collapses.extend(windows.shifted_event(event, start) for event in reading.collapses)
            whole.statements.extend(windows.shifted_statement(s, start) for s in reading.statements)
            # Claims repeated from window to window are merged as they come, so the
            # list stays as long as the distinct claims, not the text.
            events = merge_duplicates(events)
        return whole, events

    def extract_statements(self, documents: Sequence[Document], config: Any = None) -> list[list[Statement]]:
        """The area statements of each report (the reading of the last
        `extract_batch` call is reused, so asking for both costs one pass)."""
        from . import DEFAULT_CONFIG

        config = config or DEFAULT_CONFIG
        extractor = self.with_stages(dict(config.stages))
        return [
            (self._readings.get(_reading_key(doc)) or extractor.read(doc)).statements for doc in documents
        ]

    # --- stages 1 to 5: candidates --------------------------------------------------

    def candidates(self, doc: Document) -> list[Candidate]:
        """Every frame of a report that the decision stage should judge."""
        return self.read(doc).candidates

    def read(self, doc: Document) -> Reading:
        """Stages 1 to 5 over one report, sentence by sentence."""
        reading = Reading([], [], [])
        if not doc.text or not doc.text.strip():
            return reading
        stages = self.stages
        found = stages.mentions(doc)
        published = doc.published_date
        discourse = Discourse()
        stages.linking.survey(found.sentences, discourse)
        stages.linking.remember_title(found.title_places, discourse)
        result = reading.candidates
        quiet: SentenceMentions | None = None  # the last sentence read without its actors
        # The changes of hands the last sentence with any stated, and its index: a
        # denial in the next sentence ("The governor, however, denied the claim")
        # is theirs.
        claimed: list[Candidate] = []
        claimed_at = -10
        previous_end = 0
        for sentence in found.sentences:
            if sentence.index == 0 or lexicon.PARAGRAPH_BREAK.search(doc.text, previous_end, sentence.start):
                discourse.paragraph_date = self._heading_date(sentence, published)
            previous_end = sentence.end
            linked = stages.linking.link(sentence, discourse)
            if (
                sentence.triggers
                and quiet is not None
                and lexicon.BACK_REFERENCE.search(sentence.text)
                and not any(a.start < sentence.triggers[0].start for a in sentence.actors)
            ):
                # "Russian troops massed near X. The troops pulled out of X": only now,
                # when a sentence refers back, are the actors of the one before read.
                quiet_actors = stages.mentions.find_actors(quiet.text)
                if quiet_actors:
                    discourse.last_actor = quiet_actors[-1].actor
            quiet = None if sentence.triggers else sentence
            triggers = list(sentence.triggers)
            continuation = lexicon.LIST_CONTINUATION.match(sentence.text)
            if continuation and "capture" in discourse.previous_kinds:
                triggers.insert(
                    0,
                    TriggerMention(
                        continuation.start(), continuation.end(), "capture", "nominal", "list-continuation"
                    ),
                )
            recent = discourse.sentence_index - discourse.last_event_sentence <= 2
            just_named = (
                len(discourse.last_places) == 1
                and discourse.sentence_index - discourse.last_places_sentence == 1
                and bool(lexicon.BACK_REFERRING_SUBJECT.search(sentence.text))
            )
            leaving = any(t.kind in ("withdrawal", "surrender") for t in triggers)
            follows_up = (recent or just_named) and leaving
            worth_reading = (
                bool(triggers)
                and bool(
                    linked
                    or follows_up
                    or lexicon.ANAPHORA.search(sentence.text)
                    or lexicon.PLURAL_ANAPHORA.search(sentence.text)
                )
                and not lexicon.RELATED_LINE.match(sentence.text)
                and not lexicon.TAG_LINE.fullmatch(sentence.text)
            )
            frames: list[Frame] = []
            if worth_reading:
                frames = stages.frames.build(sentence, linked, discourse, triggers)
            if claimed and 0 < discourse.sentence_index - claimed_at <= 2:
                first = min((t.start for t in triggers), default=len(sentence.text))
                later_denial = stages.attribution.denial_after(sentence.text[:first], 0, discourse)
                if later_denial is not None:
                    for earlier in claimed:
                        if earlier.denial is None:
                            earlier.denial = later_denial
                    claimed = []
            if frames:
                attribution = stages.attribution.attribute(sentence.text, discourse)
                last_trigger = max(t.end for t in triggers)
                denial = stages.attribution.denial_after(sentence.text, last_trigger, discourse)
                # Only triggers that state something compete for a date: in "captured X
                # on Friday and vowed to seize Y", Friday is the capture's.
                asserted = list(dict.fromkeys(frame.trigger for frame in frames))
                dates = [
                    stages.dating(
                        frame.trigger,
                        sentence.dates,
                        published,
                        discourse,
                        frame.clause,
                        asserted,
                        default_year=self.profile.start_date.year,
                        text=sentence.text,
                    )
                    for frame in frames
                ]
                dates = respective_dates(
                    frames,
                    dates,
                    sentence,
                    lambda mention: resolve_relative_date(
                        mention, published, default_year=self.profile.start_date.year
                    ),
                )
                dates = same_episode_dates(frames, dates)
                cues = sentence_cues(sentence.text)
                for frame, when in zip(frames, dates, strict=True):
                    if when.date is not None and when.date.year < self.profile.start_date.year:
                        continue  # "first captured X in 2015": another era's event
                    features = frame_features(
                        frame,
                        attribution,
                        when,
                        stages.frames.on_government_side(frame.gainer),
                        stages.frames.on_government_side(frame.doer),
                        cues=cues,
                        map_level=self.gazetteer.map_level,
                    )
                    candidate = Candidate(frame, features, when, attribution, denial)
                    result.append(candidate)
                    if frame.selected and not frame.negated and frame.trigger_class == "gain":
                        if claimed_at != discourse.sentence_index:
                            claimed, claimed_at = [], discourse.sentence_index
                        claimed.append(candidate)
                for frame in frames:
                    if frame.selected and not frame.negated:
                        discourse.last_event_place = frame.place.id
                        discourse.last_event_sentence = discourse.sentence_index
            elif triggers:
                # "Nine more districts were captured on Sunday": no place, but a date
                # the next sentence's list may need.
                stages.dating(
                    triggers[0],
                    sentence.dates,
                    published,
                    discourse,
                    (0, len(sentence.text)),
                    default_year=self.profile.start_date.year,
                )
            self._read_areas(doc, sentence, discourse, reading)
            for lp in linked:
                stages.linking.remember(lp.place, discourse, local=lp.role in ("event", "relation"))
            named = list(dict.fromkeys(lp.place.id for lp in linked if lp.role in ("event", "relation")))
            if named:
                discourse.last_places = named
                discourse.last_places_sentence = discourse.sentence_index
            discourse.previous_kinds = frozenset(t.kind for t in triggers)
            if sentence.actors:
                discourse.last_actor = sentence.actors[-1].actor
            discourse.sentence_index += 1
        return reading

    def _read_areas(
        self, doc: Document, sentence: SentenceMentions, discourse: Discourse, reading: Reading
    ) -> None:
        """Collapses and area statements of one sentence (most sentences fail the cheap cues)."""
        stages = self.stages
        text = sentence.text
        lowered = text.lower()
        collapse_cue = stages.collapse is not None and area_lexicon.may_state_collapse(lowered)
        statement_cue = (
            stages.statements is not None
            and area_lexicon.may_state_proportion(lowered)
            and any(pattern.search(text) for pattern in area_lexicon.STATEMENT_PATTERNS)
        )
        if not (collapse_cue or statement_cue):
            return
        actors = sentence.actors if sentence.triggers else stages.mentions.find_actors(text)
        dates = sentence.dates if sentence.triggers else find_dates(text)
        if collapse_cue and stages.collapse is not None:
            for mention in stages.collapse.find(text, actors):
                event = self._collapse_event(doc, sentence, mention, dates, discourse)
                if event is not None:
                    reading.collapses.append(event)
        if statement_cue and stages.statements is not None:
            for quantity in stages.statements.find(text, actors, sentence.places, self._pick_area(discourse)):
                reading.statements.append(self._statement(doc, sentence, quantity, dates, discourse))

    def _pick_area(self, discourse: Discourse) -> Callable[[Mention], Place | None]:
        linking = self.stages.linking

        def pick(mention: Mention) -> Place | None:
            return linking.pick(mention.place_ids, mention.level_hint or "province", None, discourse)

        return pick

    def _date_at(
        self,
        doc: Document,
        sentence: SentenceMentions,
        start: int,
        end: int,
        kind: str,
        dates: Sequence[Any],
        discourse: Discourse,
    ) -> ResolvedDate:
        """The date a phrase of the sentence states, found as a trigger's would be."""
        anchor = TriggerMention(start, end, kind, "active", kind)
        return self.stages.dating(
            anchor,
            dates,
            doc.published_date,
            discourse,
            (0, len(sentence.text)),
            default_year=self.profile.start_date.year,
        )

    def _collapse_event(
        self,
        doc: Document,
        sentence: SentenceMentions,
        mention: CollapseMention,
        dates: Sequence[Any],
        discourse: Discourse,
    ) -> Event | None:
        when = self._date_at(doc, sentence, mention.start, mention.end, "collapse", dates, discourse)
        if when.date is not None and when.date < self.profile.start_date:
            return None  # another war's collapse
        attribution = self.stages.attribution.attribute(sentence.text, discourse)
        hedged = bool(lexicon.HEDGES.search(sentence.text))
        probability = area_lexicon.COLLAPSE_PROBABILITY[mention.form] * (
            area_lexicon.HEDGED_FACTOR if hedged else 1.0
        )
        country_id, country_name = self._country()
        return Event(
            kind="collapse",
            actor=mention.actor,
            place_id=country_id,
            place_name=country_name,
            evidence=Evidence(doc.id, sentence.text, sentence.start, sentence.end),
            opponent=None,
            geo_precision=3,
            date=when.date.isoformat() if when.date else None,
            date_precision=when.precision,
            date_basis=when.basis,
            source=attribution.source,
            source_side=attribution.side,
            # The fallen side's own word is an admission; another's, a claim.
            certainty=self._side_certainty(mention.actor, attribution, sentence.text, "confirmed", "claimed"),
            extractor=EXTRACTOR_NAME,
            explanation=f"collapse '{sentence.text[mention.start : mention.end]}' ({mention.form})",
            probability=round(probability, 3),
        )

    def _statement(
        self,
        doc: Document,
        sentence: SentenceMentions,
        quantity: AreaQuantity,
        dates: Sequence[Any],
        discourse: Discourse,
    ) -> Statement:
        when = self._date_at(
            doc, sentence, quantity.control_start, quantity.control_end, "statement", dates, discourse
        )
        attribution = self.stages.attribution.attribute(sentence.text, discourse)
        hedged = bool(lexicon.HEDGES.search(sentence.text))
        return Statement(
            actor=quantity.actor,
            evidence=Evidence(doc.id, sentence.text, sentence.start, sentence.end),
            area_id=quantity.area_id,
            area_name=quantity.area_name,
            count=quantity.count,
            total=quantity.total,
            percent=quantity.percent,
            unit_word=quantity.unit_word,
            date=when.date.isoformat() if when.date else None,
            date_basis=when.basis,
            source=attribution.source,
            source_side=attribution.side,
            # A side's word on its own gains is a claim; the other side's, an admission.
            certainty=self._side_certainty(
                quantity.actor, attribution, sentence.text, "claimed", "confirmed"
            ),
            extractor=EXTRACTOR_NAME,
            probability=area_lexicon.STATEMENT_PROBABILITY * (area_lexicon.HEDGED_FACTOR if hedged else 1.0),
        )

    def _side_certainty(
        self, actor: str, attribution: Attribution, text: str, by_actor: str, by_other: str
    ) -> str:
        """How sure a claim about a side is: hedged; said by that side itself
        (`by_actor`) or by another party (`by_other`); a claim; else reported."""
        if lexicon.HEDGES.search(text):
            return "unverified"
        parties = {self.profile.side_of(p) for p in attribution.sides - {"independent"}}
        if not parties:
            return "claimed" if lexicon.CLAIM_WORDS.search(text) else "reported"
        return by_actor if self.profile.side_of(actor) in parties else by_other

    def _country(self) -> tuple[str, str]:
        """The place of a collapse: the country's unit, or its code when the
        gazetteer has no country feature."""
        country = self.gazetteer.places.get(self.profile.country)
        return (country.id, country.name) if country else (self.profile.country, self.profile.country)

    def collapses_of(self, doc: Document, events: Sequence[Event], reading: Reading) -> list[Event]:
        """The collapses a report states: those its sentences say, and the
        surrender or handover of the national capital by the government ("Kabul
        was surrendered"), which says the government is gone."""
        found = list(reading.collapses)
        country_id, country_name = self._country()
        capital = self.profile.national_capital
        government_side = self.profile.side_of(self.profile.government)
        for event in events:
            if (
                event.kind in ("surrender", "handover")
                and capital is not None
                and capital in (event.place_id, event.admin2, event.admin3)
                and event.opponent is not None
                and self.profile.side_of(event.opponent) == government_side
                and not event.negated
                and event.certainty != "denied"
            ):
                found.append(
                    dataclasses.replace(
                        event,
                        kind="collapse",
                        actor=event.opponent,
                        opponent=None,
                        place_id=country_id,
                        place_name=country_name,
                        admin1=None,
                        admin2=None,
                        admin3=None,
                        geo_precision=3,
                        explanation=f"the national capital {event.kind} ({event.explanation})",
                    )
                )
        return found

    # --- stage 6: the decision, and the events ---------------------------------------

    def events_from(
        self, doc: Document, candidates: Sequence[Candidate], decision: DecisionStage
    ) -> list[Event]:
        version = getattr(decision, "version", None)
        events: list[Event] = []
        for candidate, (frame_class, probability) in zip(
            candidates, decision.decide(candidates), strict=True
        ):
            if frame_class == NONE_CLASS:
                continue
            if candidate.frame.negated and frame_class != "gain":
                continue  # only a negated change of hands is evidence (against it)
            events.extend(self.events_of(doc, candidate, frame_class, probability, version))
        return merge_duplicates(events)

    def _heading_date(self, sentence: SentenceMentions, published: date | None) -> date | None:
        """The date a paragraph opens with, as a dated entry of a list or timeline
        ("– Aug. 7 – SHEBERGHAN.", "June 22: ..."), if it does."""
        # (Sentences without a trigger are not searched for dates: a heading alone is one.)
        dates = sentence.dates or find_dates(sentence.text)
        first = dates[0] if dates else None
        if first is None or not lexicon.HEADING_DATE_BEFORE.fullmatch(sentence.text, 0, first.start):
            return None
        if not lexicon.HEADING_DATE_AFTER.match(sentence.text, first.end):
            return None
        resolved = resolve_relative_date(first, published, default_year=self.profile.start_date.year)
        return resolved.date if resolved is not None and resolved.precision == "day" else None

    def events_of(
        self, doc: Document, candidate: Candidate, frame_class: str, probability: float, model: str | None
    ) -> list[Event]:
        """The event a candidate states as `frame_class`, plus its denial if the sentence has one."""
        frame = candidate.frame
        actor = frame.actor_for(frame_class)
        if actor is None:
            return []  # nobody named, and the profile names no default actor
        kind = self.stages.frames.kind_of(frame, frame_class)
        opponent = self.stages.frames.opponent(actor)
        sentence = frame.sentence
        certainty = self.stages.attribution.certainty(
            sentence.text, kind, actor, opponent, candidate.attribution, frame.trigger
        )
        event = build_event(doc, frame, kind, actor, opponent, candidate, certainty, probability, model)
        result = [event]
        denial = candidate.denial
        if denial is not None and kind in ("capture", "recapture") and not frame.negated:
            denied = dataclasses.replace(event, certainty="denied", source=denial.source)
            if denial.sides - {"independent"}:
                denied.source_side = denial.side
            result.append(denied)
        return result


def _reading_key(doc: Document) -> tuple[str, str]:
    return doc.id, doc.content_hash


def respective_dates(
    frames: Sequence[Frame],
    dates: list[ResolvedDate],
    sentence: SentenceMentions,
    resolve: Callable[[DateMention], ResolvedDate | None],
) -> list[ResolvedDate]:
    """Places and dates coordinated alike: "X and Y were captured on Friday and
    Saturday, respectively" pairs them in order; without "respectively" which
    fell when is not said, so each takes the later day, the latest it can be
    (never earlier than it happened)."""
    result = list(dates)
    mentions = sentence.dates
    pairs = [
        (a, b)
        for a, b in zip(mentions, mentions[1:], strict=False)
        if lexicon.DATE_COORDINATION.fullmatch(sentence.text, a.end, b.start)
    ]
    if not pairs:
        return result
    by_trigger: dict[int, list[int]] = {}
    for i, frame in enumerate(frames):
        if frame.selected and not frame.negated:
            by_trigger.setdefault(frame.trigger.start, []).append(i)
    for first, second in pairs:
        for indexes in by_trigger.values():
            places = sorted((_position(frames[i]), i) for i in indexes)
            if len({frames[i].place.id for _, i in places}) != 2 or len(places) != 2:
                continue
            trigger = frames[places[0][1]].trigger
            if not (trigger.end <= first.start or second.end <= trigger.start):
                continue
            resolved = [resolve(first), resolve(second)]
            days = [w for w in resolved if w is not None and w.date is not None]
            if len(days) != 2:
                continue
            if lexicon.RESPECTIVELY.search(sentence.text, second.end):
                for (_, i), when in zip(places, days, strict=True):
                    result[i] = when
            else:
                latest = max(days, key=lambda w: w.date or date.min)
                for _, i in places:
                    result[i] = latest
    return result


def _position(frame: Frame) -> int:
    return frame.linked.start if frame.linked is not None else 0


def same_episode_dates(frames: Sequence[Frame], dates: list[ResolvedDate]) -> list[ResolvedDate]:
    """A sentence that dates one event at a place and tells another at the same
    place without a date of its own tells one episode: "X was seized on Friday,
    an official said, adding that the troops had pulled back" dates the pulling
    back to Friday too."""
    dated = {
        frame.place.id: when for frame, when in zip(frames, dates, strict=True) if when.basis != "publication"
    }
    return [
        dated.get(frame.place.id, when) if when.basis == "publication" else when
        for frame, when in zip(frames, dates, strict=True)
    ]


def build_event(
    doc: Document,
    frame: Frame,
    kind: str,
    actor: str,
    opponent: str | None,
    candidate: Candidate,
    certainty: str,
    probability: float,
    model: str | None,
) -> Event:
    probability = round(probability, 3)  # the explanation shows the value stored
    place: Place = frame.place
    if place.level == "admin1":
        geo_precision = 3
    elif place.level in ("populated_place", "crossing") and place.lat is None:
        geo_precision = 2
    else:
        geo_precision = 1
    sentence = frame.sentence
    when = candidate.date
    hit = frame.trigger
    return Event(
        kind=kind,
        actor=actor,
        opponent=opponent,
        place_id=place.id,
        place_name=place.name,
        admin1=place.admin1 if place.level != "admin1" else place.id,
        admin2=None if place.level == "admin1" else (place.admin2 if place.level != "admin2" else place.id),
        admin3=None
        if place.level in ("admin1", "admin2")
        else (place.admin3 if place.level != "admin3" else place.id),
        geo_precision=geo_precision,
        date=when.date.isoformat() if when.date else None,
        date_precision=when.precision,
        date_basis=when.basis,
        source=candidate.attribution.source,
        source_side=candidate.attribution.side,
        certainty=certainty,
        negated=frame.negated,
        evidence=Evidence(doc.id, sentence.text, sentence.start, sentence.end),
        extractor=EXTRACTOR_NAME,
        explanation=(
            f"trigger '{sentence.text[hit.start : hit.end]}' ({hit.name}, {hit.voice}); "
            f"place {frame.found_by}; p={probability:.2f}"
        ),
        probability=probability,
        model=model,
    )


def _unit(event: Event) -> str:
    return event.admin3 or event.admin2 or event.admin1 or event.place_id


def _credit_source(kept: Event, other: Event) -> None:
    """Credit `other`'s source to the kept event only where its sentence names it.

    The merged event quotes one sentence (the kept one's). A source found in
    that sentence, or in `other`'s attribution of that same sentence, is
    credited to it; a source that spoke in another sentence of the report is
    not put beside a quote it did not say: the explanation notes it instead.
    """
    if not other.source or other.source in (kept.source or "").split("; "):
        return
    same = (other.evidence.document_id, other.evidence.start, other.evidence.end) == (
        kept.evidence.document_id, kept.evidence.start, kept.evidence.end)
    if same or other.source.casefold() in kept.evidence.sentence.casefold():
        kept.source = f"{kept.source}; {other.source}" if kept.source else other.source
        return
    note = f"also said by {other.source} in another sentence of the report"
    kept.explanation = f"{kept.explanation}; {note}" if kept.explanation else note


def merge_duplicates(events: list[Event]) -> list[Event]:
    """One report saying the same thing twice is one claim, with the sources of its sentence.

    Claims and denials stay apart, and so do negated statements: they are
    different evidence. The merged event keeps the highest probability (the
    same report repeating itself is not more evidence), the best certainty,
    the most specific date (explicit over relative over publication; of two
    as good, the earlier: reports confirm after the fact).
    """
    merged: dict[tuple[str, str, str, bool, bool, str], Event] = {}
    # The keys of each group, in the order of `merged`: the first of a group is
    # found without a scan of every claim (a long report makes many).
    by_group: dict[tuple[str, str, str, bool, bool], dict[tuple[str, str, str, bool, bool, str], None]] = {}
    for event in events:
        unit = _unit(event)
        # Two settlements of one unit are two claims ("Bohorodychne and
        # Sviatohirsk", both of one hromada); a town and its unit are one.
        settlement = event.place_id if event.place_id != unit and not event.place_id.startswith(unit) else ""
        group = (event.kind, event.actor, unit, event.negated, event.certainty == "denied")
        key = (*group, settlement)
        keys = by_group.setdefault(group, {})
        if not settlement:
            # The unit itself joins whichever claim about a settlement of it came first.
            key = next(iter(keys), key)
        elif (*group, "") in merged:
            merged[key] = merged.pop((*group, ""))  # a settlement of a unit named before
            del keys[(*group, "")]
            keys[key] = None
        kept = merged.get(key)
        if kept is None:
            merged[key] = event
            keys[key] = None
            continue
        kept.probability = max(kept.probability, event.probability)
        sides = {kept.source_side, event.source_side}
        if kept.opponent in sides and event.actor in sides:
            kept.certainty = "confirmed"
        elif CERTAINTY_RANK[event.certainty] > CERTAINTY_RANK[kept.certainty]:
            kept.certainty = event.certainty
        earlier = bool(event.date and kept.date and event.date < kept.date)
        if BASIS_RANK[event.date_basis] > BASIS_RANK[kept.date_basis] or (
            BASIS_RANK[event.date_basis] == BASIS_RANK[kept.date_basis] and earlier
        ):
            kept.date, kept.date_basis, kept.date_precision = (
                event.date,
                event.date_basis,
                event.date_precision,
            )
        _credit_source(kept, event)
        if kept.source_side in ("unnamed", "independent") and event.source_side not in (
            "unnamed",
            "independent",
        ):
            kept.source_side = event.source_side
    return list(merged.values())
