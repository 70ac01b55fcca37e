"""`rules.v1`: the default, deterministic extractor.

How it reads a report:

1. **Cheap first pass.** One gazetteer scan finds every place name; one scan
   per trigger family finds the words that signal a change of control. Only
   sentences holding a trigger *and* a place (or a word standing for one, like
   "the city") are analysed further; most sentences never are.
2. **Clause roles.** For each trigger, the place is looked for where its
   *voice* puts it: after an active verb ("captured X"), before a passive one
   ("X fell"), in an "including X, Y" list, or through a word like "the
   provincial capital" resolved from context. Provinces that only say where a
   place lies ("Doshi district in Baghlan province"), places after relational
   words ("near", "to", "borders") and places naming a speaker ("Baghlan
   police") are not event places.
3. **Actor, kind and polarity.** The actor comes from the profile's aliases
   around the trigger; intentions ("preparing to retake") are dropped;
   negations ("had not entered") become `negated` events.
4. **Attribution and certainty.** Who says so and which side they speak for
   (profile markers), hedges, claims and denials set the certainty.
5. **Dates.** The date expression nearest the trigger, resolved against the
   publication date; else the publication date itself.

Every heuristic it uses is data in `lexicon.py` or in the profile.
"""

from __future__ import annotations

import dataclasses
import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from ..models import Document, Event, Evidence, Place
from ..places.gazetteer import Gazetteer, Mention
from ..profile import Profile
from . import lexicon
from .dates import DateMention, ResolvedDate, find_dates, publication_date, resolve_relative_date
from .sentences import split_sentences

# How far (in characters) a date outside the trigger's clause may stand and
# still date it.
MAX_DATE_DISTANCE = 60
# "In the past 24 hours" only says "by the time of writing": any other date
# in the sentence is better.
WEAK_DATE_PENALTY = 200
CERTAINTY_RANK = {"confirmed": 4, "reported": 3, "claimed": 2, "unverified": 1, "denied": 0}
BASIS_RANK = {"explicit": 2, "relative": 1, "publication": 0}


@dataclass(frozen=True)
class TriggerHit:
    start: int
    end: int
    kind: str
    voice: str
    name: str


@dataclass
class ResolvedMention:
    start: int
    end: int
    text: str
    place: Place
    role: str = "event"  # event / context / speaker / relation / facility
    as_capital: bool = False


@dataclass
class Context:
    """What the reader remembers while moving through a report."""

    provinces: Counter[str] = field(default_factory=Counter)
    last_province: str | None = None
    last_district: str | None = None
    last_city: str | None = None
    last_event_place: str | None = None
    last_date: date | None = None
    speakers: dict[str, str] = field(default_factory=dict)  # surname -> side
    sentence_index: int = 0
    last_event_sentence: int = -10
    previous_kinds: frozenset[str] = frozenset()


def _compile_aliases(phrases: list[str]) -> re.Pattern[str] | None:
    cleaned = sorted({p.strip() for p in phrases if p.strip()}, key=len, reverse=True)
    if not cleaned:
        return None
    body = "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in cleaned)
    return re.compile(r"(?<![\w-])(?:" + body + r")(?![\w-])", re.IGNORECASE)


