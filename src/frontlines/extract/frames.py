"""Stage 3, frames: a trigger and its arguments — who did what to which place.

For every trigger of a sentence the *voice* says where its place stands:
after an active verb ("captured X"), before a passive one ("X fell"), in an
"including X, Y" list, or as a word standing for a place ("the provincial
capital"). A place found where the voice puts it is the trigger's
`selected` argument. Frames are proposed with high recall: every other place
of the sentence is paired with its nearest trigger too (not selected), so
that the decision stage, which weighs all the evidence, can still take it.

The roles of the actors follow from the trigger and its voice: the *doer* is
the subject of an active verb, the agent of a passive one ("fell to X",
"taken by X"); from the doer and the trigger's kind come the side that
gains, the side that attacks and the side that leaves. Who the opponent of
an actor is comes from the profile's sides: with two sides each fights the
other; with more, an opponent is only known when the sentence names it.

Statements not asserted as facts — intentions, threats, attempts,
conditionals ("if X falls") — give no frame: irrealis mood is not a claim
that something happened. Negated statements ("had not entered X") give
negated frames: evidence against an event.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from ..models import Place
from ..profile import Profile
from . import lexicon
from .linking import Discourse, LinkedPlace, PlaceLinker
from .mentions import ActorMention, SentenceMentions, TriggerMention, actor_adjectives, compile_phrases

# Kinds the decision stage chooses among ("gain" is a capture or a recapture,
# told apart by the side that gains).
FRAME_CLASSES = ("gain", "siege", "clash", "surrender", "withdrawal")
TRIGGER_CLASS = {
    "capture": "gain",
    "recapture": "gain",
    "handover": "gain",
    "siege": "siege",
    "clash": "clash",
    "surrender": "surrender",
    "withdrawal": "withdrawal",
}


@dataclass
class Frame:
    """One trigger with one place, and what the sentence says around them."""

    sentence: SentenceMentions
    trigger: TriggerMention
    place: Place
    # The name (or the words standing for the place, role "anaphor"); None for a
    # place only the discourse supplies ("the ANDSF retreated": the place just told of).
    linked: LinkedPlace | None
    found_by: str  # object / subject / list / clause-before / anaphor / follow-up / nearest
    selected: bool
    clause: tuple[int, int]
    negated: bool = False
    doer: str | None = None
    gainer: str | None = None
    attacker: str | None = None
    leaver: str | None = None
    rule_kind: str = "capture"
    seat: bool = False  # the place is a province's seat (its capital)
    # Only part of the place is meant ("entered the suburbs of X", "took parts
    # of X"): gaining part of a place is an assault on it, not its fall.
    partial: bool = False

    @property
    def trigger_class(self) -> str:
        base = TRIGGER_CLASS[self.trigger.kind]
        return "siege" if self.partial and base == "gain" else base

    def actor_for(self, frame_class: str) -> str | None:
        """The actor an event of this class is about: who gains, attacks or leaves."""
        if frame_class in ("siege", "clash"):
            return self.attacker
        if frame_class == "withdrawal":
            return self.leaver
        return self.gainer


class FrameBuilder:
    def __init__(self, profile: Profile, linker: PlaceLinker):
        self.profile = profile
        self.linker = linker
        self.government = profile.government
        self.country_re = re.compile(
            r"\b(?:the\s+(?:[\w-]+\s+){0,2}?country|" + re.escape(profile.country_name) + r")\b",
            re.IGNORECASE,
        )
        # "under Ukrainian control" is Ukraine's.
        self.actor_adjectives = actor_adjectives(profile)
        # Names of one word ("army" of "the army"), which may be fused to a
        # participle ("army-controlled").
        self.single_word_actors = {
            word: actor.id
            for actor in profile.actors
            for alias in actor.aliases
            if " " not in (word := alias.lower().removeprefix("the "))
        }
        # Who a speaker speaks for, by the profile's source markers ("Moscow",
        # "the General Staff"): the referent of "it" or "they" in what they say.
        self.speaker_markers = [
            (actor.id, pattern)
            for actor in profile.actors
            if (pattern := compile_phrases([*actor.source_markers])) is not None
        ]

    # --- sides -------------------------------------------------------------

    def _speaker_side(self, text: str, actors: list[ActorMention], end: int) -> str | None:
        """The side of whoever speaks before `end`: an actor named there, else the
        side a source marker names ("Moscow said", "the General Staff said")."""
        named = self._actor_in(actors, 0, end, last=True)
        if named is not None:
            return named
        for actor_id, pattern in self.speaker_markers:
            if pattern.search(text, 0, end):
                return actor_id
        return None

    def opponent(self, actor: str | None) -> str | None:
        """The side an actor fights, when the profile's sides make it unique."""
        if actor is None:
            return None
        own = self.profile.side_of(actor)
        others = [s for s in self.profile.sides if s != own]
        return others[0] if len(others) == 1 else None

    def on_government_side(self, actor: str | None) -> bool:
        return actor is not None and self.profile.side_of(actor) == self.profile.side_of(self.government)

    # --- the frames of one sentence ----------------------------------------------

    def build(
        self,
        sentence: SentenceMentions,
        linked: list[LinkedPlace],
        discourse: Discourse,
        triggers: list[TriggerMention],
    ) -> list[Frame]:
        # Read through scare quotes as the triggers were found ('Russia's "liberation" of X').
        text = lexicon.DOUBLE_QUOTES.sub(" ", sentence.text)
        clause_breaks: list[re.Match[str]] = []
        for candidate in lexicon.CLAUSE_BREAK.finditer(text):
            start = clause_breaks[-1].end() if clause_breaks else 0
            if not _semicolon_in_a_list(text, candidate, linked, triggers, start):
                clause_breaks.append(candidate)
        breaks = [0] + [m.end() for m in clause_breaks] + [len(text)]
        break_starts = [m.start() for m in clause_breaks]
        # "joined the fighting", "young men joined X", troops joining an ally: nobody gave up a post.
        triggers = [
            t
            for t in triggers
            if t.name != "defected"
            or self._a_defection(text, t, max(b for b in breaks if b <= t.start), sentence.actors)
        ]
        frames: list[Frame] = []
        subject_starts: dict[int, int] = {}  # a passive trigger's subject, cut off the object before it
        before_starts: dict[int, int] = {}  # where each trigger's subject span begins
        placeless: list[tuple[TriggerMention, tuple[int, int], dict[str, str | None]]] = []
        for index, hit in enumerate(triggers):
            clause_start = max([b for b in breaks if b <= hit.start] or [0])
            prefix = text[clause_start : hit.start]
            if not _asserted(text, clause_start, hit):
                if not (
                    hit.kind in ("capture", "recapture")
                    and lexicon.ATTEMPT_BEFORE.search(prefix)
                    and lexicon.REPELLED_AFTER.match(text, hit.end)
                ):
                    continue  # not asserted: a plan, a threat, an attempt, a condition
                # "fighters attempted to storm X but were repelled": a fight for X.
                hit = replace(hit, kind="clash", name="failed-attempt")
            negated = bool(
                lexicon.NEGATION.search(prefix)
                or lexicon.NEGATION_INSIDE.search(text, hit.start, hit.end)
                or lexicon.NOBODY_SUBJECT.match(prefix)
                or _said_untrue(text, hit)
            )
            previous_end = triggers[index - 1].end if index else 0
            if hit.voice == "passive" and index and _reduced_relative(text, triggers[index - 1]):
                # "X and other areas taken in February were returned": the subject
                # stands before the participle phrase that describes it.
                previous_end = triggers[index - 2].end if index > 1 else 0
            next_start = triggers[index + 1].start if index + 1 < len(triggers) else len(text)
            clause_end = min([b for b in break_starts if b >= hit.end] + [len(text)])
            if hit.kind == "withdrawal" and (
                self.country_re.search(text[hit.end : hit.end + 40])
                or lexicon.CIVILIANS_BEFORE.search(text, max(0, hit.start - 40), hit.start)
                or (hit.voice == "active" and lexicon.PEOPLE_OBJECT_AFTER.match(text, hit.end))
            ):
                # Foreign troops leaving the country, civilians fleeing, staff
                # evacuated: no place changes hands.
                continue
            if (
                hit.name == "entered"
                and lexicon.CIVILIAN_SUBJECT.search(text, clause_start, hit.start)
                and not any(clause_start <= a.start < hit.start for a in sentence.actors)
            ):
                continue  # "families streamed into Kabul": people arriving, no army
            if (
                hit.kind == "siege"
                and lexicon.COPULA_DISTANCE.match(text, hit.start, hit.end)
                and not any(clause_start <= a.start < hit.start for a in sentence.actors)
                and not lexicon.INSURGENT_PRONOUNS.search(text, clause_start, hit.start)
            ):
                continue  # "the district is 10 km from X": where a place lies, not a siege
            before_start = max(clause_start, previous_end, subject_starts.get(index, 0))
            if (
                hit.voice == "passive"
                and index
                and triggers[index - 1].voice == "passive"
                and lexicon.PARTICIPLE_COORDINATION.fullmatch(text, triggers[index - 1].end, hit.start)
            ):
                # "X was besieged and then captured": coordinated passives share their subject.
                before_start = before_starts.get(index - 1, before_start)
            before_starts[index] = before_start
            before_span = (before_start, hit.start)
            object_end = min(clause_end, next_start)
            if index + 1 < len(triggers) and triggers[index + 1].voice == "passive":
                # "captured Lyman and Izium was retaken": a name right before the next
                # passive verb is its subject, not this verb's object.
                subject = [
                    r
                    for r in linked
                    if hit.end < r.start
                    and r.end <= next_start
                    and not text[r.end : next_start].strip()
                    and lexicon.COORDINATION_BEFORE.search(text, hit.end, r.start)
                    and any(hit.end < o.end <= r.start for o in linked)
                ]
                if subject:
                    object_end = min(object_end, subject[0].start)
                    subject_starts[index + 1] = subject[0].start
            after_span = (hit.end, _list_end(text, hit.end, object_end, linked))
            found = self._arguments(
                hit, text, linked, discourse, breaks, clause_start, previous_end, before_span, after_span
            )
            # "..., including Dasht-e-Archi", "seized three capitals – X, Y and Z":
            # the list after the trigger counts too.
            tail = text[hit.end : min(next_start, clause_end)]
            including = lexicon.INCLUDING.search(tail)
            list_start: int | None = hit.end + including.end() if including else None
            dash = lexicon.LIST_AFTER_DASH.match(text, clause_end)
            if list_start is None and dash and clause_end < next_start:
                list_start = dash.end()
            if list_start is not None:
                list_end = min([b for b in break_starts if b > list_start] + [next_start])
                found += [
                    (p, lp, "list")
                    for p, lp, _ in self._places_in(
                        (list_start, list_end), text, linked, hit, discourse, fallback=False
                    )
                ]
            ellipsis = lexicon.ELLIPSIS_AFTER.search(text, hit.end, next_start)
            if ellipsis and found:
                # "..., and so was Z": Z too, by the same verb.
                tail_end = min([b for b in break_starts if b > ellipsis.end()] + [next_start])
                found += [
                    (p, lp, "list")
                    for p, lp, _ in self._places_in(
                        (ellipsis.end(), tail_end), text, linked, hit, discourse, fallback=False
                    )
                ]
            roles = self._roles(hit, text, clause_start, clause_end, sentence.actors, discourse)
            if (
                negated
                and hit.kind in ("capture", "recapture")
                and roles["doer"] is not None
                and self.opponent(roles["doer"]) is not None
                and lexicon.NO_LONGER.search(text, max(clause_start, hit.start - 30), hit.end)
            ):
                # "X is no longer under Taliban control": the holder lost it to its enemy.
                negated = False
                roles = self._taken_from(roles["doer"])
            start_holder = self._start_holder()
            if (
                not negated
                and hit.name in lexicon.STATE_TRIGGERS
                and start_holder is not None
                and roles["gainer"] is not None
                and self.profile.side_of(roles["gainer"]) == self.profile.side_of(start_holder)
                and self.opponent(roles["gainer"]) is not None
                and lexicon.CONTINUITY.search(text, max(clause_start, hit.start - 12), hit.end)
            ):
                # "X remains under government control": who held it from the start
                # still does, so nobody took it: evidence against a fall, not a regain.
                negated = True
                roles = self._taken_from(roles["gainer"])
            if not found and hit.kind == "surrender" and not negated:
                placeless.append((hit, (clause_start, clause_end), roles))
            seen: set[str] = set()
            for place, lp, how in found:
                if place.id in seen:
                    continue
                seen.add(place.id)
                frames.append(
                    self._frame(
                        sentence, hit, place, lp, how, True, (clause_start, clause_end), negated, roles
                    )
                )
                if not negated:
                    # A later trigger of the same sentence may follow up on it ("X was
                    # seized, ... adding that the soldiers had pulled back").
                    discourse.last_event_place = place.id
                    discourse.last_event_sentence = discourse.sentence_index
        # "The governor and his men surrendered after X fell": a surrender with no
        # place of its own is at the one place the sentence says changed hands.
        taken_places = {
            f.place.id: f.place
            for f in frames
            if f.selected
            and not f.negated
            and f.trigger_class == "gain"
            and f.trigger.voice != lexicon.ATTRIBUTIVE_VOICE  # "the occupied X" tells no change
        }
        if len(taken_places) == 1:
            (place,) = taken_places.values()
            for hit, clause, roles in placeless:
                frames.append(
                    self._frame(sentence, hit, place, None, "follow-up", True, clause, False, roles)
                )
        frames += self._nearest_frames(sentence, linked, triggers, frames, breaks, break_starts, discourse)
        # "Insurgents attacked X on Monday and took it": the fight is how the
        # sentence's change of hands (or assault) came about, not another event.
        # Unless the sentence dates them apart ("fighting for X started on Sunday,
        # and on Tuesday they seized it"): then X was contested first.
        # So is a siege that ended in the place's fall ("captured X after days of
        # laying siege to it").
        # (A dateline's date, at the head of the text, is no date of the sentence's
        # own: "Kabul, Jun 5 (EFE).- ...".)
        first_trigger = min((t.start for t in triggers), default=len(text))
        told_dates = [
            d for d in sentence.dates
            if not (
                d.end < first_trigger
                and d.start <= 40
                and lexicon.DATELINE_END.match(text, d.end, d.end + 20)
            )
        ]
        one_time = len(told_dates) <= 1
        contested = {
            f.place.id for f in frames
            if f.selected and not f.negated and f.trigger_class in ("gain", "siege", "surrender")
        } if one_time else set()
        # The besieger's own fall of the place: a siege by the other side stays.
        fallen = {
            (f.place.id, self.profile.side_of(f.gainer))
            for f in frames
            if f.selected and not f.negated and f.trigger_class == "gain" and not f.partial and f.gainer
        } if one_time else set()
        return [
            f for f in frames
            if not (f.selected and f.trigger_class == "clash" and f.place.id in contested)
            and not (
                f.selected
                and f.trigger_class == "siege"
                and f.attacker is not None
                and (f.place.id, self.profile.side_of(f.attacker)) in fallen
            )
        ]

    def _a_defection(
        self, text: str, hit: TriggerMention, clause_start: int, actors: Sequence[ActorMention]
    ) -> bool:
        """Is "joined", "went over to" a post's defenders going over to a side named
        right after it, and not to their own side? (Defenders in its clause, from
        `clause_start`; an enemy's side within 30 characters.)"""
        joined = next((a.actor for a in actors if hit.end <= a.start <= hit.end + 30), None)
        if joined is None or not lexicon.DEFECTORS.search(text, clause_start, hit.start):
            return False
        own = {self.profile.side_of(a.actor) for a in actors if clause_start <= a.start < hit.start}
        return self.profile.side_of(joined) not in own

    def _taken_from(self, holder: str) -> dict[str, str | None]:
        """The roles of the holder's enemy taking a place from it."""
        taker = self.opponent(holder)
        return {"doer": taker, "gainer": taker, "attacker": taker, "leaver": holder}

    def _frame(
        self,
        sentence: SentenceMentions,
        hit: TriggerMention,
        place: Place,
        linked: LinkedPlace | None,
        how: str,
        selected: bool,
        clause: tuple[int, int],
        negated: bool,
        roles: dict[str, str | None],
    ) -> Frame:
        frame = Frame(sentence, hit, place, linked, how, selected, clause, negated, **roles)  # type: ignore[arg-type]
        # Troops surrendering "at an outpost in X" surrender in X: only a change
        # of hands can be partial. The words before a place told in an earlier
        # clause are that clause's ("withdrew from a base in X, a district that
        # fell to Y": all of X fell).
        frame.partial = (
            linked is not None
            and hit.kind != "surrender"
            and linked.start >= clause[0]
            and partial_place(sentence.text, linked.start, linked.end)
        ) or (hit.name in lexicon.ENTRY_TRIGGERS and bool(lexicon.ONGOING_FIGHTING.search(sentence.text)))
        incomplete = lexicon.INCOMPLETE_BEFORE.search(sentence.text, max(0, hit.start - 30), hit.start)
        if incomplete and not frame.partial:
            frame.partial = True  # "almost completely gained control of X": not yet all of it
        if (
            not frame.partial
            and linked is not None
            and place.level == "admin1"
            and lexicon.MAJORITY_PART_BEFORE.search(sentence.text, max(0, linked.start - 40), linked.start)
        ):
            # "Most of X province": most of a city is the city, but most of a province
            # is not every unit of it.
            frame.partial = True
        frame.rule_kind = self.kind_of(frame, frame.trigger_class)
        frame.seat = self.linker.is_seat(place)
        return frame

    def kind_of(self, frame: Frame, frame_class: str) -> str:
        """The event kind of a frame class: a gain by the government's side is a recapture."""
        if frame_class == "gain":
            if frame.trigger.kind == "handover":
                return "handover"
            return "recapture" if self.on_government_side(frame.gainer) else "capture"
        return frame_class

    def _nearest_frames(
        self,
        sentence: SentenceMentions,
        linked: list[LinkedPlace],
        triggers: list[TriggerMention],
        frames: list[Frame],
        breaks: list[int],
        break_starts: list[int],
        discourse: Discourse,
    ) -> list[Frame]:
        """Places no trigger took, each paired with its nearest asserted trigger:
        the decision stage may still judge them the event's place."""
        taken = {(f.place.id) for f in frames}
        text = sentence.text
        extra: list[Frame] = []
        for lp in linked:
            place = self.linker.event_place(lp)
            if place is None or place.id in taken or lp.role == "relation":
                continue  # a landmark is never an event's place but through its trigger
            candidates = [
                t for t in triggers if _asserted(text, max([b for b in breaks if b <= t.start] or [0]), t)
            ]
            if not candidates:
                continue
            hit = min(candidates, key=lambda t: _gap(t, lp.start, lp.end))
            clause_start = max([b for b in breaks if b <= hit.start] or [0])
            clause_end = min([b for b in break_starts if b >= hit.end] + [len(text)])
            negated = bool(
                lexicon.NEGATION.search(text[clause_start : hit.start])
                or lexicon.NEGATION_INSIDE.search(text, hit.start, hit.end)
            )
            roles = self._roles(hit, text, clause_start, clause_end, sentence.actors, discourse)
            taken.add(place.id)
            extra.append(
                self._frame(
                    sentence, hit, place, lp, "nearest", False, (clause_start, clause_end), negated, roles
                )
            )
        return extra

    # --- where the place stands ----------------------------------------------------

    def _arguments(
        self,
        hit: TriggerMention,
        text: str,
        linked: list[LinkedPlace],
        discourse: Discourse,
        breaks: list[int],
        clause_start: int,
        previous_end: int,
        before_span: tuple[int, int],
        after_span: tuple[int, int],
    ) -> list[tuple[Place, LinkedPlace | None, str]]:
        """The places the trigger's voice points at, each with how it was found."""
        antecedent = self._relative_antecedent(hit, text, linked, clause_start)
        if antecedent is not None:
            # "Gereshk, which government troops captured last week": the relative
            # pronoun stands for the place before it, object or subject alike.
            return [(antecedent[0], antecedent[1], "clause-before")]

        def tagged(
            found: list[tuple[Place, LinkedPlace | None, str]], how: str
        ) -> list[tuple[Place, LinkedPlace | None, str]]:
            return [(p, lp, how if lp is not None and lp.role != "anaphor" else h) for p, lp, h in found]

        if hit.voice == "passive":
            places = tagged(
                self._places_in(before_span, text, linked, hit, discourse, anaphora=False, fallback=False),
                "subject",
            )
            if not places:
                # "X, which had been under rebel control since July, was retaken": the
                # subject is the place the relative clause hangs on.
                places = self._antecedent_of_clause_before(text, linked, hit)
            if not places and clause_start > 0:
                # Step back over a parenthetical clause: "X, which borders Y, was retaken".
                places = tagged(
                    self._clause_before(breaks, clause_start, previous_end, text, linked, hit, discourse),
                    "clause-before",
                )
            return places or tagged(self._places_in(before_span, text, linked, hit, discourse), "subject")
        if hit.voice == "either":
            places = tagged(
                self._places_in(before_span, text, linked, hit, discourse, anaphora=False, fallback=False),
                "subject",
            )
            places = places or tagged(
                self._places_in(after_span, text, linked, hit, discourse, fallback=False), "object"
            )
            return places or tagged(self._places_in(before_span, text, linked, hit, discourse), "subject")
        leaving = hit.kind in ("withdrawal", "surrender")
        places = tagged(
            self._places_in(after_span, text, linked, hit, discourse, fallback=not leaving), "object"
        )
        if not places and hit.kind in ("withdrawal", "surrender"):
            # Where the leavers were: "forces stationed in the district's centre retreated".
            places = tagged(
                self._places_in(before_span, text, linked, hit, discourse, fallback=False, locative=True),
                "subject",
            )
            if not places and clause_start > 0:
                places = tagged(
                    self._clause_before(breaks, clause_start, previous_end, text, linked, hit, discourse),
                    "clause-before",
                )
            places = places or tagged(self._places_in(after_span, text, linked, hit, discourse), "object")
        return places

    def _antecedent_of_clause_before(
        self, text: str, linked: list[LinkedPlace], hit: TriggerMention
    ) -> list[tuple[Place, LinkedPlace | None, str]]:
        """The place a relative clause ending right before the trigger hangs on."""
        clause = lexicon.RELATIVE_CLAUSE_BEFORE.search(text, max(0, hit.start - 160), hit.start)
        if clause is None:
            return []
        before = [
            r for r in linked
            if r.end <= clause.start() and lexicon.ANTECEDENT_GAP.fullmatch(text, r.end, clause.start())
        ]
        if not before or before[-1].role not in ("event", "relation"):
            return []
        place = self.linker.event_place(before[-1])
        return [(place, before[-1], "subject")] if place is not None else []

    def _relative_antecedent(
        self, hit: TriggerMention, text: str, linked: list[LinkedPlace], clause_start: int
    ) -> tuple[Place, LinkedPlace] | None:
        """The place a relative clause ("X, which Y captured", "X, which was taken")
        hangs on, when the trigger's own place is that relative pronoun."""
        pronoun = lexicon.RELATIVE_BEFORE.search(text, max(0, clause_start - 20), clause_start)
        if pronoun is None or hit.voice == "nominal":
            return None
        inside = (clause_start, hit.start) if hit.voice == "passive" else (hit.end, hit.end + 40)
        if any(inside[0] <= r.start < inside[1] for r in linked):
            return None  # the clause names its own place
        head_end = pronoun.start()
        before = [
            r for r in linked if r.end <= head_end and lexicon.ANTECEDENT_GAP.fullmatch(text, r.end, head_end)
        ]
        if not before or before[-1].role not in ("event", "relation"):
            return None
        place = self.linker.event_place(before[-1])
        return (place, before[-1]) if place is not None else None

    def _clause_before(
        self,
        breaks: list[int],
        clause_start: int,
        previous_end: int,
        text: str,
        linked: list[LinkedPlace],
        hit: TriggerMention,
        discourse: Discourse,
    ) -> list[tuple[Place, LinkedPlace | None, str]]:
        earlier = max([b for b in breaks if b < clause_start - 1] or [0])
        span = (max(earlier, previous_end), clause_start)
        return self._places_in(span, text, linked, hit, discourse, anaphora=False, fallback=False)

    def _places_in(
        self,
        span: tuple[int, int],
        text: str,
        linked: list[LinkedPlace],
        hit: TriggerMention,
        discourse: Discourse,
        anaphora: bool = True,
        fallback: bool = True,
        locative: bool = False,
    ) -> list[tuple[Place, LinkedPlace | None, str]]:
        lo, hi = span
        found: list[tuple[Place, LinkedPlace | None, str]] = []
        for lp in linked:
            if lp.start < lo or lp.end > hi:
                continue
            if lp.role in ("speaker", "context"):
                continue
            if lp.role == "facility" and hit.kind not in ("surrender", "withdrawal"):
                continue  # "Kandahar airport" is not Kandahar; but its garrison's surrender is
            if lp.role == "relation" and not _relation_is_argument(text, lp, hit):
                continue
            place = self.linker.event_place(lp)
            if place is not None:
                found.append((place, lp, ""))
        if found or not anaphora:
            return found
        window = text[lo:hi]
        plural = lexicon.PLURAL_ANAPHORA.search(window)
        if plural and not lexicon.LOCATIVE_BEFORE.search(window[: plural.start()]):
            # "captured the said districts": the places just named, in this
            # sentence or the one before.
            earlier = [r.place.id for r in linked if r.end <= lo + plural.start() and r.role == "event"]
            ids = earlier if len(earlier) > 1 else discourse.last_places
            count = lexicon.PLURAL_COUNTS.get((plural.group("count") or "").lower())
            ids = ids[-count:] if count else ids
            places = [self.linker.places[i] for i in ids if i in self.linker.places]
            if len(places) > 1:
                return [(p, None, "anaphor") for p in places]
        for match in lexicon.ANAPHORA.finditer(window):
            if self.linker.names_unknown_place(window[: match.start()]):
                break  # "seized Dunmore port and the town": the town is that unknown place
            name_after = lexicon.NAME_AFTER.match(text, lo + match.end())
            if name_after and self.linker.names_unknown_place(" " + name_after.group("name")):
                break  # "the provincial capital Rashkar Gah": a name the gazetteer does not know
            after = window[match.end() : match.end() + 30]
            if lexicon.ROLE_AFTER_PLACE.match(after) or lexicon.OF_AFTER.match(after):
                continue  # "the city police", "the province of X" name no place here
            seat_of_power = lexicon.SEAT_OF_POWER.search(window[: match.start()])
            if not locative and not seat_of_power and lexicon.LOCATIVE_BEFORE.search(window[: match.start()]):
                continue  # "clashes in the district": where, not what
            relation = lexicon.RELATION_BEFORE_PLACE.search(
                text[max(0, lo + match.start() - 40) : lo + match.start()]
            )
            if relation and not _relation_belongs_to_trigger(
                text, " ".join(relation.group("relation").lower().split()), lo + match.start(), hit
            ):
                # "near the city": a landmark; but "withdrew from the district" left
                # it, and "reached the outskirts of the capital" is an assault on it.
                continue
            word = match.group(0).lower()
            if (
                word in ("it", "them")
                and hit.voice == "passive"
                and not lexicon.SUBJECT_PRONOUN_GAP.fullmatch(text, lo + match.end(), hit.start)
            ):
                continue  # "it was reported that": no place; but "by Sunday it had fallen"
            if word == "them":
                # "... Tarrow and Ivel districts ... and later took back control of them"
                named = [
                    self.linker.event_place(r)
                    for r in linked
                    if r.end <= lo + match.start() and r.role == "event"
                ]
                return [(p, None, "anaphor") for p in named if p is not None]
            place = self.linker.resolve_anaphor(match.group(0), linked, lo + match.start(), discourse)
            if place is not None:
                # The words standing for the place, so later stages see where it is.
                words = LinkedPlace(lo + match.start(), lo + match.end(), match.group(0), place, "anaphor")
                return [(place, words, "anaphor")]
        if fallback and hit.kind == "surrender":
            # "the governor of a province and his guards surrendered": the place its
            # surrendering officials hold office in (a province's, its capital).
            office = [
                lp for lp in linked
                if lp.role == "speaker" and hit.start - 120 <= lp.start and lp.end <= hit.start
                and lexicon.ROLE_BEFORE_PLACE.search(text, max(0, lp.start - 40), lp.start)
                # ... who surrendered, not who said others did
                and not lexicon.SPEECH_BEFORE_CLAUSE.search(text, lp.end, hit.start)
            ]
            if office:
                place = office[-1].place
                if place.level == "admin1":
                    capital = self.linker.gazetteer.capital_of(place.id)
                    place = self.linker.places.get(capital or "", place)
                return [(place, None, "follow-up")]
        recent = discourse.sentence_index - discourse.last_event_sentence <= 2
        # (Defectors are a post's defenders: `DEFECTORS` before the trigger.)
        local_party = hit.kind == "withdrawal" or hit.name == "defected" or bool(
            lexicon.LOCAL_SURRENDER.search(text[max(0, hit.start - 80) : hit.start])
        )
        if (
            fallback
            and hit.kind in ("withdrawal", "surrender")
            and discourse.last_event_place
            and recent
            and local_party
        ):
            # "the ANDSF retreated", "the local leadership surrendered": the place
            # the report has just been talking about.
            place = self.linker.places.get(discourse.last_event_place)
            return [(place, None, "follow-up")] if place else []
        if (
            fallback
            and hit.kind == "withdrawal"
            and len(discourse.last_places) == 1
            and discourse.sentence_index - discourse.last_places_sentence == 1
            and not linked
            and lexicon.BACK_REFERRING_SUBJECT.search(text, 0, hit.start)
        ):
            # "Security forces held X for months. On Tuesday they pulled out.": the
            # one place the sentence before named.
            place = self.linker.places.get(discourse.last_places[0])
            return [(place, None, "follow-up")] if place else []
        return []

    # --- who ------------------------------------------------------------------------

    def _adjective_in(self, text: str, hit: TriggerMention) -> str | None:
        """An actor's adjective inside a trigger's own words ("under Ukrainian control")."""
        for word in re.findall(r"[A-Z][\w-]+", text[hit.start : hit.end]):
            actor = self.actor_adjectives.get(word.lower())
            if actor is not None:
                return actor
        return None

    def _start_holder(self) -> str | None:
        """Who holds every place at the start, when the profile's start state is an actor."""
        start = self.profile.start_state
        return start if start in self.profile.actor_ids else None

    def _fused_side(self, text: str, hit: TriggerMention) -> str | None:
        """The side whose name is joined by a hyphen to the trigger ("Taliban-held",
        "Russian-controlled", "army-run")."""
        fused = lexicon.FUSED_WORD_BEFORE.search(text, max(0, hit.start - 30), hit.start)
        if fused is None:
            return None
        word = fused.group("word").lower()
        return self.actor_adjectives.get(word) or self.single_word_actors.get(word)

    def _actor_in(self, actors: list[ActorMention], lo: int, hi: int, last: bool) -> str | None:
        inside = [a for a in actors if lo <= a.start and a.end <= hi]
        if not inside:
            return None
        return (inside[-1] if last else inside[0]).actor

    def _roles(
        self,
        hit: TriggerMention,
        text: str,
        clause_start: int,
        clause_end: int,
        actors: list[ActorMention],
        discourse: Discourse,
    ) -> dict[str, str | None]:
        """Doer, gainer, attacker and leaver of a trigger, from its voice and the actors named."""
        before = (clause_start, hit.start)
        after = (hit.end, clause_end)
        kind = hit.kind
        inner = self._actor_in(actors, hit.start, hit.end, last=False) or self._adjective_in(text, hit)
        spec = lexicon.TRIGGERS_BY_NAME.get(hit.name)
        if spec is not None and spec.inner_actor == "loser" and inner is not None:
            # "X drove the Taliban out of P": the Taliban lost P, X (or their enemy) took it.
            subject = self._actor_in(actors, *before, last=True)
            gainer = subject if subject and subject != inner else self._other_side(inner, actors)
            return {"doer": subject, "gainer": gainer, "attacker": gainer, "leaver": inner}
        doer: str | None = inner  # "under Taliban control"
        if hit.voice == "passive" and doer is None:
            by_agent = lexicon.BY_AGENT.match(text, hit.end, clause_end)
            agent = lexicon.AGENT_AFTER_PASSIVE.match(text, hit.end, clause_end)
            if by_agent:
                # "taken by X", "cleared of the Taliban by X": the by-phrase names the doer.
                doer = self._actor_in(
                    actors, by_agent.end(), min(clause_end, by_agent.end() + 60), last=False
                )
            if doer is None and agent:
                # "fell to X", "in the hands of X" (the trigger ends in "of")
                rest = agent.start("rest") if agent.group("rest") is not None else agent.start("rest2")
                doer = self._actor_in(actors, rest, min(clause_end, rest + 60), last=False)
                received = lexicon.TO_BEFORE.search(text, hit.end, rest)
                if kind == "withdrawal" and doer is not None and received:
                    # "X was abandoned to the Taliban": they received it; the other side left.
                    doer = self._other_side(doer, actors)
                if (
                    kind == "recapture"
                    and doer is not None
                    and lexicon.LOSER_AFTER_RECAPTURE.match(text, hit.end, clause_end)
                ):
                    doer = self._other_side(doer, actors)  # "cleared of the Taliban": the loser is named
            if doer is None and kind == "recapture":
                # "a Taliban spokesman tweeted that the installations had been cleared":
                # a regain told in the passive by one side is that side's.
                speech = list(lexicon.SPEECH_BEFORE_CLAUSE.finditer(text, 0, hit.start))
                if speech:
                    doer = self._speaker_side(text, actors, speech[-1].start())
        elif hit.voice == "nominal":
            agent = lexicon.AGENT_AFTER_NOMINAL.match(text, hit.end, clause_end)
            if doer is None and agent:
                doer = self._actor_in(
                    actors, agent.start("rest"), min(clause_end, agent.start("rest") + 60), last=False
                )
            possessor = lexicon.POSSESSOR_BEFORE.search(text, max(before[0], hit.start - 30), hit.start)
            if doer is None and possessor:
                # "the army announced its withdrawal", "the Taliban's capture of X":
                # the possessor is the doer.
                doer = self._actor_in(actors, *before, last=True)
            infinitive = lexicon.INFINITIVE_BEFORE.search(text, max(0, hit.start - 6), hit.start)
            achieved = lexicon.ACHIEVED_BEFORE.search(text, max(0, hit.start - 30), hit.start)
            if doer is None and (infinitive or achieved or kind == "withdrawal"):
                # "were forced to retreat from X": a verb after all; "the army announced
                # the withdrawal of its units from X": the subject's own withdrawal.
                doer = self._actor_in(actors, *before, last=True)
        elif hit.voice == lexicon.ATTRIBUTIVE_VOICE:
            # "moving towards the occupied X": the subject is not the participle's
            # agent; only a side fused into it is ("the Russian-occupied X").
            fused = [a for a in actors if a.end == hit.start - 1 and text[a.end] == "-"]
            doer = doer or (fused[0].actor if fused else None) or self._fused_side(text, hit)
        elif doer is None:
            causative = lexicon.CAUSATIVE_BEFORE.search(text, max(before[0], hit.start - 100), hit.start)
            if causative:
                # "attacked X, forcing its defenders to flee": the one made to act
                # did it; named by no actor, it is the side the forcer fought.
                doer = self._actor_in(actors, causative.start("made"), causative.end("made"), last=False)
                # The forcer is the subject of the clause, or of the sentence when the
                # causative opens a participle clause of its own (", forcing ...").
                forcer = self._actor_in(actors, before[0], causative.start(), last=False) or self._actor_in(
                    actors, 0, causative.start(), last=False
                )
                if doer is None and forcer is not None:
                    doer = self._other_side(forcer, actors)
            else:
                doer = self._actor_in(actors, *before, last=True)
            coordinated = lexicon.COORDINATED_VERB_BEFORE.search(text, max(0, before[0] - 8), before[0])
            if doer is None and coordinated:
                # "Government forces liberated X but lost Y": the subject both verbs share.
                doer = self._actor_in(actors, 0, before[0], last=False)
            if doer is None and lexicon.RELATIVE_WHO_BEFORE.search(text, max(0, before[0] - 12), before[0]):
                # "It was Afghan commandos who captured X", "the army, which retook
                # X": the relative pronoun's antecedent did it.
                doer = self._actor_in(actors, max(0, before[0] - 80), before[0], last=True)
            adjunct = lexicon.ADJUNCT_ING_BEFORE.search(text, max(0, hit.start - 20), hit.start)
            if doer is None and adjunct:
                # "After capturing X, the army set up checkpoints": the main clause's
                # subject, after an adjunct that opens the sentence, else before it
                # ("A said it holds the region after taking over X, the last
                # Ukrainian-held city").
                opening = not text[: adjunct.start()].strip(" \"“'‘")
                after_subject = self._actor_in(actors, hit.end, len(text), last=False)
                before_subject = self._actor_in(actors, 0, hit.start, last=opening)
                doer = (after_subject or before_subject) if opening else (before_subject or after_subject)
            reported = lexicon.SPEECH_BEFORE_CLAUSE.search(text, max(0, before[0] - 60), before[1])
            subject = text[before[0] : before[1]]
            if doer is None and reported and lexicon.REPORTED_PRONOUN.search(subject):
                # "Ukrainian forces said they had regained X", "Moscow said it had
                # taken X": a pronoun in a reported clause is the side that speaks.
                doer = self._speaker_side(text, actors, reported.start())
            if doer is None and lexicon.DEFINITE_FORCES.search(subject):
                # "Russian troops massed near X. ... The troops were pulled out of X":
                # a definite noun for forces refers back to the side last named.
                doer = discourse.last_actor
            if doer is None and lexicon.INSURGENT_PRONOUNS.search(subject):
                # "Ukrainian forces surrounded Izium. On Monday they captured it": the
                # side named last, in this sentence or before; else the profile's default.
                doer = (
                    self._actor_in(actors, 0, before[0], last=True)
                    or discourse.last_actor
                    or self.profile.default_actor
                )
        if hit.name == "was-lost":
            # "X was lost by the army": the by-agent lost it; "lost to Y": Y gained it.
            by_agent = lexicon.BY_AGENT.search(text, hit.end, clause_end)
            loser = (
                self._actor_in(actors, by_agent.end(), min(clause_end, by_agent.end() + 60), last=False)
                if by_agent
                else None
            )
            receiver = lexicon.RECEIVER_AFTER.search(text, hit.end, clause_end)
            gainer = (
                self._actor_in(actors, receiver.start("rest"), receiver.end("rest"), last=False)
                if receiver
                else None
            )
            gainer = gainer or self.opponent(loser) or self.profile.default_actor
            leaver = loser or self.opponent(gainer)
            return {"doer": gainer, "gainer": gainer, "attacker": gainer, "leaver": leaver}
        if hit.name in ("lost-to", "loss-of"):
            # "government forces lost X to the Taliban": the subject lost, the "to" gained.
            loser = doer
            if loser is None and hit.name == "loss-of":
                # "the ministry acknowledged the loss of X": the side that speaks;
                # "the loss of X leaves the army without ...": the side named after;
                # else whoever held it from the start.
                loser = (
                    self._speaker_side(text, actors, hit.start)
                    or self._actor_in(actors, hit.end, clause_end, last=False)
                    or self._start_holder()
                )
            receiver = lexicon.RECEIVER_AFTER.search(text, hit.end, clause_end)
            gainer = (
                self._actor_in(actors, receiver.start("rest"), receiver.end("rest"), last=False)
                if receiver
                else None
            )
            gainer = gainer or self.opponent(loser)
            return {
                "doer": loser,
                "gainer": gainer,
                "attacker": gainer,
                "leaver": loser or self.opponent(gainer),
            }
        if spec is not None and spec.inner_actor == "subject-loses":
            # "X was driven out of P by Y": X lost P; Y (or X's enemy) took it.
            loser = self._actor_in(actors, *before, last=True)
            by_agent = lexicon.BY_AGENT.match(text, hit.end, clause_end)
            taker = (
                self._actor_in(actors, by_agent.end(), min(clause_end, by_agent.end() + 60), last=False)
                if by_agent
                else None
            )
            taker = taker or self._other_side(loser, actors)
            return {"doer": taker, "gainer": taker, "attacker": taker, "leaver": loser}
        if spec is not None and spec.inner_actor == "receiver":
            # "X accepted the surrender of the garrison": X receives it.
            taker = self._actor_in(actors, *before, last=True) or self.profile.default_actor
            giver = self._actor_in(actors, hit.end, clause_end, last=False)
            return {
                "doer": taker,
                "gainer": taker,
                "attacker": taker,
                "leaver": giver or self.opponent(taker),
            }
        if kind in ("surrender", "handover"):
            receiver = lexicon.RECEIVER_AFTER.search(text, hit.end, clause_end)
            taker = (
                self._actor_in(actors, receiver.start("rest"), receiver.end("rest"), last=False)
                if receiver
                else None
            )
            if hit.name == "defected":
                taker = self._actor_in(actors, hit.end, min(clause_end, hit.end + 30), last=False)
            if kind == "handover" and hit.voice != "active" and taker is None:
                taker = doer
            giver = self._actor_in(actors, *before, last=True)
            gainer = taker or self.opponent(giver) or self.profile.default_actor
            return {
                "doer": giver,
                "gainer": gainer,
                "attacker": gainer,
                "leaver": giver or self.opponent(gainer),
            }
        if kind == "withdrawal":
            # "X was abandoned", nobody named: whoever held it left, and places are
            # held by the start state's holder unless a report says otherwise.
            holder = self.profile.start_state if self.profile.start_state in self.profile.actor_ids else None
            leaver = doer or (holder if hit.voice == "passive" else None)
            gainer = self.opponent(leaver) if leaver else None
            attacker = leaver if leaver and not self.on_government_side(leaver) else gainer
            return {"doer": doer, "gainer": gainer, "attacker": attacker, "leaver": leaver}
        if kind == "clash":
            attacker = self._clash_attacker(hit, text, before, after, actors, doer)
            return {"doer": doer, "gainer": attacker, "attacker": attacker, "leaver": self.opponent(attacker)}
        gainer = doer
        if gainer is None:
            gainer = self.government if kind == "recapture" else self.profile.default_actor
        return {"doer": doer, "gainer": gainer, "attacker": gainer, "leaver": self.opponent(gainer)}

    def _clash_attacker(
        self,
        hit: TriggerMention,
        text: str,
        before: tuple[int, int],
        after: tuple[int, int],
        actors: list[ActorMention],
        doer: str | None,
    ) -> str | None:
        """Who attacked.

        "an attack by X was repelled", "repelled an attack by X": X attacked;
        "the attack was repelled by X", "X repelled the attack": X defended, and
        the attacker is the other side; "X repelled Y": Y attacked; "fighting
        between X and Y": the side that is not the government's, when named.
        Where the profile's sides leave the other side open, the other actor
        the sentence names is taken.
        """
        attack_by = lexicon.ATTACK_BY.search(text, before[0], after[1])
        if attack_by:
            # The attacker's name follows the preposition at once ("attacks by the
            # Taliban"); "attacks from three sides on X," an official said"
            # names none.
            named = self._actor_in(actors, attack_by.end(), min(after[1], attack_by.end() + 25), last=False)
            if named:
                return named
        named_before = self._actor_in(actors, *before, last=True)
        if hit.name == "was-attacked":
            # "X was attacked by Y", "X came under attack from Y": Y attacked.
            return doer or self._actor_in(actors, *after, last=False) or self.profile.default_actor
        if hit.voice == "passive":
            defender = doer or named_before
            if named_before and doer and named_before != doer:
                return named_before
            return self._other_side(defender, actors) if defender else self.profile.default_actor
        if hit.voice == "nominal":
            return self._challenger(actors, before[0], after[1]) or self.profile.default_actor
        if hit.name == "repelled":
            agent = lexicon.DEFENDER_AFTER.match(text, hit.end, after[1])
            if agent:
                defender = self._actor_in(actors, agent.start("rest"), agent.end("rest"), last=False)
                if defender:
                    return self._other_side(defender, actors)
            repelled = self._actor_in(actors, hit.end, min(after[1], hit.end + 60), last=False)
            if repelled:
                return repelled
            if named_before is None:
                return self.profile.default_actor
            if lexicon.ATTACK_WORDS.search(text, before[0], before[1]):
                return named_before
            return self._other_side(named_before, actors)
        return named_before or self._challenger(actors, before[0], after[1]) or self.profile.default_actor

    def _other_side(self, actor: str | None, actors: list[ActorMention]) -> str | None:
        """The side fighting `actor`: from the profile's sides, else the other actor named."""
        found = self.opponent(actor)
        if found is not None or actor is None:
            return found or self.profile.default_actor
        own = self.profile.side_of(actor)
        named = [a.actor for a in actors if self.profile.side_of(a.actor) != own]
        return named[0] if named else self.profile.default_actor

    def _challenger(self, actors: list[ActorMention], lo: int, hi: int) -> str | None:
        """Of the actors named in a stretch, the first not on the government's side."""
        inside = [a.actor for a in actors if lo <= a.start and a.end <= hi]
        for actor in inside:
            if not self.on_government_side(actor):
                return actor
        return None


