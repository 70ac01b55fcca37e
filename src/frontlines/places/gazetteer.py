"""The gazetteer's read side: finding place names in text, and searching them.

`Gazetteer` holds the places of one workspace in memory. One Aho-Corasick
pass over a normalised text finds every name (`find_mentions`), ambiguity
kept; a second, fuzzy pass (`fuzzy_mentions`, see `places.fuzzy`) finds the
misspelt names the first missed, on the sentences a caller looks at closer;
`search` serves people looking a name up; `capital_of` tells which unit
holds a province's (or a raion's) capital. Names are compared under the
profile's `NameFolding`.

A place's main name (`Place.name`) outranks the alternate names of other
places (`Place.alt_names`): GeoNames lists "Slov'yansk", an eighteenth-century
name, among Nikopol's, and a report saying Sloviansk means the city whose
name that is. So where a name is some places' main name, places of the same
level that bear it only as an alternate name are no candidates for it.

It is built from `Place`s, wherever they come from: `places.workspace`
loads the stored ones (`load_gazetteer`), a test or a plug-in may pass its
own. This module imports neither the database nor the GIS stack, so the
extractor, which needs only this, stays cheap to import.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any, Protocol

import ahocorasick
import pycountry
from rapidfuzz import fuzz, process

from ..models import ADMIN_LEVELS, Place
from .fuzzy import (
    MIN_EXACT_KEY,
    FuzzyIndex,
    candidate_runs,
    context_says_no,
    initials,
    is_derived_word,
    is_headline,
    is_ordinary_word,
    run_segments,
)
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
    say: "province", "district", "hromada" (a unit below the district), "city",
    or "capital" ("the provincial capital
    of X": the capital of province X is meant); `context_span` covers the name
    and those words. `score` is 100 for a name found as folded, less for one
    found by the fuzzy pass (`Gazetteer.fuzzy_mentions`), so later stages can
    weigh it. (Not frozen: a frozen dataclass costs six times as much to
    build, and a report yields dozens of mentions.)
    """

    start: int
    end: int
    text: str
    place_ids: tuple[str, ...]
    level_hint: str | None = None
    context_span: tuple[int, int] | None = None
    score: float = 100.0


@dataclass(frozen=True)
class SearchHit:
    """A place found by `Gazetteer.search`; `match` says how: the name as folded
    (`exact`), a name the query begins (`prefix`: what type-ahead needs) or a
    close spelling (`fuzzy`)."""

    id: str
    name: str
    level: str
    parents: tuple[str, ...]
    score: float
    match: str = "exact"

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "level": self.level,
                "parents": list(self.parents), "score": self.score, "match": self.match}


SEARCH_TIERS = ("exact", "prefix", "fuzzy")
"""How a search hit matched, best first: hits rank by tier before anything else."""
_WORD_BREAK = re.compile(r"[\s\-]+")
FUZZY_CUTOFF = 60
FUZZY_CUTOFF_AFTER_MATCHES = 80
# A name told in a province matched against that province's units alone (`closest_unit_within`).
WITHIN_PROVINCE_CUTOFF = 70
MAX_PREFIX_KEYS = 2000
"""A one-letter query begins thousands of names: only this many (in key order) are ranked."""


class AmbiguousName(ValueError):
    """A name borne by places that do not lie within one another: the caller must choose."""

    def __init__(self, name: str, places: Sequence[Place]):
        self.name = name
        self.places = list(places)
        listed = ", ".join(f"{p.name} ({p.id}, {p.level})" for p in self.places[:8])
        more = f" and {len(self.places) - 8} more" if len(self.places) > 8 else ""
        super().__init__(f"{name!r} names {len(self.places)} places: {listed}{more}; "
                         "give one's id")