class RulesExtractor:
    """Deterministic, explainable extraction driven by the profile and the lexicon."""

    name = "rules.v1"

    def __init__(self, gazetteer: Gazetteer, profile: Profile):
        self.gazetteer = gazetteer
        self.profile = profile
        self.government = profile.government
        non_government = [a.id for a in profile.actors if a.id != profile.government]
        self.insurgent = non_government[0]
        self.actor_patterns: list[tuple[str, re.Pattern[str]]] = []
        self.side_patterns: list[tuple[str, re.Pattern[str]]] = []
        for actor in profile.actors:
            alias_re = _compile_aliases([*actor.aliases, actor.name])
            if alias_re:
                self.actor_patterns.append((actor.id, alias_re))
            side_re = _compile_aliases([*actor.aliases, *actor.source_markers, actor.name])
            if side_re:
                self.side_patterns.append((actor.id, side_re))
        # "Afghan", "Ukrainian": words of the actors' names may precede a place.
        self.prefix_allowed = lexicon.NAME_PREFIX_ALLOWED | {
            word.lower()
            for actor in profile.actors
            for alias in (*actor.aliases, actor.name)
            for word in re.findall(r"[A-Z][\w-]+", alias)
        }
        self.independent_re = _compile_aliases(list(lexicon.INDEPENDENT_MARKERS))
        self.triggers: list[tuple[lexicon.Trigger, re.Pattern[str]]] = [
            (t, re.compile(t.pattern, re.IGNORECASE)) for t in lexicon.TRIGGERS
        ]
        for kind, phrases in profile.triggers.items():
            extra = _compile_aliases(list(phrases))
            if extra is not None:
                trigger = lexicon.Trigger(f"profile-{kind}", kind, "active", extra.pattern)
                self.triggers.append((trigger, extra))
        self.places: dict[str, Place] = gazetteer.places
        self.country_re = re.compile(
            r"\b(?:the\s+country|" + re.escape(profile.country_name) + r")\b", re.IGNORECASE
        )

    # --- the first pass ---------------------------------------------------

    def _find_triggers(self, text: str, offset: int = 0) -> list[TriggerHit]:
        """Every trigger in `text` (one sentence), with offsets in the document."""
        if not lexicon.TRIGGER_STEMS.search(text):
            return []
        hits: list[TriggerHit] = []
        lowered = text.lower()
        for trigger, pattern in self.triggers:
            if trigger.stems and not any(stem in lowered for stem in trigger.stems):
                continue
            for match in pattern.finditer(text):
                start, end = match.span()
                # Leading auxiliaries belong to the clause, not the trigger.
                while start < end and text[start].isspace():
                    start += 1
                if trigger.kind == "siege" and lexicon.LOCATION_DESCRIPTION.search(
                    text[max(0, start - 30) : start]
                ):
                    continue  # "located 50 kilometres south of X": geography, not a siege
                if trigger.voice == "passive" and lexicon.NOUN_USE_BEFORE.search(
                    text[max(0, start - 8) : start]
                ):
                    continue  # "the city's fall": a noun, not a verb
                hits.append(
                    TriggerHit(start + offset, end + offset, trigger.kind, trigger.voice, trigger.name)
                )
        # Where triggers overlap, the longest wins ("fallen under Taliban control"
        # over "fallen").
        hits.sort(key=lambda h: (-(h.end - h.start), h.start))
        kept: list[TriggerHit] = []
        for hit in hits:
            if all(hit.end <= k.start or hit.start >= k.end for k in kept):
                kept.append(hit)
        kept.sort(key=lambda h: h.start)
        return kept

    def extract_batch(self, documents: Sequence[Document], config: object = None) -> list[list[Event]]:
        return [self.extract(doc) for doc in documents]

    def extract(self, doc: Document) -> list[Event]:
        text = doc.text
        if not text or not text.strip():
            return []
        published = doc.published_date
        mentions = self.gazetteer.find_mentions(text)
        mention_starts = [m.start for m in mentions]
        context = Context()
        if doc.title:
            for m in self.gazetteer.find_mentions(doc.title):
                place = self._pick(m.place_ids, m.level_hint, None, context)
                if place is not None:
                    self._remember(place, context)
        events: list[Event] = []
        for s_start, s_end in split_sentences(text):
            sentence = text[s_start:s_end]
            lo, hi = bisect_left(mention_starts, s_start), bisect_left(mention_starts, s_end)
            sentence_mentions = mentions[lo:hi]
            sentence_triggers = self._find_triggers(sentence, s_start)
            resolved = self._resolve_mentions(sentence, s_start, sentence_mentions, context)
            continuation = lexicon.LIST_CONTINUATION.match(sentence)
            if continuation and "capture" in context.previous_kinds:
                sentence_triggers = [
                    TriggerHit(
                        s_start + continuation.start(),
                        s_start + continuation.end(),
                        "capture",
                        "nominal",
                        "list-continuation",
                    ),
                    *sentence_triggers,
                ]
            recent_event = context.sentence_index - context.last_event_sentence <= 2
            follows_up = recent_event and any(
                t.kind in ("withdrawal", "surrender") for t in sentence_triggers
            )
            worth_reading = sentence_triggers and (
                resolved or follows_up or lexicon.ANAPHORA.search(sentence)
            )
            produced: list[Event] = []
            if worth_reading and not (
                lexicon.RELATED_LINE.match(sentence) or lexicon.HISTORICAL.search(sentence)
            ):
                produced = self._analyse_sentence(
                    doc, sentence, s_start, resolved, sentence_triggers, context, published
                )
                events.extend(produced)
            if sentence_triggers and not produced:
                # "Nine more districts were captured on Sunday": no place, but a date
                # the next sentence's list may need.
                first = sentence_triggers[0]
                local_hit = TriggerHit(
                    first.start - s_start, first.end - s_start, first.kind, first.voice, first.name
                )
                self._date_for(local_hit, find_dates(sentence), published, context, (0, len(sentence)))
            for rm in resolved:
                self._remember(rm.place, context, local=rm.role in ("event", "relation"))
            context.previous_kinds = frozenset(t.kind for t in sentence_triggers)
            context.sentence_index += 1
        return merge_duplicates(events)

    # --- places -----------------------------------------------------------

    def _pick(
        self, place_ids: tuple[str, ...], level_hint: str | None, near_province: str | None, context: Context
    ) -> Place | None:
        """Choose one place among the candidates of an ambiguous name."""
        candidates = [self.places[p] for p in place_ids if p in self.places]
        if not candidates:
            return None
        admin1 = [p for p in candidates if p.level == "admin1"]
        units = [p for p in candidates if p.level in ("admin2", "admin3")]
        towns = [p for p in candidates if p.level in ("populated_place", "crossing")]
        if level_hint == "province" and admin1:
            pool = admin1
        elif level_hint == "district" and units or units:
            pool = units
        elif towns:
            pool = towns
        else:
            pool = admin1 or candidates
        if len(pool) == 1:
            return pool[0]

        def score(place: Place) -> tuple[int, int, int, int]:
            province = place.admin1 or place.id
            return (
                int(near_province is not None and province == near_province),
                # Provincial capitals are far more often in the news than
                # namesake rural districts (Fayzabad of Badakhshan vs of Jawzjan).
                int(self.gazetteer.capital_of(province) == place.id),
                context.provinces.get(province, 0),
                int(province == context.last_province),
            )

        return max(pool, key=score)

    def _resolve_mentions(
        self, sentence: str, offset: int, mentions: list[Mention], context: Context
    ) -> list[ResolvedMention]:
        """Give each name in a sentence one place and a role."""
        # Provinces named in the sentence help tell apart districts sharing a name.
        sentence_provinces: list[tuple[int, str]] = []
        for m in mentions:
            ids = m.place_ids
            for pid in ids:
                place = self.places.get(pid)
                if place is not None and place.level == "admin1":
                    sentence_provinces.append((m.start, place.id))
        resolved: list[ResolvedMention] = []
        previous_end = 0
        for m in mentions:
            start = m.start - offset
            end = m.end - offset
            before = sentence[max(0, start - 60) : start]
            after = sentence[end : end + 40]
            hint = m.level_hint
            if (
                hint == "district"
                and resolved
                and re.fullmatch(
                    r"\s+districts?\s+of\s+(?:the\s+)?(?:\w+\s+){0,2}?", sentence[resolved[-1].end : start]
                )
            ):
                hint = None  # "Burka district of Baghlan": the hint was Burka's
            following = [p for s, p in sentence_provinces if s > m.start]
            near = following[0] if following else (sentence_provinces[0][1] if sentence_provinces else None)
            ids = m.place_ids
            has_admin1 = any(self.places[p].level == "admin1" for p in ids if p in self.places)
            context_like = bool(lexicon.CONTEXT_BEFORE_PROVINCE.search(before)) and bool(
                start - previous_end < 60 or lexicon.LOCATIVE_WORD.search(before[-30:])
            )
            if (
                hint == "province"
                and resolved
                and resolved[-1].place.level != "admin1"
                and re.fullmatch(
                    r"(?:,|\s+(?:of|in))\s+(?:the\s+)?(?:\w+\s+)?", sentence[resolved[-1].end : start]
                )
            ):
                context_like = True  # "Dand Patan district, Paktia province", "X of Parwan province"
            if (
                resolved
                and resolved[-1].role == "context"
                and lexicon.LIST_SEPARATOR.fullmatch(sentence[resolved[-1].end : start])
            ):
                context_like = True  # "the provinces of Kunduz, Baghlan and Balkh"
            capital_reading = bool(lexicon.CAPITAL_OF.search(before)) and has_admin1
            if has_admin1 and (
                hint == "province" or capital_reading or (context_like and hint not in ("district", "city"))
            ):
                place = self._pick(ids, "province", near, context)
            else:
                place = self._pick(ids, hint, near, context)
            if place is None:
                continue
            role = "event"
            word_before = re.search(r"([A-Z][\w’'-]*)\s$", sentence[max(0, start - 30) : start])
            line_start = start == 0 or sentence[:start].rstrip(" \t").endswith("\n")
            if (
                word_before
                and word_before.start() + max(0, start - 30) > 0
                and (
                    word_before.group(1).lower() not in self.prefix_allowed
                    and not word_before.group(1).endswith(("’s", "'s"))
                    and not any(r.end >= start - len(word_before.group(0)) - 1 for r in resolved[-1:])
                )
            ):
                continue  # part of a person's or an organisation's name ("Abdul Mannan Qate")
            if line_start and lexicon.DATELINE_AFTER.match(after):
                continue  # a dateline, not where the news happened
            if lexicon.POSSESSIVE_AFTER.match(after):
                role = "context"  # "Ghazni's Jaghatu district"
            elif lexicon.FACILITY_AFTER_PLACE.match(after):
                role = "facility"
            elif lexicon.ROLE_AFTER_PLACE.match(after):
                role = "speaker"
                if has_admin1 and place.level != "admin1":
                    place = self._pick(ids, "province", near, context) or place
            elif lexicon.RELATION_BEFORE_PLACE.search(before[-40:]):
                role = "relation"
            as_capital = False
            if place.level == "admin1":
                # "the capital of Nimroz": the capital is meant, unless a city was
                # just named in apposition ("Zaranj, the capital of Nimroz").
                appositive = (
                    bool(resolved)
                    and start - resolved[-1].end < 70
                    and bool(
                        re.search(
                            r",\s*(?:the\s+)?(?:\w+\s+){0,3}?capital", sentence[resolved[-1].end : start]
                        )
                    )
                )
                object_of_verb = lexicon.PROVINCE_AS_OBJECT.search(before)
                if capital_reading and not appositive:
                    as_capital = True
                elif capital_reading or lexicon.UNITS_AFTER_PLACE.match(after):
                    # "Zaranj, the capital of Nimroz", "the Kapisa districts": where, not what
                    role = "context" if role == "event" else role
                elif object_of_verb and object_of_verb.group(1).lower() not in lexicon.NOT_A_VERB:
                    role = "event" if role == "event" else role  # "captured the province of X"
                elif hint == "province" and not context_like:
                    role = role if role != "event" else "event"
                elif context_like or hint is None:
                    role = "context" if role == "event" else role
            resolved.append(ResolvedMention(start, end, sentence[start:end], place, role, as_capital))
            previous_end = end
        # A list continuing a capital reading ("the capitals of Kandahar, Helmand and Zabul").
        for i in range(1, len(resolved)):
            prev, cur = resolved[i - 1], resolved[i]
            if (
                prev.as_capital
                and cur.place.level == "admin1"
                and lexicon.LIST_SEPARATOR.fullmatch(sentence[prev.end : cur.start])
            ):
                cur.as_capital = True
                cur.role = "event"
        return resolved

    def _remember(self, place: Place, context: Context, local: bool = True) -> None:
        province = place.admin1 if place.level != "admin1" else place.id
        if province:
            context.provinces[province] += 1
            context.last_province = province
        if not local:
            return  # "Baghlan police", "in Kunduz province": no district to refer back to
        if place.level in ("admin2", "admin3"):
            context.last_district = place.id
            context.last_city = place.id
        elif place.level in ("populated_place", "crossing"):
            context.last_city = place.id

    def _event_place(self, rm: ResolvedMention) -> Place | None:
        if rm.as_capital:
            capital = self.gazetteer.capital_of(rm.place.id)
            return self.places.get(capital) if capital else None
        return rm.place

    def _names_unknown_place(self, text: str) -> bool:
        """Does `text` name something the gazetteer does not know (a capitalised word
        that is neither an actor nor a known place)?"""
        for word in re.finditer(r"(?<![\w’'])[A-Z][a-z]{2,}", text):
            if word.start() == 0 and text[:1].isupper():
                continue  # sentence-initial capital
            if any(p.search(word.group(0)) for _, p in self.actor_patterns):
                continue
            if word.group(0).lower() in self.prefix_allowed:
                continue
            return True
        return False

    def _anaphor_place(
        self, phrase: str, resolved: list[ResolvedMention], before: int, context: Context
    ) -> Place | None:
        """Resolve "the provincial capital", "the city", "the district", "it"."""
        phrase = phrase.lower()
        earlier = [r for r in resolved if r.end <= before]
        provinces = [r.place.id for r in resolved if r.place.level == "admin1"]
        if "capital" in phrase:
            named_before = [r for r in earlier if r.place.level != "admin1"]
            if named_before and before - named_before[-1].end <= 3:
                return named_before[-1].place  # "Kunduz, the provincial capital"
            provinces_before = [r.place.id for r in earlier if r.place.level == "admin1"]
            province = (
                provinces_before[-1]
                if provinces_before
                else provinces[0]
                if provinces
                else context.last_province
            )
            capital = self.gazetteer.capital_of(province) if province else None
            return self.places.get(capital) if capital else None
        if "province" in phrase:
            province = provinces[-1] if provinces else context.last_province
            return self.places.get(province) if province else None
        local = [r.place for r in earlier if r.place.level != "admin1"]
        if local:
            return local[-1]
        if phrase == "them":
            return None
        if phrase in ("it",):
            return self.places.get(context.last_event_place or "")
        target = context.last_city if ("city" in phrase or "town" in phrase) else context.last_district
        return self.places.get(target or "")

    # --- one sentence -----------------------------------------------------

    def _analyse_sentence(
        self,
        doc: Document,
        sentence: str,
        offset: int,
        resolved: list[ResolvedMention],
        triggers: list[TriggerHit],
        context: Context,
        published: date | None,
    ) -> list[Event]:
        breaks = [0] + [m.end() for m in lexicon.CLAUSE_BREAK.finditer(sentence)] + [len(sentence)]
        break_starts = [m.start() for m in lexicon.CLAUSE_BREAK.finditer(sentence)]
        local = [TriggerHit(t.start - offset, t.end - offset, t.kind, t.voice, t.name) for t in triggers]
        source, sides = self._attribution(sentence, context)
        dates = find_dates(sentence)
        produced: list[Event] = []
        for index, hit in enumerate(local):
            clause_start = max([b for b in breaks if b <= hit.start] or [0])
            prefix = sentence[clause_start : hit.start]
            if lexicon.INTENTION.search(prefix):
                continue
            negated = bool(lexicon.NEGATION.search(prefix))
            previous_end = local[index - 1].end if index else 0
            next_start = local[index + 1].start if index + 1 < len(local) else len(sentence)
            clause_end = min([b for b in break_starts if b >= hit.end] + [len(sentence)])
            before_span = (max(clause_start, previous_end), hit.start)
            after_span = (hit.end, _list_end(sentence, hit.end, min(clause_end, next_start), resolved))
            if hit.kind == "withdrawal" and self.country_re.search(sentence[hit.end : hit.end + 40]):
                continue  # foreign troops leaving the country, not a place changing hands
            if hit.voice == "passive":
                places = self._places_in(
                    before_span, sentence, resolved, hit, context, anaphora=False, fallback=False
                )
                if not places and clause_start > 0:
                    # Step back over a parenthetical clause: "X, which borders Y, was retaken".
                    places = self._places_in_clause_before(
                        breaks, clause_start, previous_end, sentence, resolved, hit, context
                    )
                places = places or self._places_in(before_span, sentence, resolved, hit, context)
            elif hit.voice == "either":
                places = self._places_in(
                    before_span, sentence, resolved, hit, context, anaphora=False, fallback=False
                )
                places = places or self._places_in(
                    after_span, sentence, resolved, hit, context, fallback=False
                )
                places = places or self._places_in(before_span, sentence, resolved, hit, context)
            else:
                places = self._places_in(
                    after_span, sentence, resolved, hit, context, fallback=hit.kind != "withdrawal"
                )
                if not places and hit.kind == "withdrawal":
                    # Where the leavers were: "forces stationed in the district's
                    # centre retreated", "forces for the Mandol district ... retreated".
                    places = self._places_in(
                        before_span, sentence, resolved, hit, context, fallback=False, locative=True
                    )
                    if not places and clause_start > 0:
                        places = self._places_in_clause_before(
                            breaks, clause_start, previous_end, sentence, resolved, hit, context
                        )
                    places = places or self._places_in(after_span, sentence, resolved, hit, context)
            # "..., including Dasht-e-Archi": the list after the trigger counts too.
            tail = sentence[hit.end : min(next_start, clause_end)]
            including = lexicon.INCLUDING.search(tail)
            if including:
                list_start = hit.end + including.end()
                list_end = min([b for b in break_starts if b > list_start] + [next_start])
                places += self._places_in(
                    (list_start, list_end), sentence, resolved, hit, context, anaphora=False
                )
            if not places:
                continue
            kind, actor = self._kind_and_actor(hit, sentence, clause_start, clause_end)
            if kind is None or actor is None:
                continue
            if negated and kind != "capture":
                continue
            resolved_date = self._date_for(hit, dates, published, context, (clause_start, clause_end), local)
            certainty = self._certainty(sentence, kind, actor, sides, hit)
            opponent = self._opponent(actor)
            seen: set[str] = set()
            for place in places:
                if place.id in seen:
                    continue
                seen.add(place.id)
                produced.append(
                    self._event(
                        doc,
                        sentence,
                        offset,
                        place,
                        kind,
                        actor,
                        opponent,
                        resolved_date,
                        source,
                        sides,
                        certainty,
                        negated,
                        hit,
                    )
                )
        produced += self._denials_of(produced, sentence, local, context)
        for event in produced:
            if not event.negated:
                context.last_event_place = event.place_id
                context.last_event_sentence = context.sentence_index
        return produced

    def _denials_of(
        self, produced: list[Event], sentence: str, hits: list[TriggerHit], context: Context
    ) -> list[Event]:
        """ "The Taliban claimed X, but the ministry denied the claim": the claim
        stays, and its denial is evidence too (a `denied` copy, sourced to the
        denier)."""
        last_trigger = max((h.end for h in hits), default=0)
        denial = lexicon.DENIAL_OF_CLAIM.search(sentence, last_trigger)
        if denial is None:
            return []
        clause = re.split(r"[,;]|\b(?:but|while|however)\b", sentence[last_trigger : denial.start()])[-1]
        denier = clause.strip() or None
        sides = self._sides(denier, context) if denier else set()
        denied: list[Event] = []
        for event in produced:
            if event.kind not in ("capture", "recapture") or event.negated:
                continue
            copy = dataclasses.replace(event, certainty="denied", source=denier)
            copy.source_side = (
                sorted(s for s in sides if s != "independent")[0]
                if sides - {"independent"}
                else event.source_side
            )
            denied.append(copy)
        return denied

    def _places_in_clause_before(
        self,
        breaks: list[int],
        clause_start: int,
        previous_end: int,
        sentence: str,
        resolved: list[ResolvedMention],
        hit: TriggerHit,
        context: Context,
    ) -> list[Place]:
        """Named places of the clause before the trigger's own (no anaphora, no fallback)."""
        earlier = max([b for b in breaks if b < clause_start - 1] or [0])
        span = (max(earlier, previous_end), clause_start)
        return self._places_in(span, sentence, resolved, hit, context, anaphora=False, fallback=False)

    def _places_in(
        self,
        span: tuple[int, int],
        sentence: str,
        resolved: list[ResolvedMention],
        hit: TriggerHit,
        context: Context,
        anaphora: bool = True,
        fallback: bool = True,
        locative: bool = False,
    ) -> list[Place]:
        lo, hi = span
        found: list[Place] = []
        for rm in resolved:
            if rm.start < lo or rm.end > hi:
                continue
            if rm.role in ("speaker", "context", "facility"):
                continue
            if rm.role == "relation":
                # "retreated from X" names the place left; "to X" where they went;
                # "one kilometer from X" carries its relation inside the trigger.
                between = sentence[max(0, rm.start - 25) : rm.start].lower()
                inside_trigger = hit.kind == "siege" and not sentence[hit.end : rm.start].strip(" the")
                attacked_near = hit.kind in ("siege", "clash") and re.search(
                    r"\b(?:outskirts|near|around)\b", between
                )
                leaving = hit.kind == "withdrawal" and re.search(r"\bfrom\b", between)
                if not (inside_trigger or attacked_near or leaving):
                    continue
            place = self._event_place(rm)
            if place is not None:
                found.append(place)
        if found or not anaphora:
            return found
        window = sentence[lo:hi]
        for match in lexicon.ANAPHORA.finditer(window):
            if self._names_unknown_place(window[: match.start()]):
                break  # "captured Shir Khan port and the town": the town is that unknown place
            after = window[match.end() : match.end() + 30]
            if lexicon.ROLE_AFTER_PLACE.match(after) or lexicon.OF_AFTER.match(after):
                continue  # "the city police", "the province of X" name no place here
            seat_of_power = lexicon.SEAT_OF_POWER.search(window[: match.start()])
            if not locative and not seat_of_power and lexicon.LOCATIVE_BEFORE.search(window[: match.start()]):
                continue  # "clashes in the district": where, not what
            if lexicon.RELATION_BEFORE_PLACE.search(
                sentence[max(0, lo + match.start() - 40) : lo + match.start()]
            ):
                continue
            word = match.group(0).lower()
            if word in ("it", "them") and hit.voice == "passive":
                continue
            if word == "them":
                # "... in Khawja Ghar and Bangi districts and have regained control of them"
                named = [
                    self._event_place(r)
                    for r in resolved
                    if r.end <= lo + match.start() and r.role == "event"
                ]
                return [p for p in named if p is not None]
            place = self._anaphor_place(match.group(0), resolved, lo + match.start(), context)
            if place is not None:
                return [place]
        recent = context.sentence_index - context.last_event_sentence <= 2
        local_party = hit.kind == "withdrawal" or bool(
            lexicon.LOCAL_SURRENDER.search(sentence[max(0, hit.start - 80) : hit.start])
        )
        if (
            fallback
            and hit.kind in ("withdrawal", "surrender")
            and context.last_event_place
            and (recent and local_party)
        ):
            # "the ANDSF retreated", "the local leadership surrendered": the place
            # the report has just been talking about.
            place = self.places.get(context.last_event_place)
            return [place] if place else []
        return []

    # --- who, what ----------------------------------------------------------

    def _actor_in(self, text: str, last: bool) -> str | None:
        best: tuple[int, str] | None = None
        for actor_id, pattern in self.actor_patterns:
            for match in pattern.finditer(text):
                pos = match.start()
                if best is None or (pos > best[0] if last else pos < best[0]):
                    best = (pos, actor_id)
        return best[1] if best else None

    def _kind_and_actor(
        self, hit: TriggerHit, sentence: str, clause_start: int, clause_end: int
    ) -> tuple[str | None, str | None]:
        before = sentence[clause_start : hit.start]
        after = sentence[hit.end : clause_end]
        trigger_text = sentence[hit.start : hit.end]
        kind = hit.kind
        actor: str | None
        if hit.voice == "passive":
            agent = lexicon.AGENT_AFTER_PASSIVE.match(after)
            actor = self._actor_in(trigger_text, last=False)
            if actor is None and agent:
                actor = self._actor_in(agent.group("rest")[:60], last=False)
                loser_named = lexicon.LOSER_AFTER_RECAPTURE.match(after)
                if kind == "recapture" and actor is not None and loser_named:
                    # "cleared of the Taliban", "retaken from the Taliban": the loser
                    actor = self._opponent(actor)
            if kind == "clash":
                # "the attack was repelled by security forces": the attacker is the other side.
                defender = actor or self._actor_in(before, last=True)
                attacker = self._actor_in(before, last=True)
                if defender and attacker and defender != attacker:
                    actor = attacker
                elif defender == self.government or defender is None:
                    actor = self.insurgent
                else:
                    actor = self._opponent(defender) or self.insurgent
        elif hit.voice == "nominal":
            agent = lexicon.AGENT_AFTER_NOMINAL.match(after)
            actor = self._actor_in(agent.group("rest")[:60], last=False) if agent else None
            if kind == "clash":
                actor = self.insurgent
        else:
            actor = self._actor_in(before, last=True)
            if actor is None and lexicon.INSURGENT_PRONOUNS.search(before):
                actor = self.insurgent
            if kind == "clash" and hit.name == "repelled":
                actor = self._repelled_attacker(before, after)
        if kind == "surrender":
            giver = self._actor_in(before, last=True)
            receiver = lexicon.RECEIVER_AFTER.search(after)
            taker = self._actor_in(receiver.group("rest"), last=False) if receiver else None
            actor = taker or (self._opponent(giver) if giver else self.insurgent)
        if actor is None and kind == "withdrawal":
            return None, None  # "fled the country": nobody named leaves a place
        if actor is None:
            actor = self.government if kind == "recapture" else self.insurgent
        if kind == "siege" and actor == self.government:
            # Governments defend places; "battling government forces 11 km from X"
            # names the defenders, not the besiegers.
            actor = self.insurgent
        if kind == "withdrawal" and actor != self.government:
            kind = "clash"  # insurgents falling back from a place they attacked
        if kind == "capture" and actor == self.government:
            kind = "recapture"
        elif kind == "recapture" and actor != self.government:
            kind = "capture"
        return kind, actor

    def _repelled_attacker(self, before: str, after: str) -> str:
        """Who attacked, in "X repelled the Taliban" / "a Taliban attack ... was pushed back"."""
        agent = lexicon.DEFENDER_AFTER.match(after)
        if agent:
            defender = self._actor_in(agent.group("rest"), last=False)
            if defender:
                return self._opponent(defender) or self.insurgent
        repelled = self._actor_in(after[:60], last=False)
        if repelled:
            return repelled
        named = self._actor_in(before, last=True)
        if named is None:
            return self.insurgent
        if lexicon.ATTACK_WORDS.search(before):
            return named
        return self._opponent(named) or self.insurgent

    def _opponent(self, actor: str) -> str | None:
        """The side an actor fights: the government and the main insurgent face each
        other; any further armed group is taken to fight the main insurgent."""
        if actor == self.government:
            return self.insurgent
        if actor == self.insurgent:
            return self.government
        return self.insurgent

    # --- who says so --------------------------------------------------------

    def _attribution(self, sentence: str, context: Context) -> tuple[str | None, set[str]]:
        """The source of a sentence as written, and the sides it speaks for."""
        for match in lexicon.SPEECH.finditer(sentence):
            verb = match.group(0).lower()
            after = sentence[match.end() :]
            before = sentence[: match.start()]
            source: str | None = None
            if verb.startswith("according") or verb == "citing":
                source = re.split(r"[.;]|,\s+(?:the|a|an|who|which)\b", after, maxsplit=1)[0]
            elif re.search(r",\s*$", before) and re.match(r"\s+(?:[A-Z]|a\s|an\s|the\s)", after):
                source = re.split(r"[.;]", after, maxsplit=1)[0]
            else:
                piece = re.split(r"[.;:]|\b(?:that|and|but|while)\s", before)[-1]
                last_part = piece.rstrip(" ,").split(",")[-1].strip()
                speaker_like = len(last_part.split()) <= 4 or bool(self._sides(last_part, context))
                if last_part and speaker_like and "," in piece.rstrip(" ,"):
                    piece = last_part  # "..., Rahmani said" / "..., he said"
                words = piece.strip(" ,").split()
                if words:
                    source = " ".join(words[-12:])
            if source:
                source = source.strip(" ,\"'“”")
                # "ToloNews has confirmed", "he also said": keep the speaker only.
                source = re.sub(
                    r"(?:\s+(?:has|have|had|also|further|earlier|later|previously|again))+$", "", source
                )
                source = re.sub(r"\s+(?:at|on|in)\s+(?:around\s+)?\d[^,;]*$", "", source)
                if source.lower() in lexicon.PRONOUN_SOURCES:
                    source = context.speakers.get("__last__", source)
                sides = self._sides(source, context)
                if sides:
                    for word in re.findall(r"\b[A-Z][a-z]{3,}\b", source):
                        context.speakers[word] = next(iter(sorted(sides)))
                    context.speakers["__last__"] = source
                return source, sides
        return None, set()

    def _sides(self, source: str, context: Context) -> set[str]:
        found: set[str] = set()
        for actor_id, pattern in self.side_patterns:
            if actor_id != self.government and pattern.search(source):
                return {actor_id}
        for actor_id, pattern in self.side_patterns:
            if pattern.search(source):
                found.add(actor_id)
        if not found:
            for word in re.findall(r"\b[A-Z][a-z]{3,}\b", source):
                if word in context.speakers:
                    found.add(context.speakers[word])
        if self.independent_re and self.independent_re.search(source):
            found.add("independent")
        return found

    def _certainty(self, sentence: str, kind: str, actor: str, sides: set[str], hit: TriggerHit) -> str:
        before = sentence[: hit.start]
        if lexicon.DENIALS.search(before):
            return "denied"
        if lexicon.HEDGES.search(sentence):
            return "unverified"
        loser = self._opponent(actor)
        if kind in ("clash", "siege"):
            return "claimed" if (sides - {"independent"}) else "reported"
        if loser and loser in sides:
            return "confirmed"
        if actor in sides or lexicon.CLAIM_WORDS.search(sentence):
            return "claimed"
        return "reported"

    # --- when ---------------------------------------------------------------

    def _date_for(
        self,
        hit: TriggerHit,
        dates: list[DateMention],
        published: date | None,
        context: Context,
        clause: tuple[int, int],
        others: Sequence[TriggerHit] = (),
    ) -> ResolvedDate:
        """The date expression nearest the trigger: in its clause, or close by, and
        not nearer to another trigger of the sentence ("the takeover of Jalalabad
        followed the capture of Mazar on Saturday": Saturday is Mazar's)."""
        best: ResolvedDate | None = None
        best_distance = 10**9
        for mention in dates:
            start, end = mention.start, mention.end
            distance = _gap(hit, start, end)
            if any(_gap(other, start, end) < distance for other in others if other != hit):
                continue
            in_clause = clause[0] <= start and end <= clause[1]
            if not in_clause and distance > MAX_DATE_DISTANCE:
                continue  # "... since the withdrawal began on May 1" dates something else
            resolved = resolve_relative_date(
                mention,
                published,
                default_year=self.profile.start_date.year,
                previous=context.last_date,
            )
            if resolved is None:
                continue
            if mention.kind == "today" and "24" in mention.text:
                distance += WEAK_DATE_PENALTY  # "in the last 24 hours" yields to "on Sunday"
            if distance < best_distance:
                best, best_distance = resolved, distance
        if best is None and hit.name == "list-continuation" and context.last_date:
            # "The districts include X, Y and Z": they fell when the sentence before said.
            best = ResolvedDate(context.last_date, "day", "relative")
        if best is None:
            best = publication_date(published)
        if best.date is not None:
            context.last_date = best.date
        return best

    # --- the event ------------------------------------------------------------

    def _event(
        self,
        doc: Document,
        sentence: str,
        offset: int,
        place: Place,
        kind: str,
        actor: str,
        opponent: str | None,
        when: ResolvedDate,
        source: str | None,
        sides: set[str],
        certainty: str,
        negated: bool,
        hit: TriggerHit,
    ) -> Event:
        if place.level == "admin1":
            geo_precision = 3
        elif place.level in ("populated_place", "crossing") and place.lat is None:
            geo_precision = 2
        else:
            geo_precision = 1
        side = "unnamed"
        parties = sorted(s for s in sides if s != "independent")
        if parties:
            side = parties[0]
        elif "independent" in sides:
            side = "independent"
        admin1 = place.admin1 if place.level != "admin1" else place.id
        admin2 = place.admin2 if place.level != "admin2" else place.id
        admin3 = place.admin3 if place.level != "admin3" else place.id
        return Event(
            kind=kind,
            actor=actor,
            opponent=opponent,
            place_id=place.id,
            place_name=place.name,
            admin1=admin1,
            admin2=None if place.level == "admin1" else admin2,
            admin3=None if place.level in ("admin1", "admin2") else admin3,
            geo_precision=geo_precision,
            date=when.date.isoformat() if when.date else None,
            date_precision=when.precision,
            date_basis=when.basis,
            source=source,
            source_side=side,
            certainty=certainty,
            negated=negated,
            evidence=Evidence(doc.id, sentence, offset, offset + len(sentence)),
            extractor=self.name,
            explanation=f"trigger '{sentence[hit.start : hit.end]}' ({hit.name}, {hit.voice})",
        )