def partial_place(text: str, start: int, end: int | None = None) -> bool:
    """Do the words around a place say only part of it, or something in it, is
    meant ("parts of X", "villages around X", "X's outskirts")? Not when all of
    it is ("all the government buildings in X")."""
    if end is not None and lexicon.POSSESSIVE_PART_AFTER.match(text[end : end + 40]):
        return True
    found = lexicon.PARTIAL_BEFORE.search(text, max(0, start - 40), start)
    if found is None:
        return False
    if lexicon.MAJORITY_PART_BEFORE.search(text, max(0, start - 40), start):
        return False  # "the central parts of X": X's core is X
    if lexicon.SEAT_BEFORE.search(text, max(0, start - 60), start) or lexicon.SEAT_LISTED_BEFORE.search(
        text, max(0, start - 140), start
    ):
        # "the governor's compound in X", "took the district centre, the police
        # headquarters and a base in X": who holds the seat holds X.
        return False
    return not lexicon.ALL_OF_BEFORE.search(text, max(0, found.start() - 30), found.start())


def _asserted(text: str, clause_start: int, hit: TriggerMention) -> bool:
    """Is the trigger asserted as a fact? Not after an intention, a threat, an
    attempt or a modal ("vowed to retake", "could fall"), nor in a question or a
    condition ("if X falls"); but "forced them to flee" says they fled."""
    prefix = text[clause_start : hit.start]
    if (
        lexicon.INTENTION.search(prefix)
        and not lexicon.CAUSED.search(prefix)
        and not lexicon.ORDINAL_INFINITIVE.search(prefix)
    ):
        return False
    if lexicon.MODAL_OVER_CAUSED.search(prefix):
        return False
    caused = lexicon.CAUSED.search(prefix)
    if caused and lexicon.MODAL_BEFORE_CAUSATIVE.search(prefix, 0, caused.start()):
        return False  # "would have allowed them to enter X": it did not happen
    if lexicon.QUESTION_AFTER.match(text, hit.end):
        return False
    if hit.voice == "nominal" and lexicon.NOMINAL_UNREAL_AFTER.match(text, hit.end):
        return False  # "the fall of X would be a turning point"
    if hit.voice in ("nominal", "either") and (
        lexicon.HYPOTHETICAL_BEFORE.search(text, max(0, hit.start - 40), hit.start)
        or lexicon.PLANNED_NOUN_BEFORE.search(text, max(0, hit.start - 40), hit.start)
        or (
            hit.kind in ("capture", "recapture")
            and lexicon.BEGUN_BEFORE.search(text, max(0, hit.start - 40), hit.start)
        )
    ):
        return False  # "the possible fall of X", "planning an assault on X"
    low = text.lower()  # cheap word checks first: most sentences hold none of these cues
    if " be the " in low and lexicon.MODAL_ORDINAL.search(text, 0, hit.start):
        return False  # "X may be the next to fall"
    if any(cue in low for cue in lexicon.REPEATED_CUES) and (
        lexicon.REPEATED_AFTER.match(text, hit.end)
        or lexicon.REPEATED_AFTER.search(text, max(0, hit.start - 30), hit.start)
    ):
        return False  # "has changed hands several times": no one event
    if (
        "once" in low
        and lexicon.ONCE_BEFORE.search(text, 0, hit.start)
        and lexicon.PRESENT_TENSE_AT.match(text, hit.start)
    ):
        return False  # "once X falls": a condition
    return not lexicon.CONDITIONAL.search(text[: hit.start])


