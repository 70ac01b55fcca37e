"""Stage 2, place linking: one place and one role for each name a sentence holds.

A name may stand for several gazetteer places ("Kunduz" the province, its
capital district, the town). The words around it choose: a level hint
("Kunduz province", "the city of Kunduz"), the provinces named nearby, the
provinces the report has talked about, and the rule that a provincial capital
is in the news far more often than a namesake rural district.

The *role* says what the name does in its sentence, which later stages use:

- ``event``: it may be where something happened;
- ``context``: it only says where another place lies ("Doshi district of
  Baghlan province", "Ghazni's Jaghatu district");
- ``relation``: it is a landmark after a relational word ("near X",
  "40 km from X", "on the road to X");
- ``speaker``: it names who speaks or serves ("Baghlan police", "the
  governor of X");
- ``facility``: a facility in it is meant ("Kandahar airport");
- ``anaphor``: words standing for a place named before ("the city"),
  resolved by `PlaceLinker.resolve_anaphor` (frames make these).

`Discourse` is what a reader remembers while moving through the report: the
provinces talked about, the last district and city, the last date; it
resolves "the city", "the district" and "the provincial capital".
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from ..models import Place
from ..places.fuzzy import is_headline
from ..places.gazetteer import Gazetteer, Mention
from ..profile import Profile
from . import lexicon
from .mentions import SentenceMentions, TriggerMention, actor_adjectives

ROLES = ("event", "context", "relation", "speaker", "facility", "anaphor")


@dataclass
class LinkedPlace:
    """One name of a sentence (sentence offsets), the place it stands for, and its role."""

    start: int
    end: int
    text: str
    place: Place
    role: str = "event"
    as_capital: bool = False  # "the capital of X": X's capital district is meant
    level_hint: str | None = None
    relation: str | None = None  # the relational word before a landmark ("near", "from", "km")
    ambiguous: bool = False  # the name had candidates at several places


@dataclass
class Discourse:
    """What the reader remembers while moving through a report."""

    provinces: Counter[str] = field(default_factory=Counter)
    last_province: str | None = None
    last_district: str | None = None
    last_city: str | None = None
    last_event_place: str | None = None
    last_event_sentence: int = -10
    last_date: date | None = None
    # The date that heads the current paragraph ("– Aug. 7 – SHEBERGHAN. ..."):
    # its sentences that name no date of their own happened then.
    paragraph_date: date | None = None
    # The places the last sentence naming any told of ("the said districts").
    last_places: list[str] = field(default_factory=list)
    last_places_sentence: int = -10
    # Surnames of people named in full, which are no places later on.
    persons: set[str] = field(default_factory=set)
    # The side last named, which "the troops" of a later sentence refers back to.
    last_actor: str | None = None
    speakers: dict[str, str] = field(default_factory=dict)  # surname -> side
    # Where the report is: the units above the map level (admin2) of the
    # places linked so far, and the place each name was given.
    areas: Counter[str] = field(default_factory=Counter)
    chosen: dict[str, str] = field(default_factory=dict)
    report_provinces: Counter[str] = field(default_factory=Counter)  # see `PlaceLinker.survey`
    sentence_index: int = 0
    previous_kinds: frozenset[str] = frozenset()


def whole_area_span(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The span of "all districts of X", "the entire province of X", "all of
    X's districts" around the name at `start:end`, when the name stands for the
    whole area; None otherwise."""
    window = max(0, start - 80)
    before = text[window:start]
    after = text[end : end + 40]
    parts_after = lexicon.WHOLE_AREA_PARTS_AFTER.match(after)
    found = lexicon.WHOLE_AREA_PARTS_BEFORE.search(before)
    if found is None:
        found = lexicon.WHOLE_AREA_ENTIRE_BEFORE.search(before)
        if found is not None and not parts_after and lexicon.POSSESSIVE_OR_PLURAL_AFTER.match(after):
            return None  # "all of Kunduz's police"
    if found is None and parts_after:
        found = lexicon.WHOLE_AREA_ALL_BEFORE.search(before)
    if found is None:
        return None
    return window + found.start(), end + (parts_after.end() if parts_after else 0)