def _gap(hit: TriggerHit, start: int, end: int) -> int:
    """Characters between a trigger and a span, whichever comes first."""
    return hit.start - end if end <= hit.start else max(0, start - hit.end)


def _list_end(sentence: str, start: int, end: int, resolved: list[ResolvedMention]) -> int:
    """Where the noun phrase after a trigger ends: at the first comma that does
    not go on with another place of a list ("captured X, Y and Z districts" goes
    on; "took over X, 42 kilometers from Y" stops at the comma)."""
    starts = {r.start for r in resolved}
    for match in re.finditer(r"[,(]", sentence[start:end]):
        cut = start + match.start()
        rest = sentence[cut + 1 : end]
        gap = len(rest) - len(rest.lstrip(" "))
        following = cut + 1 + gap
        if following in starts or re.match(
            r"\s*(?:and\s|or\s|[A-Z]|(?:the\s+)?(?:provincial\s+)?capital\s+of\s)", rest
        ):
            continue  # the list goes on (with a name the gazetteer may not know)
        if not any(start <= r.start < cut for r in resolved) and lexicon.ANAPHORA.search(sentence[start:cut]):
            continue  # nothing named yet: "took control of the city, the capital of X"
        return cut
    return end


def _unit(event: Event) -> str:
    return event.admin3 or event.admin2 or event.admin1 or event.place_id