def _relation_is_argument(text: str, lp: LinkedPlace, hit: TriggerMention) -> bool:
    """A landmark is the trigger's place only where the relation belongs to the
    trigger: "laid siege to X", "swept into X", "one kilometer from X" (the
    relation ends the trigger), "the outskirts of X" (an assault on X's edge),
    "retreated from X" (the place left). "Fighting near X" is about somewhere
    near X, not X."""
    return _relation_belongs_to_trigger(text, lp.relation, lp.start, hit)


def _relation_belongs_to_trigger(text: str, relation: str | None, start: int, hit: TriggerMention) -> bool:
    """`_relation_is_argument` for a relational word before position `start` (a
    name, or words standing for a place: "the outskirts of the capital")."""
    if relation in lexicon.LANDMARK_ONLY:
        return False
    if hit.kind == "withdrawal" and relation in lexicon.DESTINATIONS:
        return False  # "fled to X": where they went, not what they left
    if lexicon.ONLY_DETERMINERS.fullmatch(text, hit.end, start):
        return True  # "swept into X", "drove them out of X", "laid siege to X"
    if hit.kind in ("siege", "clash") and relation in ("outskirts of", "around"):
        return True
    return hit.kind == "withdrawal" and relation in ("from", "away from")


def _gap(hit: TriggerMention, start: int, end: int) -> int:
    """Characters between a trigger and a span, whichever comes first."""
    return hit.start - end if end <= hit.start else max(0, start - hit.end)