class PlaceLinker:
    def __init__(self, gazetteer: Gazetteer, profile: Profile):
        self.gazetteer = gazetteer
        self.places: dict[str, Place] = gazetteer.places
        self.national_capital = profile.national_capital
        # "Afghan", "Ukrainian": words of the actors' names may precede a place
        # without making it part of a person's or an organisation's name.
        self.prefix_allowed = lexicon.NAME_PREFIX_ALLOWED | {
            word.lower()
            for actor in profile.actors
            for alias in (*actor.aliases, actor.name)
            for word in re.findall(r"[A-Z][\w-]+", alias)
        }
        self.actor_words = {
            alias.lower() for actor in profile.actors for alias in (*actor.aliases, actor.name)
        }
        # The adjectives of the government's side ("Afghan" of "Afghan forces"): "the
        # Afghan capital" is the national capital; "the Russian capital" is none of ours.
        government_side = profile.side_of(profile.government)
        self.national_adjectives = frozenset(
            word
            for word, actor in actor_adjectives(profile).items()
            if profile.side_of(actor) == government_side
        )

    # --- choosing among candidates -----------------------------------------

    def pick(
        self,
        place_ids: tuple[str, ...],
        level_hint: str | None,
        near_province: str | None,
        discourse: Discourse,
        name: str | None = None,
    ) -> Place | None:
        """One place among the candidates of an ambiguous name (`name`: as written)."""
        candidates = [self.places[p] for p in place_ids if p in self.places]
        if not candidates:
            return None
        admin1 = [p for p in candidates if p.level == "admin1"]
        units = [p for p in candidates if p.level in ("admin2", "admin3")]
        towns = [p for p in candidates if p.level in ("populated_place", "crossing")]
        if level_hint == "province" and admin1:
            pool = admin1
        elif units and level_hint in ("district", "hromada"):
            pool = self._units_named(units, level_hint)
        elif units or towns:
            # A unit and a town of the same name compete: the report's
            # surroundings decide ("Blahodativka, Vysokopillia and Liubymivka":
            # the village near the others, not a namesake unit elsewhere). A
            # unit above the map's level only when no town bears the name
            # ("Svatove" is the town, not Svativskyi raion).
            wanted = self._wanted(level_hint)
            at_level = [p for p in units if p.level == wanted]
            pool = (at_level + towns) or units
        else:
            pool = admin1 or candidates
        if len(pool) == 1:
            return pool[0]
        before = discourse.chosen.get(name.casefold()) if name else None

        def score(place: Place) -> tuple[int, int, int, int, int, int, int, int, int, int]:
            province = place.admin1 or place.id
            unit = place.level in ("admin2", "admin3")
            return (
                # The same name means the same place throughout a report.
                int(place.id == before),
                int(near_province is not None and province == near_province),
                # A unit that bears the name as its own (not after its centre,
                # like "Liubymivska" after Liubymivka) is the name's first sense.
                int(unit and name is not None and self.gazetteer.is_main_name(place.id, name)),
                discourse.areas.get(place.admin2 or "", 0),
                int(unit),
                # Provincial capitals are far more often in the news than
                # namesake rural districts.
                int(self.gazetteer.capital_of(province) == place.id),
                discourse.provinces.get(province, 0),
                int(province == discourse.last_province),
                discourse.report_provinces.get(province, 0),
                place.population or 0,
            )

        return max(pool, key=score)

    def _units_named(self, units: list[Place], level_hint: str | None) -> list[Place]:
        """Which of the units a name stands for: the one at the level its word
        says ("Izium raion", "Izium hromada"); with no word, the one at the
        map's level ("Izium" is the hromada, not the raion of the same name)."""
        wanted = self._wanted(level_hint)
        return [p for p in units if p.level == wanted] or units

    def _wanted(self, level_hint: str | None) -> str:
        """The unit level a level word names (none: the map's level)."""
        map_level = self.gazetteer.map_level
        if level_hint == "hromada":
            return "admin3"
        if level_hint == "district" and map_level == "admin3":
            return "admin2"  # "district" and "raion" name the level above the hromada
        return map_level or ""

    # --- one sentence --------------------------------------------------------

    def link(self, sentence: SentenceMentions, discourse: Discourse) -> list[LinkedPlace]:
        """Give each name in a sentence one place and a role."""
        text = sentence.text
        mentions = sentence.places
        # Provinces named in the sentence help tell apart units sharing a name.
        sentence_provinces: list[tuple[int, str]] = []
        province_spans: list[tuple[int, int, str]] = []
        for m in mentions:
            for pid in m.place_ids:
                place = self.places.get(pid)
                if place is not None and place.level == "admin1":
                    sentence_provinces.append((m.start, place.id))
                    province_spans.append((m.start, m.end, place.id))
        linked: list[LinkedPlace] = []
        previous_end = 0
        for m in mentions:
            found = self._link_one(
                text, m, linked, sentence_provinces, previous_end, discourse, sentence.triggers
            )
            if found is not None:
                found = self._within_told_province(text, m, found, province_spans)
            if found is not None:
                if found.place.admin2 and found.place.level != "admin1":
                    discourse.areas[found.place.admin2] += 1
                discourse.chosen.setdefault(m.text.casefold(), found.place.id)
                linked.append(found)
                previous_end = found.end
        for prev, cur in zip(linked, linked[1:], strict=False):
            if not lexicon.LIST_GAP.fullmatch(text, prev.end, cur.start):
                continue
            if prev.as_capital and cur.place.level == "admin1":
                # A list continuing a capital reading ("the capitals of Kandahar, Helmand and Zabul").
                cur.as_capital = True
                cur.role = "event"
            elif prev.role == "relation" and cur.role == "event":
                # A list continuing a landmark: "the road between X and Y".
                cur.role, cur.relation = "relation", prev.relation
        return linked

    def _within_told_province(
        self, text: str, m: Mention, found: LinkedPlace, province_spans: list[tuple[int, int, str]]
    ) -> LinkedPlace:
        """A name the sentence places in a province ("X district of P", "P's X
        district") where none of its bearers lies is a misspelling of one of P's
        units, if one is spelt close enough (`Gazetteer.closest_unit_within`):
        the province is surer than the spelling."""
        if found.place.level == "admin1" or found.role != "event":
            return found
        told = next(
            (
                pid
                for start, end, pid in province_spans
                if (end <= m.start and lexicon.PROVINCE_POSSESSIVE_GAP.fullmatch(text, end, m.start))
                or (start >= m.end and lexicon.UNIT_IN_PROVINCE_GAP.fullmatch(text, m.end, start))
            ),
            None,
        )
        if told is None or any(
            (self.places[p].admin1 or p) == told for p in m.place_ids if p in self.places
        ):
            return found
        unit = self.gazetteer.closest_unit_within(m.text, told)
        return replace(found, place=unit) if unit is not None else found

    def _remember_person(self, m: Mention, discourse: Discourse) -> None:
        """A surname seen in a person's full name is that person later in the report
        ("Vladimir Putin ... a test for Putin"), when no place bears it as its main name."""
        if not any(self.gazetteer.is_main_name(pid, m.text) for pid in m.place_ids):
            discourse.persons.add(m.text.casefold())

    def _names_a_place(self, word: str) -> bool:
        """Is `word` the main name of a place? ("Putin" is only an old name of a
        village, so "Vladimir Putin" stays a person.)"""
        return any(
            self.gazetteer.is_main_name(pid, m.text)
            for m in self.gazetteer.find_mentions(word)
            for pid in m.place_ids
        )

    def _link_one(
        self,
        text: str,
        m: Mention,
        linked: list[LinkedPlace],
        sentence_provinces: list[tuple[int, str]],
        previous_end: int,
        discourse: Discourse,
        triggers: Sequence[TriggerMention] = (),
    ) -> LinkedPlace | None:
        start, end = m.start, m.end
        if m.text.casefold() in discourse.persons:
            return None  # a person the report has named in full
        before = text[max(0, start - 60) : start]
        after = text[end : end + 40]
        if lexicon.HYPHEN_MODIFIER_AFTER.match(after):
            return None  # "a Kabul-bound convoy": a modifier, not a place
        if lexicon.TITLE_ABBREVIATION.fullmatch(m.text) and lexicon.TITLE_ABBREVIATION_AFTER.match(after):
            return None  # "Gen. Ardo Vess": a title, not a place
        if (
            lexicon.PROPER_WORD_AFTER.match(after)
            and not lexicon.NOT_A_NAME_PART.match(after)
            and not is_headline(text, start)
            and not self._names_a_place(after[1:].split(maxsplit=1)[0])
        ):
            return None  # "Vladimir Putin", "Kyiv Independent": part of a longer name
        hint = m.level_hint
        if (
            hint in ("district", "hromada")
            and linked
            and lexicon.DISTRICT_OF_GAP.fullmatch(text[linked[-1].end : start])
        ):
            hint = None  # "Burka district of Baghlan": the hint was Burka's
        following = [p for s, p in sentence_provinces if s > m.start]
        near = following[0] if following else (sentence_provinces[0][1] if sentence_provinces else None)
        ids = m.place_ids
        has_admin1 = any(self.places[p].level == "admin1" for p in ids if p in self.places)
        whole = whole_area_span(text, start, end)
        if whole is not None:
            # "all districts of X", "the entire province of X": X as a whole is
            # what the sentence is about, whatever stands around it.
            place = self.pick(ids, "province" if has_admin1 else hint, near, discourse, m.text)
            if place is None:
                return None
            new_start, new_end = whole
            return LinkedPlace(
                new_start,
                new_end,
                text[new_start:new_end],
                place,
                "event",
                level_hint="province" if place.level == "admin1" else hint,
                ambiguous=len({self.places[p].admin1 or p for p in ids if p in self.places}) > 1,
            )
        context_like = (
            bool(lexicon.CONTEXT_BEFORE_PROVINCE.search(before))
            and bool(start - previous_end < 60 or lexicon.LOCATIVE_WORD.search(before[-30:]))
            # "the governor's compound in X": the seat of power in the city, not a
            # province (unless called one: "police headquarters in X province").
            and not (hint != "province" and lexicon.SEAT_BEFORE.search(before))
        )
        if (
            hint == "province"
            and linked
            and linked[-1].place.level != "admin1"
            and lexicon.PROVINCE_AFTER_UNIT_GAP.fullmatch(text[linked[-1].end : start])
        ):
            context_like = True  # "Dand Patan district, Paktia province", "X of Parwan province"
        if (
            linked
            and linked[-1].role == "context"
            and lexicon.LIST_SEPARATOR.fullmatch(text[linked[-1].end : start])
        ):
            context_like = True  # "the provinces of Kunduz, Baghlan and Balkh"
        capital_of = lexicon.CAPITAL_OF.search(before)
        # (Not past another name: in "the centre of X district of P", the centre is X's.)
        capital_reading = (
            capital_of is not None
            and has_admin1
            and not (linked and linked[-1].end > start - len(before) + capital_of.start())
        )
        if has_admin1 and (
            hint == "province"
            or capital_reading
            or (context_like and hint not in ("district", "hromada", "city"))
        ):
            place = self.pick(ids, "province", near, discourse, m.text)
        else:
            place = self.pick(ids, hint, near, discourse, m.text)
        if place is None:
            return None
        word_before = re.search(r"([A-Z][\w’'-]*)\s$", text[max(0, start - 30) : start])
        if (
            word_before
            and word_before.start() + max(0, start - 30) > 0
            and word_before.group(1).lower() not in self.prefix_allowed
            and not word_before.group(1).endswith(("’s", "'s"))
            and not re.search(r"-[a-z]+$", word_before.group(1))  # "Taliban-held X": an attribute
            and not any(r.end >= start - len(word_before.group(0)) - 1 for r in linked[-1:])
        ):
            self._remember_person(m, discourse)
            return None  # part of a person's or an organisation's name ("Abdul Mannan Qate")
        if lexicon.HONORIFIC_BEFORE.search(text[max(0, start - 14) : start]):
            self._remember_person(m, discourse)
            return None  # "Mr. Qate": a person
        line_start = start == 0 or text[:start].rstrip(" \t").endswith("\n")
        if line_start and lexicon.DATELINE_AFTER.match(after):
            return None  # a dateline, not where the news happened
        role = "event"
        relation: str | None = None
        if lexicon.EXCEPTIVE_BEFORE.search(before):
            role = "context"  # "all of it, bar X": X is left out
        elif lexicon.POSSESSIVE_PART_AFTER.match(after):
            pass  # "Kunduz City's entrance": the place itself, partly (frames mark it partial)
        elif lexicon.POSSESSIVE_AFTER.match(after):
            role = "context"  # "Ghazni's Jaghatu district"
        elif lexicon.FACILITY_AFTER_PLACE.match(after):
            role = "facility"
        elif lexicon.DIRECTION_AFTER_PLACE.match(after):
            role, relation = "relation", "direction"  # "the Izium direction": a line of advance
        elif (
            lexicon.ROLE_AFTER_PLACE.match(after)
            or lexicon.ROLE_BEFORE_PLACE.search(before[-40:])
            or (lexicon.SAYS_AFTER_PLACE.match(after) and not lexicon.PREPOSITION_BEFORE.search(before))
            or (lexicon.FRONTED_PLACE_BEFORE.match(text[:start]) and lexicon.SPEAKERS_SAY_AFTER.match(after))
        ):
            role = "speaker"
            if has_admin1 and place.level != "admin1":
                place = self.pick(ids, "province", near, discourse) or place
        else:
            window = before[-50:]
            found = lexicon.RELATION_BEFORE_PLACE.search(window)
            if found and not (
                # "the neighbouring district of X", "captured neighbouring X": an
                # adjective of the place itself, not a landmark.
                found.group("relation").lower() in lexicon.ADJECTIVAL_RELATIONS
                and not lexicon.RELATION_HEAD_BEFORE.search(window[: found.start()])
            ):
                role = "relation"
                relation = " ".join(found.group("relation").lower().split())
        as_capital = False
        if place.level == "admin1":
            # "the capital of Nimroz": the capital is meant, unless a city was
            # just named in apposition ("Zaranj, the capital of Nimroz").
            appositive = (
                bool(linked)
                and start - linked[-1].end < 70
                and bool(lexicon.APPOSITIVE_CAPITAL.search(text[linked[-1].end : start]))
            )
            object_of_verb = lexicon.PROVINCE_AS_OBJECT.search(before)
            if capital_reading and not appositive:
                as_capital = True
            elif capital_reading or lexicon.UNITS_AFTER_PLACE.match(after):
                # "Zaranj, the capital of Nimroz", "the Kapisa districts": where, not what
                role = "context" if role == "event" else role
            elif object_of_verb and object_of_verb.group(1).lower() not in lexicon.NOT_A_VERB:
                pass  # "captured the province of X": the province itself
            elif any(
                t.kind in ("capture", "recapture")
                and t.voice != "passive"
                and lexicon.OBJECT_GAP.fullmatch(text, t.end, start)
                for t in triggers
            ):
                pass  # "took full control of Panjshir": the object of a taking (fighting "in X" is where)
            elif (hint != "province" or context_like) and role == "event":
                role = "context"
        return LinkedPlace(
            start,
            end,
            text[start:end],
            place,
            role,
            as_capital,
            hint,
            relation,
            ambiguous=len({self.places[p].admin1 or p for p in ids if p in self.places}) > 1,
        )

    # --- memory ----------------------------------------------------------------

    def remember(self, place: Place, discourse: Discourse, local: bool = True) -> None:
        province = place.admin1 if place.level != "admin1" else place.id
        if province:
            discourse.provinces[province] += 1
            discourse.last_province = province
        if not local:
            return  # "Baghlan police", "in Kunduz province": no district to refer back to
        if place.level in ("admin2", "admin3"):
            discourse.last_district = place.id
            discourse.last_city = place.id
        elif place.level in ("populated_place", "crossing"):
            discourse.last_city = place.id

    def survey(self, sentences: Sequence[SentenceMentions], discourse: Discourse) -> None:
        """Count the provinces a whole report names without doubt (every
        candidate of the name lies in one province): a weak prior for names
        read before their province is ("Blahodativka" in a report about
        Kherson region)."""
        for sentence in sentences:
            for m in sentence.places:
                provinces = {
                    self.places[p].admin1 or p for p in m.place_ids if p in self.places
                }
                if len(provinces) == 1:
                    discourse.report_provinces[provinces.pop()] += 1

    def remember_title(self, mentions: list[Mention], discourse: Discourse) -> None:
        for m in mentions:
            place = self.pick(m.place_ids, m.level_hint, None, discourse)
            if place is not None:
                self.remember(place, discourse)

    def event_place(self, linked: LinkedPlace) -> Place | None:
        """The place an event happens at: for "the capital of X", X's capital."""
        if linked.as_capital:
            capital = self.gazetteer.capital_of(linked.place.id)
            return self.places.get(capital) if capital else None
        return linked.place

    # --- words standing for places ----------------------------------------------

    def names_unknown_place(self, text: str) -> bool:
        """Does `text` name something the gazetteer does not know (a capitalised word
        that is neither an actor nor a known place)?"""
        for word in re.finditer(r"(?<![\w’'])[A-Z][a-z]{2,}", text):
            if word.start() == 0:
                continue  # sentence-initial capital
            lowered = word.group(0).lower()
            if lowered in self.prefix_allowed or any(lowered in a.split() for a in self.actor_words):
                continue
            if lowered in lexicon.CALENDAR_WORDS:
                continue  # "By Sunday it had fallen": a day, not a place
            return True
        return False

    def resolve_anaphor(
        self, phrase: str, linked: list[LinkedPlace], before: int, discourse: Discourse
    ) -> Place | None:
        """Resolve "the provincial capital", "the city", "the district", "it" to the
        nearest fitting antecedent: in the sentence before `before`, else in memory."""
        phrase = phrase.lower()
        earlier = [r for r in linked if r.end <= before]
        provinces = [r.place.id for r in linked if r.place.level == "admin1"]
        if "capital" in phrase:
            named_before = [r for r in earlier if r.place.level != "admin1"]
            if named_before and before - named_before[-1].end <= 3:
                return named_before[-1].place  # "Kunduz, the provincial capital"
            national = self.places.get(self.national_capital or "")
            adjective = lexicon.COUNTRY_CAPITAL.fullmatch(phrase.strip())
            if adjective is not None:
                # "the Afghan capital" is the country's; another country's is no place of the map.
                return national if adjective.group("adjective") in self.national_adjectives else None
            unqualified = phrase.strip() in ("the capital", "the capital city")
            told = self.places.get(discourse.last_event_place or "")
            if (
                unqualified
                and not provinces
                and told is not None
                and discourse.sentence_index - discourse.last_event_sentence <= 1
                and self.is_seat(told)
            ):
                # "... took the provincial capital of Lumen. The capture makes the
                # capital the latest to fall": the capital just told of.
                return told
            if national is not None and unqualified and not provinces:
                return national  # "the capital", with no province named
            provinces_before = [r.place.id for r in earlier if r.place.level == "admin1"]
            province = (
                provinces_before[-1]
                if provinces_before
                else provinces[0]
                if provinces
                else self._told_province(discourse)
            )
            capital = self.gazetteer.capital_of(province) if province else None
            if "provincial" in phrase and capital is not None and capital == self.national_capital:
                # "The provincial capital" is said in contrast to the country's capital,
                # which is "the capital": the province last named, if another.
                fallback = discourse.last_province
                capital = (
                    self.gazetteer.capital_of(fallback) if fallback and fallback != province else None
                )
            return self.places.get(capital) if capital else None
        if "province" in phrase:
            # The province named last before the words, else the one the report
            # is about (not one named later: "controls the entire province ...
            # and reached a district in the neighbouring Kabul province").
            provinces_before = [r.place.id for r in earlier if r.place.level == "admin1"]
            province = provinces_before[-1] if provinces_before else self._told_province(discourse)
            return self.places.get(province) if province else None
        # "The district" is no provincial capital and no landmark ("flights from
        # Kunduz were stopped after the Taliban took the district").
        district = "district" in phrase
        local = [
            r.place
            for r in earlier
            if r.place.level != "admin1"
            and r.role in ("event", "relation")
            and not (district and (r.role == "relation" or self.is_seat(r.place)))
        ]
        if local:
            return local[-1]
        if "city" in phrase or "town" in phrase:
            # "an elder from Lumen told reporters the city fell": the only city the
            # sentence names, even as where its speaker is from.
            seats = [self._seat_of(r.place) for r in earlier if r.role == "speaker"]
            named = [p for p in seats if p is not None]
            if len(named) == 1:
                return named[0]
        if phrase == "them":
            return None
        if phrase == "it":
            # The place just told of; failing a recent event, the one place the
            # last sentence named ("X is a key crossing. Y captured it.").
            recent = discourse.sentence_index - discourse.last_event_sentence <= 2
            if not (discourse.last_event_place and recent) and len(discourse.last_places) == 1:
                return self.places.get(discourse.last_places[0])
            return self.places.get(discourse.last_event_place or "")
        # The nearest fitting antecedent: the place the report is telling about
        # (its last event) when it is of the kind named, else the last one named.
        city = "city" in phrase or "town" in phrase
        told = self.places.get(discourse.last_event_place or "")
        if told is not None and (
            (told.level in ("admin2", "admin3") and not city and not (district and self.is_seat(told)))
            or (city and (told.level in ("populated_place", "crossing") or self.is_seat(told)))
        ):
            return told
        wanted = self.places.get((discourse.last_city if city else discourse.last_district) or "")
        if wanted is not None and district and self.is_seat(wanted):
            return None
        return wanted

    def _seat_of(self, place: Place) -> Place | None:
        """A province's capital, or the place itself if it is a seat."""
        if place.level == "admin1":
            return self.places.get(self.gazetteer.capital_of(place.id) or "")
        return place if self.is_seat(place) else None

    def _told_province(self, discourse: Discourse) -> str | None:
        """The province the report is telling about: that of the nearest
        antecedent, the places a sentence named after the last event (when they
        lie in one province), else the last event's, else the last one named."""
        if discourse.last_places and discourse.last_places_sentence > discourse.last_event_sentence:
            named = {
                place.id if place.level == "admin1" else place.admin1
                for place in (self.places.get(i) for i in discourse.last_places)
                if place is not None
            }
            if len(named) == 1 and None not in named:
                return named.pop()
        told = self.places.get(discourse.last_event_place or "")
        if told is not None:
            return told.id if told.level == "admin1" else told.admin1
        return discourse.last_province

    def _is_capital(self, place: Place) -> bool:
        return bool(place.admin1) and self.gazetteer.capital_of(place.admin1 or "") == place.id

    def is_seat(self, place: Place) -> bool:
        """Is the place a province's seat: its capital unit, or a sizeable town in it?"""
        capital = self.gazetteer.capital_of(place.admin1 or "") if place.admin1 else None
        if capital is None:
            return False
        if place.level in ("admin2", "admin3"):
            return capital == place.id
        return (
            place.level == "populated_place"
            and capital in (place.admin2, place.admin3)
            and (place.population or 0) >= 20_000
        )