# Words after a name that say what kind of place it is ("Kunduz province").
# Plural forms also apply to the names listed before ("Khan Abad and Imam
# Sahib districts").
HINT_AFTER: tuple[tuple[str, str], ...] = (
    ("provincial capital", "capital"),
    ("provinces", "province"), ("province", "province"), ("oblasts", "province"),
    ("oblast", "province"), ("regions", "province"), ("region", "province"),
    ("districts", "district"), ("district", "district"), ("raions", "district"),
    ("raion", "district"), ("hromadas", "hromada"), ("hromada", "hromada"),
    ("territorial community", "hromada"), ("community", "hromada"),
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


def _plain_spelling(name: str) -> str:
    """A name lower-cased with its hyphens as spaces ("Pul-e-Khumri": "pul e khumri")."""
    return " ".join(name.casefold().replace("-", " ").split())


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
# Candidate strings whose fuzzy result is kept; the cache is emptied past this.
FUZZY_CACHE_LIMIT = 100_000
# How `Gazetteer.matchable_names` judged a name: looked for folded, or only as spelled.
_FOLDED = 1
_AS_SPELLED = 2
# Levels whose names the fuzzy pass looks for: the admin units and the towns.
FUZZY_LEVELS: frozenset[str] = frozenset({"admin1", "admin2", "admin3", "populated_place"})


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


class IndexStore(Protocol):
    """Where a gazetteer keeps the indexes it built, for the next process to load.

    Building the name indexes of a country's tens of thousands of settlements
    takes seconds; a workspace keeps them beside its database
    (`places.workspace.FileIndexStore`), so that every `frontlines extract`
    after the first starts at once. `kind` is "mentions" (the Aho-Corasick
    automaton and its candidate groups) or "fuzzy" (the fuzzy pass's keys).
    `load` returns None when nothing usable is kept.
    """

    def load(self, kind: str) -> Any | None: ...

    def save(self, kind: str, state: Any) -> None: ...


class Gazetteer:
    """Places of one workspace, indexed for finding names in text and searching.

    A workspace's own comes from `places.workspace.load_gazetteer`, cached
    until its places change. `folding` says which transliteration variants
    of a name meet (the profile's `[names] folding`); by default only the
    universal base rules apply.

    `capitals` maps an admin1 id to the unit holding its capital, at the
    level the map is drawn at (`map_level`; default: the finest level among
    the places). `centres` maps a unit id (any level) to the settlement at its
    centre; a unit named after its centre with an ending ("Iziumska" hromada,
    "Iziumskyi" raion, after the town Izyum) is also found by the centre's
    name, as reports name it ("Izium hromada").
    """

    def __init__(self, places: Iterable[Place], capitals: Mapping[str, str] | None = None,
                 folding: NameFolding = BASE_FOLDING, *, centres: Mapping[str, str] | None = None,
                 map_level: str | None = None, index_store: IndexStore | None = None):
        self.folding = folding
        # Where the built indexes are kept between processes (None: nowhere).
        self.index_store = index_store
        self.places: dict[str, Place] = {p.id: p for p in places}
        self.capitals: dict[str, str] = dict(capitals or {})
        self.centres: dict[str, str] = dict(centres or {})
        present = {p.level for p in self.places.values()}
        self.map_level: str | None = map_level or next(
            (level for level in ("admin3", "admin2", "admin1") if level in present), None)
        self._name_units_after_centres()
        self._children: dict[str, list[str]] = defaultdict(list)
        for place in self.places.values():
            if place.parent_id:
                self._children[place.parent_id].append(place.id)
        self._keys: dict[str, set[str]] | None = None
        self._search_keys: list[str] = []
        self._inner: tuple[list[str], dict[str, set[str]]] | None = None
        self._automaton: Any = None
        self._id_groups: list[tuple[str, ...]] = []
        self._strict_groups: list[dict[str, tuple[str, ...]]] = []
        self._fuzzy: FuzzyIndex | None = None
        self._fuzzy_results: dict[str, tuple[tuple[str, ...], float] | None] = {}
        self._matchable: dict[tuple[str, frozenset[str]], list[tuple[str, bool]]] = {}
        self._verdicts: dict[tuple[str, bool, frozenset[str]], int] = {}

    def _name_units_after_centres(self) -> None:
        """Give a unit named after its centre the centre's name as an alternate name."""
        for unit_id, centre_id in self.centres.items():
            unit = self.places.get(unit_id)
            centre = self.places.get(centre_id)
            if unit is None or centre is None or unit.level not in ADMIN_LEVELS:
                continue
            if centre.name not in (unit.name, *unit.alt_names) and named_after(
                unit.name, centre.name, self.folding
            ):
                self.places[unit_id] = replace(unit, alt_names=(*unit.alt_names, centre.name))

    @property
    def _ids_by_key(self) -> dict[str, set[str]]:
        """Folded key -> ids of the places bearing a name of that key (for `search`),
        built on first use: extraction never searches."""
        if self._keys is None:
            keys: dict[str, set[str]] = defaultdict(set)
            normalize_name = self.folding.normalize_name
            for place in self.places.values():
                for name in (place.name, *place.alt_names):
                    key = normalize_name(name)
                    if key:
                        keys[key].add(place.id)
            self._keys = keys
            self._search_keys = sorted(keys)
        return self._keys

    # --- structure ------------------------------------------------------

    def capital_of(self, unit_id: str, level: str | None = None) -> str | None:
        """The unit holding the capital of a unit, if known.

        For an admin1 unit, its capital from `capitals` (the unit at the map's
        level: an admin2 district in Afghanistan, an admin3 hromada in Ukraine);
        for a finer unit, the unit at the map's level holding its centre (a
        raion's centre hromada). With `level` ("admin2"), the capital's unit at
        that level instead (the raion holding an oblast's capital), so that a
        town can be checked against it (`place.admin2 == capital_of(x, "admin2")`).
        """
        capital = self.capitals.get(unit_id)
        if capital is None:
            centre = self.places.get(self.centres.get(unit_id, ""))
            if centre is None:
                return None
            capital = unit_at(centre, self.map_level)
            if capital is None:
                return None
        if level is None:
            return capital
        place = self.places.get(capital)
        if place is None:
            return None
        if place.level == level:
            return capital
        return {"admin1": place.admin1, "admin2": place.admin2, "admin3": place.admin3}.get(level)

    def centre_of(self, unit_id: str) -> Place | None:
        """The settlement at a unit's centre (its seat, else its largest town), if known."""
        return self.places.get(self.centres.get(unit_id, ""))

    def is_main_name(self, place_id: str, name: str) -> bool:
        """Whether `name` is (a spelling of) the place's main name, not one of its alternates."""
        place = self.places.get(place_id)
        normalize_name = self.folding.normalize_name
        return place is not None and normalize_name(name) == normalize_name(place.name)

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

    def closest_unit_within(
        self, name: str, admin1: str, cutoff: float = WITHIN_PROVINCE_CUTOFF
    ) -> Place | None:
        """The map unit of province `admin1` whose name is spelt closest to `name`
        (rapidfuzz ratio on names as written, at least `cutoff`), or None.

        For a name a report places in a province where no place bears it ("Faryab's
        Dawlat Shah district": Dawlat Shah is in Laghman): among a province's dozen
        units a misspelling can be trusted much further than across the country.
        """
        level = self.map_level
        if not level:
            return None
        # Spellings as written, not folded: folding joins vowels, and so makes any two
        # Dari names of a province look alike.
        key = _plain_spelling(name)
        units = sorted(
            (p for p in self.places.values() if p.level == level and p.admin1 == admin1), key=lambda p: p.id
        )
        best: tuple[float, Place] | None = None
        for unit in units:
            for other in (unit.name, *unit.alt_names):
                score = fuzz.ratio(key, _plain_spelling(other))
                if score >= cutoff and (best is None or score > best[0]):
                    best = (score, unit)
        return best[1] if best else None

    def _order(self, ids: Iterable[str]) -> tuple[str, ...]:
        """Candidates coarsest level first, then biggest population."""
        return tuple(sorted(ids, key=lambda i: (LEVEL_RANK.get(self.places[i].level, 9),
                                                -(self.places[i].population or 0), i)))

    # --- search ---------------------------------------------------------

    def search(self, name: str, limit: int = 10) -> list[SearchHit]:
        """Places by name, best first: exact (folded) matches, then names that begin
        with the query or have a word that does (so type-ahead finds "Imam Sahib"
        from "imam s" or "sah"), then fuzzy ones (typos and spellings the folding
        does not join).

        Within a tier: the better score (not for prefixes), a place's main name
        before an alternate one, the coarser level, the bigger population, the id.
        """
        query = name.strip()
        normalize_name = self.folding.normalize_name
        key = normalize_name(query)
        ids_by_key = self._ids_by_key
        found: dict[str, tuple[int, float]] = {}  # place id -> (tier, score)

        def offer(place_id: str, tier: int, score: float) -> None:
            if place_id not in found or (tier, -score) < (found[place_id][0], -found[place_id][1]):
                found[place_id] = (tier, score)

        if query in self.places:
            offer(query, 0, 100.0)
        for place_id in ids_by_key.get(key, ()):
            offer(place_id, 0, 100.0)
        if key:
            for choice in self._keys_beginning(key):
                for place_id in ids_by_key[choice]:
                    offer(place_id, 1, round(100.0 * len(key) / len(choice), 1))
            if len(key) >= 3:  # a later word of a name: "sahib" finds "Imam Sahib"
                for choice, place_ids in self._inner_keys_beginning(key):
                    for place_id in place_ids:
                        offer(place_id, 1, round(100.0 * len(key) / len(choice), 1))
        if key and len(found) < limit:
            # Close spellings fill the list; once a name matched, only the very close ones do
            # (type-ahead's "imam sa" wants no "Alasay").
            cutoff = FUZZY_CUTOFF_AFTER_MATCHES if found else FUZZY_CUTOFF
            for choice, score, _index in process.extract(
                key, self._search_keys, scorer=fuzz.ratio, limit=limit * 3, score_cutoff=cutoff
            ):
                for place_id in ids_by_key[choice]:
                    offer(place_id, 2, round(float(score), 1))

        def rank(place_id: str) -> tuple[int, float, int, int, int, float, str]:
            # Among names the query begins, the shape of the place counts before the length
            # of its name: "imam sa" is the district Imam Sahib before a village Imam Saheb.
            place = self.places[place_id]
            tier, score = found[place_id]
            main = normalize_name(place.name)
            # The place's main name (not an alternate one) is what matched: equal to the
            # query for an exact hit, begun by it for a prefix hit.
            primary = place_id == query or main == key or (tier == 1 and main.startswith(key))
            return (tier, 0.0 if tier == 1 else -score, 0 if primary else 1,
                    LEVEL_RANK.get(place.level, 9), -(place.population or 0), -score, place_id)

        hits = []
        for place_id in sorted(found, key=rank)[:limit]:
            place = self.places[place_id]
            tier, score = found[place_id]
            hits.append(SearchHit(place.id, place.name, place.level,
                                  tuple(p.name for p in self.parents(place.id)),
                                  score, SEARCH_TIERS[tier]))
        return hits

    def resolve(self, name: str) -> str | None:
        """The one place a name (or an id) stands for, or None if no place bears it.

        Several places may bear a name: "Kunduz" is a province, a district of
        it and a city in both. When all of them lie within the coarsest one,
        that one is meant (its events include theirs); when they lie apart,
        the name is ambiguous (`AmbiguousName`, listing them).
        """
        query = name.strip()
        if query in self.places:
            return query
        ids = self._ids_by_key.get(self.folding.normalize_name(query), set())
        if not ids:
            return None
        ordered = sorted(ids, key=lambda i: (LEVEL_RANK.get(self.places[i].level, 9), i))
        top = self.places[ordered[0]]
        inside = all(i == top.id or top.id in {self.places[i].admin1, self.places[i].admin2,
                                               self.places[i].admin3, self.places[i].parent_id}
                     for i in ordered)
        if not inside:
            raise AmbiguousName(query, [self.places[i] for i in self._order(ordered)])
        return top.id

    def _keys_beginning(self, key: str) -> list[str]:
        """Search keys other than `key` that begin with it, or have a later word that does."""
        keys = self._search_keys
        found: list[str] = []
        at = bisect_left(keys, key)
        while at < len(keys) and keys[at].startswith(key) and len(found) < MAX_PREFIX_KEYS:
            if keys[at] != key:
                found.append(keys[at])
            at += 1
        return found

    def _inner_keys_beginning(self, key: str) -> list[tuple[str, set[str]]]:
        """(key, place ids) of the names whose second or later word begins a key
        beginning with `key` ("sahib…" in "Imam Sahib"), built on first use."""
        if self._inner is None:
            inner: dict[str, set[str]] = defaultdict(set)
            normalize_name = self.folding.normalize_name
            for place in self.places.values():
                for name in (place.name, *place.alt_names):
                    parts = _WORD_BREAK.split(name.strip())
                    for at in range(1, len(parts)):
                        tail = normalize_name(" ".join(parts[at:]))
                        if tail:
                            inner[tail].add(place.id)
            self._inner = (sorted(inner), dict(inner))
        keys, ids = self._inner
        found: list[tuple[str, set[str]]] = []
        at = bisect_left(keys, key)
        while at < len(keys) and keys[at].startswith(key) and len(found) < MAX_PREFIX_KEYS:
            found.append((keys[at], ids[keys[at]]))
            at += 1
        return found

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
        cached = self._matchable.get((place.id, local_scripts))
        if cached is not None:
            return cached  # both indexes ask for every place's names
        is_unit = place.level in ADMIN_LEVELS
        verdicts = self._verdicts
        kept = []
        for name in dict.fromkeys((place.name, *place.alt_names)):
            # A country's settlements share names (seven villages are Lyman):
            # each distinct name is judged once.
            verdict = verdicts.get((name, is_unit, local_scripts))
            if verdict is None:
                verdict = verdicts[(name, is_unit, local_scripts)] = self._judge_name(
                    name, is_unit, local_scripts)
            if verdict:
                kept.append((name, verdict == _AS_SPELLED))
        self._matchable[(place.id, local_scripts)] = kept
        return kept

    def _judge_name(self, name: str, is_unit: bool, local_scripts: frozenset[str]) -> int:
        """0: never looked for; `_FOLDED`: matched folded; `_AS_SPELLED`: only as spelled."""
        folding = self.folding
        if letter_count(name) < MIN_NAME_LETTERS:
            return 0
        if not is_unit and (is_code(name) or is_machine_romanisation(name)
                            or not scripts_of(name) <= local_scripts):
            return 0
        key = folding.normalize_name(name)
        if len(key) < 3 or folding.is_common_words(name, generic_too=not is_unit, as_spelled=True):
            return 0
        if not is_unit and key in country_name_keys(folding):
            return 0
        strict = folding.is_common_words(name, generic_too=not is_unit) or (
            not is_unit and len(key) <= STRICT_KEY_LENGTH
        )
        return _AS_SPELLED if strict else _FOLDED

    def _local_scripts(self) -> frozenset[str]:
        """Latin, and the scripts of the admin units' names (the country's own)."""
        return frozenset({"LATIN"}).union(
            *(scripts_of(n) for p in self.places.values() if p.level in ADMIN_LEVELS
              for n in (p.name, *p.alt_names))
        )

    def _build_automaton(self) -> None:
        stored = self.index_store.load("mentions") if self.index_store is not None else None
        if stored is not None:
            self._automaton, self._id_groups, self._strict_groups = stored
            return
        local_scripts = self._local_scripts()
        # pattern -> place id -> whether the place bears it as its main name
        loose: dict[str, dict[str, bool]] = defaultdict(dict)
        strict: dict[str, dict[str, dict[str, bool]]] = defaultdict(lambda: defaultdict(dict))
        for place in self.places.values():
            if place.level not in MENTION_LEVELS:
                continue
            main_key = self.folding.normalize_name(place.name)
            for name, as_spelled in self.matchable_names(place, local_scripts):
                # A spelling of the main name is the main name (Liman is Lyman).
                main = self.folding.normalize_name(name) == main_key
                for pattern in self.folding.text_patterns(name):
                    found = strict[pattern][light_form(name)] if as_spelled else loose[pattern]
                    found[place.id] = found.get(place.id, False) or main
        automaton = ahocorasick.Automaton()
        groups: dict[tuple[str, ...], int] = {}
        self._strict_groups = []
        for pattern in sorted(loose.keys() | strict.keys()):
            bearers = loose.get(pattern, {})
            group = groups.setdefault(self.main_names_first(bearers), len(groups))
            strict_index = -1
            if pattern in strict:
                # The candidates when the text spells the name as one of these
                # places does: computed here, so a match only looks them up.
                strict_index = len(self._strict_groups)
                self._strict_groups.append({
                    light: self.main_names_first(_merge_bearers(bearers, extra))
                    for light, extra in strict[pattern].items()
                })
            automaton.add_word(pattern, (len(pattern), group, strict_index))
        if groups:
            automaton.make_automaton()
        self._id_groups = list(groups)
        self._automaton = automaton
        if self.index_store is not None:
            self.index_store.save("mentions", (automaton, self._id_groups, self._strict_groups))

    def main_names_first(self, bearers: Mapping[str, bool]) -> tuple[str, ...]:
        """The candidates of one name, given which places bear it as their main
        name (a spelling of it: Liman is the town Lyman's): a place bearing it
        only as an alternate name is dropped where a place of its level bears
        it as main name (Nikopol, once "Slov'yansk", is no candidate for
        Sloviansk). In candidate order (`_order`)."""
        main_levels = {self.places[i].level for i, main in bearers.items() if main}
        return self._order(i for i, main in bearers.items()
                           if main or self.places[i].level not in main_levels)

    def find_mentions(self, text: str, *, fuzzy: bool = False) -> list[Mention]:
        """Every gazetteer name in a text, in one pass, leftmost-longest, offsets in `text`.

        In text that has capital letters, a name must start with one: "her at"
        is not Herat, "kit" is not Kot. Some names must be spelled as written
        (see `matchable_names`): "Under" is not Andar, "Tolo News" is not Tala.
        `fuzzy=True` adds the fuzzy pass over the whole text (`fuzzy_mentions`);
        the extractor runs that pass only on the sentences worth it instead.
        """
        mentions = self._exact_mentions(text)
        return self.fuzzy_mentions(text, mentions) if fuzzy else mentions

    def _exact_mentions(self, text: str) -> list[Mention]:
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
        return self._strict_groups[strict_index].get(light, self._id_groups[group])

    def _with_hints(self, text: str, chosen: Sequence[tuple[int, int, tuple[str, ...]]],
                    scores: Sequence[float] | None = None) -> list[Mention]:
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
        if scores is None:
            return [
                Mention(start, end, text[start:end], ids, hint, span)
                for (start, end, ids), (hint, span) in zip(chosen, hints, strict=True)
            ]
        return [
            Mention(start, end, text[start:end], ids, hint, span, score)
            for (start, end, ids), (hint, span), score in zip(chosen, hints, scores, strict=True)
        ]

    # --- fuzzy mentions ---------------------------------------------------

    def fuzzy_mentions(self, text: str, exact: Sequence[Mention] | None = None, *,
                       span: tuple[int, int] | None = None,
                       taken: Iterable[tuple[int, int]] = ()) -> list[Mention]:
        """The mentions in a text, or in `span` of it, with the names the exact pass
        missed added by fuzzy matching; offsets in `text`, by position.

        `exact` are the exact mentions of `text` (`find_mentions`; found here when
        not given); those outside `span` are left out of the result. Call it with
        the whole report and a sentence's span: only that sentence is searched,
        and the rest of the report tells an ordinary word from a name. `taken`
        spans (actors, dates, triggers the caller found) are never part of a
        name.

        Candidates are runs of capitalised words (`fuzzy.candidate_runs`,
        `fuzzy.run_segments`) that no exact mention covers. A run may hold a
        shorter exact mention strictly inside: "Khuwaja Ghar" matched as Khwaja
        Ghar replaces the province "Ghar" found inside it. A candidate's folded
        key is scored against the folded keys of the admin units' and towns'
        names (`fuzzy.FuzzyIndex`); every place within the band of the best
        becomes a candidate, ordered as in the exact pass, and the mention's
        `score` says how close it was (100: equal keys, the words only grouped
        otherwise, as "Du Ab" for Duab).

        Cheap where no capitalised word is left unmatched, and cached per
        candidate string, so a caller may run it on every sentence it looks at
        closer.
        """
        if exact is None:
            exact = self._exact_mentions(text)
        lo, hi = span if span is not None else (0, len(text))
        exact = [m for m in exact if lo <= m.start and m.end <= hi]
        runs = candidate_runs(text, self.folding, taken, lo, hi) if hi > lo else []
        if not runs:
            return list(exact)
        exact_spans = [(m.start, m.end) for m in exact]
        found: list[tuple[int, int, tuple[str, ...], float]] = []
        replaced: set[int] = set()
        for run in runs:
            for first, last in run_segments(run):
                start, end = run.parts[first][0], run.parts[last - 1][1]
                inner = self._inner_mentions(exact_spans, start, end)
                if inner is None or _overlaps_any(start, end, found):
                    continue
                result = self._fuzzy_lookup(text, start, end)
                if result is not None and not context_says_no(text, run) and not (
                    last - first == 1 and run.sentence_start
                    and is_ordinary_word(text, text[start:end])
                ):
                    found.append((start, end, result[0], result[1]))
                    replaced.update(inner)
        if not found:
            return list(exact)
        merged = [(m.start, m.end, m.place_ids, m.score)
                  for i, m in enumerate(exact) if i not in replaced] + found
        merged.sort(key=lambda item: item[0])
        return self._with_hints(text, [item[:3] for item in merged], [item[3] for item in merged])

    @staticmethod
    def _inner_mentions(spans: Sequence[tuple[int, int]], start: int,
                        end: int) -> list[int] | None:
        """Indexes of the exact mentions strictly inside [start, end); None when one
        covers the span or crosses its edge (then it is not a candidate)."""
        inner = []
        for index, (s, e) in enumerate(spans):
            if e <= start or s >= end:
                continue
            if start <= s and e <= end and (s, e) != (start, end):
                inner.append(index)
            else:
                return None
        return inner

    def _fuzzy_lookup(self, text: str, start: int,
                      end: int) -> tuple[tuple[str, ...], float] | None:
        """The places a candidate may name, and the score; None for no place, a
        country, a demonym ("Panjshiri"), a word in capitals or in a headline."""
        surface = text[start:end]
        if surface in self._fuzzy_results:
            found = self._fuzzy_results[surface]
        else:
            found = self._fuzzy_results[surface] = self._fuzzy_match(surface)
            if len(self._fuzzy_results) > FUZZY_CACHE_LIMIT:
                self._fuzzy_results.clear()
        if found is None or is_headline(text, start):
            return None
        return found

    @property
    def fuzzy_index(self) -> FuzzyIndex:
        """The keys the fuzzy pass compares against, built on first use."""
        if self._fuzzy is None:
            self._fuzzy = self._build_fuzzy_index()
        return self._fuzzy

    def clear_fuzzy_cache(self) -> None:
        """Forget the fuzzy results cached per candidate string (to time a cold pass)."""
        self._fuzzy_results.clear()

    def _fuzzy_match(self, surface: str) -> tuple[tuple[str, ...], float] | None:
        """A candidate string's places and score, whatever its context."""
        index = self.fuzzy_index
        folding = self.folding
        key = folding.normalize_name(surface)
        if key in country_name_keys(folding):
            return None
        if surface.isupper() and " " not in surface:
            return None  # one word in capitals: an acronym, a button ("SHARE"), a dateline
        found = index.lookup(key, initials(folding, surface))
        if found is None:
            return None
        if found[1] < 100 and " " not in surface and is_derived_word(
            folding, surface, index.ids_by_key
        ):
            return None
        return self._order(found[0]), found[1]

    def _build_fuzzy_index(self) -> FuzzyIndex:
        stored = self.index_store.load("fuzzy") if self.index_store is not None else None
        if stored is not None:
            return FuzzyIndex(*stored)
        ids_by_key, initials_by_key, unit_keys = self._fuzzy_keys()
        if self.index_store is not None:
            self.index_store.save("fuzzy", (ids_by_key, initials_by_key, unit_keys))
        return FuzzyIndex(ids_by_key, initials_by_key, unit_keys)

    def _fuzzy_keys(self) -> tuple[dict[str, tuple[str, ...]], dict[str, set[tuple[str, ...]]], set[str]]:
        """Keys of the Latin-script names worth matching (`matchable_names`, not
        those to be matched only as spelled) of admin units and towns."""
        local_scripts = self._local_scripts()
        bearers: dict[str, dict[str, bool]] = defaultdict(dict)
        initials_by_key: dict[str, set[tuple[str, ...]]] = defaultdict(set)
        unit_keys: set[str] = set()
        for place in self.places.values():
            if place.level not in FUZZY_LEVELS:
                continue
            main_key = self.folding.normalize_name(place.name)
            for name, as_spelled in self.matchable_names(place, local_scripts):
                if as_spelled or not scripts_of(name) <= {"LATIN"}:
                    continue
                key = self.folding.normalize_name(name)
                if len(key) >= MIN_EXACT_KEY:
                    found = bearers[key]
                    found[place.id] = found.get(place.id, False) or key == main_key
                    initials_by_key[key].add(initials(self.folding, name))
                    if place.level in ADMIN_LEVELS:
                        unit_keys.add(key)
        ids_by_key = {key: self.main_names_first(found) for key, found in bearers.items()}
        return ids_by_key, dict(initials_by_key), unit_keys


def _merge_bearers(a: Mapping[str, bool], b: Mapping[str, bool]) -> dict[str, bool]:
    merged = dict(a)
    for place_id, main in b.items():
        merged[place_id] = merged.get(place_id, False) or main
    return merged


# A unit named after its centre differs from the centre's name by at most
# this many letters at the end of its last word: Ukrainian -ska (hromada),
# -skyi (raion), -a (Slovianska after Sloviansk).
MAX_NAME_ENDING = 4


def named_after(unit_name: str, centre_name: str, folding: NameFolding = BASE_FOLDING) -> bool:
    """Whether a unit's name is its centre's name plus an ending (an adjective
    made of it): "Iziumska" and "Iziumskyi" after Izyum, "Slovianska" after
    Slovyansk, compared folded. Same number of words, all but the last equal,
    the last the centre's plus 1 to `MAX_NAME_ENDING` letters, the centre's
    at least 3 letters. "Pashtun Kot" is not named after "Pashtun"."""
    fold = folding.fold_ascii
    unit_words = [fold(w) for w in folding.name_words(unit_name)]
    centre_words = [fold(w) for w in folding.name_words(centre_name)]
    if not unit_words or len(unit_words) != len(centre_words) or unit_words[:-1] != centre_words[:-1]:
        return False
    unit_last, centre_last = unit_words[-1], centre_words[-1]
    ending = len(unit_last) - len(centre_last)
    return len(centre_last) >= 3 and 1 <= ending <= MAX_NAME_ENDING and unit_last.startswith(centre_last)


def unit_at(place: Place, map_level: str | None) -> str | None:
    """The unit holding a place at the map's level, else at the finest level
    above it the place has (Crimea has no hromadas: its raion)."""
    levels = ("admin1", "admin2", "admin3")
    top = levels.index(map_level) if map_level in levels else len(levels) - 1
    codes = (place.admin1, place.admin2, place.admin3)
    return next((codes[k] for k in range(top, -1, -1) if codes[k]), None)


def _overlaps_any(start: int, end: int,
                  found: Sequence[tuple[int, int, tuple[str, ...], float]]) -> bool:
    return any(s < end and start < e for s, e, _ids, _score in found)