def _semicolon_in_a_list(
    text: str,
    match: re.Match[str],
    linked: list[LinkedPlace],
    triggers: list[TriggerMention],
    clause_start: int,
) -> bool:
    """Is this break a semicolon between the items of one list of places? Items
    that carry words of their own are parted by semicolons ("X district in P;
    Y in Q; and Z in R were captured"), and the list is one subject or object.

    The item before ends in a place (and a level word), the next starts with
    one. Where a verb came before in the clause the list is its object, and
    each item must end where the list goes on or the sentence ends: in
    "seized X; Kabul could be captured" a new clause begins.
    """
    if match.group(0) != ";":
        return False
    before = [lp for lp in linked if lp.end <= match.start()]
    if not before or not lexicon.LIST_ITEM_TAIL.fullmatch(text, before[-1].end, match.start()):
        return False
    head = lexicon.LIST_ITEM_HEAD.match(text, match.end())
    item = next((lp for lp in linked if head is not None and lp.start == head.end()), None)
    if item is None:
        return False
    if not any(clause_start <= t.start < match.start() for t in triggers):
        return True  # a list of subjects: its verb comes after the last item
    end = _tail_end(text, item.end)
    where = lexicon.LIST_ITEM_WHERE.match(text, end)
    if where is not None:
        inside = next((lp for lp in linked if lp.start == where.end()), None)
        if inside is not None:
            end = _tail_end(text, inside.end)
    return lexicon.LIST_ITEM_END.match(text, end) is not None


