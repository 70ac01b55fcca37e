"""The gazetteer's read side: finding place names in text, and searching them.

`Gazetteer` holds the places of one workspace in memory. One Aho-Corasick
pass over a normalised text finds every name (`find_mentions`), ambiguity
kept; `search` serves people looking a name up; `capital_of` tells which
admin2 unit holds a province's capital.

It is built from `Place`s, wherever they come from: `places.workspace`
loads the stored ones (`load_gazetteer`), a test or a plug-in may pass its
own. This module imports neither the database nor the GIS stack, so the
extractor, which needs only this, stays cheap to import.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import ahocorasick
import pycountry
from rapidfuzz import fuzz, process

from ..models import ADMIN_LEVELS, Place
from .names import (
    BASE_FOLDING,
    MIN_NAME_LETTERS,
    NameFolding,
    is_code,
    is_machine_romanisation,
    letter_count,
    light_form,
    scripts_of,
)

# Order in which candidates of an ambiguous name are listed.
LEVEL_RANK: dict[str, int] = {
    "country": 0, "admin1": 1, "admin2": 2, "admin3": 3, "populated_place": 4, "crossing": 5,
}


@dataclass(slots=True)
class Mention:
    """A gazetteer name found in a text, with every place it may stand for.

    `text == original_text[start:end]`. `level_hint` is what the words around it
    say: "province", "district", "city", or "capital" ("the provincial capital
    of X": the capital of province X is meant); `context_span` covers the name
    and those words. (Not frozen: a frozen dataclass costs six times as much to
    build, and a report yields dozens of mentions.)
    """

    start: int
    end: int
    text: str
    place_ids: tuple[str, ...]
    level_hint: str | None = None
    context_span: tuple[int, int] | None = None


@dataclass(frozen=True)
class SearchHit:
    id: str
    name: str
    level: str
    parents: tuple[str, ...]
    score: float

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "level": self.level,
                "parents": list(self.parents), "score": self.score}


# Words after a name that say what kind of place it is ("Kunduz province").
# Plural forms also apply to the names listed before ("Khan Abad and Imam
# Sahib districts").
HINT_AFTER: tuple[tuple[str, str], ...] = (
    ("provincial capital", "capital"),
    ("provinces", "province"), ("province", "province"), ("oblasts", "province"),
    ("oblast", "province"), ("regions", "province"), ("region", "province"),
    ("districts", "district"), ("district", "district"), ("raions", "district"),
    ("raion", "district"), ("hromadas", "district"), ("hromada", "district"),
    ("cities", "city"), ("city", "city"), ("towns", "city"), ("town", "city"),
    ("villages", "city"), ("village", "city"),
)
# Words before a name that say it ("the province of Kunduz").
HINT_BEFORE: tuple[tuple[str, str], ...] = (
    ("provincial capital of", "capital"), ("capital city of", "capital"),
    ("capital of", "capital"), ("province of", "province"), ("region of", "province"),
    ("district of", "district"), ("city of", "city"), ("town of", "city"),
    ("village of", "city"),
)
_PLURAL_HINTS = frozenset(w for w, _ in HINT_AFTER if w.endswith("s") and w != "provincial capital")


def _phrase_regex(phrases: Iterable[str]) -> str:
    ordered = sorted(phrases, key=len, reverse=True)
    return "|".join(r"\s+".join(map(re.escape, p.split())) for p in ordered)


_AFTER_RE = re.compile(r"[ \t]*(?:-[ \t]*)?(" + _phrase_regex(w for w, _ in HINT_AFTER) + r")\b",
                       re.IGNORECASE)
_BEFORE_RE = re.compile(r"(?:\bthe\s+)?\b(" + _phrase_regex(w for w, _ in HINT_BEFORE)
                        + r")\s+(?:the\s+)?$", re.IGNORECASE)
_AFTER_HINT = {" ".join(w.split()).lower(): h for w, h in HINT_AFTER}
_BEFORE_HINT = {" ".join(w.split()).lower(): h for w, h in HINT_BEFORE}
_LIST_GLUE = re.compile(r"\s*(?:,|&|and|,\s*and|as\s+well\s+as)\s*", re.IGNORECASE)

# Levels whose names are looked for in texts. A country's own name says where
# the story is, never which unit changed hands.
MENTION_LEVELS: frozenset[str] = frozenset(
    {"admin1", "admin2", "admin3", "populated_place", "crossing"}
)
# GeoNames names with keys this short are matched only as spelled (accents and
# case aside): vowel folding makes short keys too unspecific ("Tolo" = "Tala").
STRICT_KEY_LENGTH = 5


@lru_cache(maxsize=8)
def country_name_keys(folding: NameFolding) -> frozenset[str]:
    """Keys of every country's names (pycountry): never a village in a text."""
    keys = set()
    for country in pycountry.countries:
        for attribute in ("name", "common_name", "official_name"):
            value = getattr(country, attribute, None)
            if value:
                keys.add(folding.normalize_name(value))
    return frozenset(keys - {""})


class Gazetteer:
    """Places of one workspace, indexed for finding names in text and searching.

    A workspace's own comes from `places.workspace.load_gazetteer`, cached
    until its places change. `folding` says which transliteration variants
    of a name meet (the profile's `[names] folding`); by default only the
    universal base rules apply.
    """

    def __init__(self, places: Iterable[Place], capitals: Mapping[str, str] | None = None,
                 folding: NameFolding = BASE_FOLDING):
        self.folding = folding
        self.places: dict[str, Place] = {p.id: p for p in places}
        self.capitals: dict[str, str] = dict(capitals or {})
        self._children: dict[str, list[str]] = defaultdict(list)
        for place in self.places.values():
            if place.parent_id:
                self._children[place.parent_id].append(place.id)
        self._ids_by_key: dict[str, set[str]] = defaultdict(set)
        for place in self.places.values():
            for name in (place.name, *place.alt_names):
                key = folding.normalize_name(name)
                if key:
                    self._ids_by_key[key].add(place.id)
        self._search_keys: list[str] = sorted(self._ids_by_key)
        self._automaton: Any = None
        self._id_groups: list[tuple[str, ...]] = []
        self._strict_groups: list[dict[str, frozenset[str]]] = []
        self._merged: dict[tuple[int, int, str], tuple[str, ...]] = {}

    # --- structure ------------------------------------------------------

    def capital_of(self, admin1_id: str) -> str | None:
        """The admin2 unit holding the capital of an admin1 unit, if known."""
        return self.capitals.get(admin1_id)

    def parents(self, place_id: str) -> list[Place]:
        """The parent chain, nearest first."""
        chain: list[Place] = []
        seen = {place_id}
        place = self.places.get(place_id)
        while place is not None and place.parent_id and place.parent_id not in seen:
            seen.add(place.parent_id)
            place = self.places.get(place.parent_id)
            if place is not None:
                chain.append(place)
        return chain

    def children(self, place_id: str) -> list[Place]:
        return [self.places[c] for c in sorted(self._children.get(place_id, ()))]

    def admin_units(self, level: str) -> list[Place]:
        return sorted((p for p in self.places.values() if p.level == level), key=lambda p: p.id)

    def _order(self, ids: Iterable[str]) -> tuple[str, ...]:
        """Candidates coarsest level first, then biggest population."""
        return tuple(sorted(ids, key=lambda i: (LEVEL_RANK.get(self.places[i].level, 9),
                                                -(self.places[i].population or 0), i)))

    # --- search ---------------------------------------------------------

    def search(self, name: str, limit: int = 10) -> list[SearchHit]:
        """Places by name, best first: exact (normalised) matches, then fuzzy ones."""
        query = name.strip()
        normalize_name = self.folding.normalize_name
        key = normalize_name(query)
        scores: dict[str, float] = {}
        if query in self.places:
            scores[query] = 100.0
        for place_id in self._ids_by_key.get(key, ()):
            scores.setdefault(place_id, 100.0)
        if key and len(scores) < limit:
            for choice, score, _index in process.extract(
                key, self._search_keys, scorer=fuzz.ratio, limit=limit * 3, score_cutoff=60
            ):
                for place_id in self._ids_by_key[choice]:
                    scores[place_id] = max(scores.get(place_id, 0.0), round(float(score), 1))

        def rank(place_id: str) -> tuple[float, int, int, int, str]:
            place = self.places[place_id]
            primary = normalize_name(place.name) == key or place_id == query
            return (-scores[place_id], 0 if primary else 1, LEVEL_RANK.get(place.level, 9),
                    -(place.population or 0), place_id)

        hits = []
        for place_id in sorted(scores, key=rank)[:limit]:
            place = self.places[place_id]
            hits.append(SearchHit(place.id, place.name, place.level,
                                  tuple(p.name for p in self.parents(place.id)),
                                  scores[place_id]))
        return hits

    # --- mentions -------------------------------------------------------

    def matchable_names(self, place: Place,
                        local_scripts: frozenset[str]) -> list[tuple[str, bool]]:
        """The names of a place worth looking for in running text, each with
        whether it must be matched as spelled (`strict`).

        Left out: names of fewer than `MIN_NAME_LETTERS` letters, names that are
        common English words as written ("Centre"), and for GeoNames places
        generic toponym words, airport codes, machine romanisations, names in
        scripts foreign to the country and names of countries (a village
        called "China"): they would flood the mentions with noise.

        Matched only as spelled (no vowel folding): names that fold like common
        English words (district Andar folds like "under", Sayad like "said")
        and short GeoNames names ("Tala" would otherwise match "Tolo News").
        """
        is_unit = place.level in ADMIN_LEVELS
        folding = self.folding
        kept = []
        for name in dict.fromkeys((place.name, *place.alt_names)):
            key = folding.normalize_name(name)
            if len(key) < 3 or letter_count(name) < MIN_NAME_LETTERS:
                continue
            if folding.is_common_words(name, generic_too=not is_unit, as_spelled=True):
                continue
            if not is_unit and (is_code(name) or is_machine_romanisation(name)
                                or not scripts_of(name) <= local_scripts
                                or key in country_name_keys(folding)):
                continue
            strict = folding.is_common_words(name, generic_too=not is_unit) or (
                not is_unit and len(key) <= STRICT_KEY_LENGTH
            )
            kept.append((name, strict))
        return kept

    def _build_automaton(self) -> None:
        local_scripts = frozenset({"LATIN"}).union(
            *(scripts_of(n) for p in self.places.values() if p.level in ADMIN_LEVELS
              for n in (p.name, *p.alt_names))
        )
        loose: dict[str, set[str]] = defaultdict(set)
        strict: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        for place in self.places.values():
            if place.level not in MENTION_LEVELS:
                continue
            for name, as_spelled in self.matchable_names(place, local_scripts):
                for pattern in self.folding.text_patterns(name):
                    if as_spelled:
                        strict[pattern][light_form(name)].add(place.id)
                    else:
                        loose[pattern].add(place.id)
        automaton = ahocorasick.Automaton()
        groups: dict[tuple[str, ...], int] = {}
        self._strict_groups = []
        for pattern in sorted(loose.keys() | strict.keys()):
            group = groups.setdefault(self._order(loose.get(pattern, ())), len(groups))
            strict_index = -1
            if pattern in strict:
                strict_index = len(self._strict_groups)
                self._strict_groups.append(
                    {light: frozenset(ids) for light, ids in strict[pattern].items()}
                )
            automaton.add_word(pattern, (len(pattern), group, strict_index))
        if groups:
            automaton.make_automaton()
        self._id_groups = list(groups)
        self._automaton = automaton

    def find_mentions(self, text: str) -> list[Mention]:
        """Every gazetteer name in a text, in one pass, leftmost-longest, offsets in `text`.

        In text that has capital letters, a name must start with one: "her at"
        is not Herat, "kit" is not Kot. Some names must be spelled as written
        (see `matchable_names`): "Under" is not Andar, "Tolo News" is not Tala.
        """
        if self._automaton is None:
            self._build_automaton()
        if not text or not self._id_groups:
            return []
        normalized = self.folding.normalize_text(text)
        key = normalized.key
        key_length = len(key)
        cased = text != text.lower()
        groups = self._id_groups
        found: list[tuple[int, int, tuple[str, ...]]] = []
        for key_end, (length, group, strict_index) in self._automaton.iter(key):
            key_start = key_end - length + 1
            if (key_start and key[key_start - 1] != " ") or (
                key_end + 1 < key_length and key[key_end + 1] != " "
            ):
                continue
            start, end = normalized.original_span(key_start, key_end + 1)
            if cased and text[start].islower():
                continue
            ids = groups[group]
            if strict_index >= 0:
                ids = self._with_strict(group, strict_index, light_form(text[start:end]))
            if ids:
                found.append((start, end, ids))
        found.sort(key=lambda item: (item[0], item[0] - item[1]))
        chosen: list[tuple[int, int, tuple[str, ...]]] = []
        last_end = -1
        for item in found:
            if item[0] >= last_end:
                chosen.append(item)
                last_end = item[1]
        return self._with_hints(text, chosen)

    def _with_strict(self, group: int, strict_index: int, light: str) -> tuple[str, ...]:
        """A pattern's candidates plus the names matched only as spelled, if spelled so."""
        cache_key = (group, strict_index, light)
        ids = self._merged.get(cache_key)
        if ids is None:
            extra = self._strict_groups[strict_index].get(light, frozenset())
            ids = self._order({*self._id_groups[group], *extra})
            self._merged[cache_key] = ids
        return ids

    def _with_hints(self, text: str,
                    chosen: Sequence[tuple[int, int, tuple[str, ...]]]) -> list[Mention]:
        hints: list[tuple[str | None, tuple[int, int] | None]] = []
        for index, (start, end, _ids) in enumerate(chosen):
            hint: str | None = None
            span: tuple[int, int] | None = None
            # Every HINT_BEFORE phrase ends in "of" (or "of the"): the regex only
            # runs where one of those words just precedes the name.
            tail = text[max(0, start - 9):start].lower().split()
            before = (_BEFORE_RE.search(text, max(0, start - 45), start)
                      if tail[-1:] == ["of"] or tail[-2:] == ["of", "the"] else None)
            after = _AFTER_RE.match(text, end)
            if before and _BEFORE_HINT[" ".join(before.group(1).lower().split())] == "capital":
                hint, span = "capital", (before.start(), end)
            elif after:
                word = " ".join(after.group(1).lower().split())
                hint, span = _AFTER_HINT[word], (start, after.end())
                if word in _PLURAL_HINTS:
                    # "Khan Abad, Aliabad and Imam Sahib districts"
                    back = index
                    while back > 0 and hints[back - 1][0] is None and _LIST_GLUE.fullmatch(
                        text, chosen[back - 1][1], chosen[back][0]
                    ):
                        back -= 1
                        hints[back] = (hint, (chosen[back][0], after.end()))
            elif before:
                hint = _BEFORE_HINT[" ".join(before.group(1).lower().split())]
                span = (before.start(), end)
            else:
                # The name itself may end in the word ("Kharkiv Oblast").
                hint = _AFTER_HINT.get(text[start:end].rsplit(None, 1)[-1].lower())
                span = (start, end) if hint else None
            hints.append((hint, span))
        return [
            Mention(start, end, text[start:end], ids, hint, span)
            for (start, end, ids), (hint, span) in zip(chosen, hints, strict=True)
        ]