def merge_duplicates(events: list[Event]) -> list[Event]:
    """One report saying the same thing twice is one claim, with all its sources.

    Claims and denials stay apart, and so do negated statements: they are
    different evidence.
    """
    merged: dict[tuple[str, str, str, bool, bool], Event] = {}
    for event in events:
        key = (event.kind, event.actor, _unit(event), event.negated, event.certainty == "denied")
        kept = merged.get(key)
        if kept is None:
            merged[key] = event
            continue
        sides = {kept.source_side, event.source_side}
        if kept.opponent in sides and event.actor in sides:
            kept.certainty = "confirmed"
        elif CERTAINTY_RANK[event.certainty] > CERTAINTY_RANK[kept.certainty]:
            kept.certainty = event.certainty
        earlier = bool(event.date and kept.date and event.date < kept.date)
        if BASIS_RANK[event.date_basis] > BASIS_RANK[kept.date_basis] or (
            # Reports confirm after the fact: of two dates as good, the earlier
            # is the event's ("confirmed Wednesday" / "fell on Tuesday night").
            BASIS_RANK[event.date_basis] == BASIS_RANK[kept.date_basis] and earlier
        ):
            kept.date, kept.date_basis, kept.date_precision = (
                event.date,
                event.date_basis,
                event.date_precision,
            )
        if event.source and event.source != kept.source:
            kept.source = f"{kept.source}; {event.source}" if kept.source else event.source
        if kept.source_side in ("unnamed", "independent") and event.source_side not in (
            "unnamed",
            "independent",
        ):
            kept.source_side = event.source_side
    return list(merged.values())