def _tail_end(text: str, position: int) -> int:
    """Past the level word after a place ("Tarrow district"), if any."""
    tail = lexicon.LIST_ITEM_TAIL.match(text, position)
    return tail.end() if tail else position


def _list_end(text: str, start: int, end: int, linked: list[LinkedPlace]) -> int:
    """Where the noun phrase after a trigger ends: at the first comma that does
    not go on with another place of a list ("captured X, Y and Z districts" goes
    on; "took over X, 42 kilometers from Y" stops at the comma)."""
    starts = {r.start for r in linked}
    for match in re.finditer(r"[,(]", text[start:end]):
        cut = start + match.start()
        rest = text[cut + 1 : end]
        gap = len(rest) - len(rest.lstrip(" "))
        following = cut + 1 + gap
        if following in starts or lexicon.LIST_GOES_ON.match(rest):
            continue  # the list goes on (with a name the gazetteer may not know)
        if not any(start <= r.start < cut for r in linked) and lexicon.ANAPHORA.search(text[start:cut]):
            continue  # nothing named yet: "took control of the city, the capital of X"
        return cut
    return end


def _reduced_relative(text: str, hit: TriggerMention) -> bool:
    """Is the trigger a bare participle describing the noun before it ("areas
    taken in February"), with no auxiliary making it a verb of its own?"""
    return bool(
        lexicon.PARTICIPLE_WORD.match(text, hit.start, hit.end)
        and not lexicon.AUXILIARY_BEFORE.search(text, max(0, hit.start - 24), hit.start)
        # Past tense looks the same ("forces captured Lyman"); a participle phrase
        # goes on with an adverbial, not an object.
        and lexicon.ADVERBIAL_AHEAD.match(text, hit.end)
    )


def _said_untrue(text: str, hit: TriggerMention) -> bool:
    """Is the clause of the trigger said to be false ("it is not true that X
    fell", "reports that X had fallen were false")?"""
    low = text.lower()
    if not any(cue in low for cue in lexicon.UNTRUE_CUES):
        return False
    if lexicon.UNTRUE_BEFORE.search(text, 0, hit.start) or lexicon.DENIED_CLAUSE_BEFORE.search(
        text, 0, hit.start
    ):
        return True
    return bool(
        lexicon.REPORTS_THAT_BEFORE.search(text, 0, hit.start) and lexicon.UNTRUE_AFTER.match(text, hit.end)
    )
