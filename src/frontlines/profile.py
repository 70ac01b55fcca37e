"""Profiles: everything that ties frontlines to one conflict lives in a TOML file.

A profile names the country, the actors (with their aliases), which actor is
the government, the state every unit starts in, the admin levels (which one
the map is drawn at, and the word for each), and optional extra trigger
phrases and name folding. The code never names a country or an actor; it
reads them from here.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from pathlib import Path

import pycountry

from .models import EVENT_KINDS, day_out_of_range
from .places.names import RULE_SETS

SPECIAL_STATES = ("contested", "unknown")
ACTOR_ID = re.compile(r"^[a-z][a-z0-9_]*$")
# The admin levels a profile may name; `country` is never a map level.
UNIT_LEVELS: tuple[str, ...] = ("admin1", "admin2", "admin3")
# Which copy of a boundary layer to import when a folder holds both.
GEOMETRY_CHOICES: tuple[str, ...] = ("full", "simplified")


class ProfileError(ValueError):
    """A profile file is missing, unreadable or not well formed."""


@dataclass(frozen=True)
class Actor:
    id: str
    name: str
    aliases: tuple[str, ...]
    color: str | None = None
    # Words a spokesman of this actor carries ("Taliban spokesman", "police spokesman").
    source_markers: tuple[str, ...] = ()
    # The actor whose side this one fights on (itself by default): a militia
    # fighting for the government has `side = "government"`, so its gains are
    # the government side regaining ground (recaptures) and its enemies are
    # the government's.
    side: str = ""

    @property
    def side_id(self) -> str:
        return self.side or self.id


@dataclass(frozen=True)
class LevelWord:
    """What reports and the program call the units of one level: "raion", "raions"."""

    singular: str
    plural: str


# The words used when a profile has no `[levels]` table: what frontlines has
# always said (the timeline's "provinces", "districts", "sub-districts").
DEFAULT_LEVEL_WORDS: dict[str, LevelWord] = {
    "admin1": LevelWord("province", "provinces"),
    "admin2": LevelWord("district", "districts"),
    "admin3": LevelWord("sub-district", "sub-districts"),
}


@dataclass(frozen=True)
class Levels:
    """The optional `[levels]` table: the admin level the map is drawn at, the
    word for each level, and which geometry to import when a folder holds a
    layer both in full and simplified.

    `map` None (no table, or no `map` key) keeps what frontlines did before
    profiles said it: the map is drawn at the finest level imported.
    """

    map: str | None = None
    words: dict[str, LevelWord] = field(default_factory=lambda: dict(DEFAULT_LEVEL_WORDS))
    geometry: str = "full"

    def word(self, level: str, plural: bool = False) -> str:
        """The word for a level's units ("hromada", or "hromadas" with `plural`)."""
        found = self.words.get(level) or DEFAULT_LEVEL_WORDS.get(level)
        if found is None:
            return level
        return found.plural if plural else found.singular

    def map_level(self, present: Iterable[str]) -> str | None:
        """The level the map is drawn at, given the unit levels a workspace holds:
        the profile's `map` level when it is there, else the finest one held at
        or above it (a workspace with oblasts and raions only, under a profile
        drawing hromadas, is drawn at raions)."""
        held = [level for level in UNIT_LEVELS if level in set(present)]
        if self.map is not None:
            held = [level for level in held if UNIT_LEVELS.index(level) <= UNIT_LEVELS.index(self.map)]
        return held[-1] if held else None


@dataclass(frozen=True)
class NamedPlace:
    """A `[[places]]` entry: a point the gazetteer's sources lack but reports of
    this conflict name (a border crossing, a base, a town GeoNames misses). It
    is added with the GeoNames places (`gazetteer add-places`) and tied to its
    units by point in polygon, like them."""

    name: str
    lat: float
    lon: float
    level: str = "crossing"  # "crossing" or "populated_place"
    aliases: tuple[str, ...] = ()


NAMED_PLACE_LEVELS = ("crossing", "populated_place")


@dataclass(frozen=True)
class Profile:
    name: str
    country: str  # ISO 3166-1 alpha-2
    actors: tuple[Actor, ...]
    government: str
    start_date: date
    start_state: str
    title: str = ""
    triggers: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # Optional `[capitals]` table: admin1 place id = id of the unit (at the map's
    # level) holding its capital, where the gazetteer's guess from the
    # settlements (seat codes, population) would be wrong.
    capitals: dict[str, str] = field(default_factory=dict)
    path: str | None = None
    # Optional `[timeline]` table: overrides of `timeline.TimelineSettings`
    # (e.g. `contested_days = 21`), validated when the profile is read.
    timeline: dict[str, int | float] = field(default_factory=dict)
    # The unit holding the national capital: "the capital", unqualified, in a
    # report means it (None: only the provincial capitals are known).
    national_capital: str | None = None
    # The actor taken to have acted when a report names none ("Kunduz fell"):
    # None means such a sentence gives no event. Never guessed from the order
    # of the actors.
    default_actor: str | None = None
    # Optional `[names]` table, `folding = ["persian"]`: the named rule sets of
    # `places.names.RULE_SETS` under which transliteration variants of a name
    # meet, on top of the universal base. None given: the base only.
    folding: tuple[str, ...] = ()
    # Optional `[names] aliases = { AF04 = ["Wardak"] }`: names reports use for
    # administrative units that the boundary files do not carry (unit id -> names),
    # added to the gazetteer by `gazetteer add-places`.
    unit_aliases: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # Optional `[levels]` table: map level, words per level, geometry (see `Levels`).
    levels: Levels = field(default_factory=Levels)
    # Optional `[start] baseline`: a baseline file (CSV or GeoJSON, see `baseline.py`)
    # giving units another state than `start_state`; a relative path is read from the
    # workspace folder. `baseline_source`: the source of its rows that name none.
    baseline: str | None = None
    baseline_source: str | None = None
    # Optional `[[places]]`: points of the conflict's own (see `NamedPlace`).
    places: tuple[NamedPlace, ...] = ()

    def actor(self, actor_id: str) -> Actor:
        for actor in self.actors:
            if actor.id == actor_id:
                return actor
        raise KeyError(actor_id)

    @property
    def actor_ids(self) -> tuple[str, ...]:
        return tuple(a.id for a in self.actors)

    def side_of(self, actor_id: str) -> str:
        """The side an actor fights on (its own id unless the profile says otherwise)."""
        for actor in self.actors:
            if actor.id == actor_id:
                return actor.side_id
        return actor_id

    @property
    def sides(self) -> tuple[str, ...]:
        """The distinct sides of the conflict, in profile order."""
        return tuple(dict.fromkeys(a.side_id for a in self.actors))

    @property
    def country_name(self) -> str:
        found = pycountry.countries.get(alpha_2=self.country)
        return found.name if found else self.country


def builtin_profiles() -> list[str]:
    """Names of the profiles shipped inside the package."""
    folder = resources.files("frontlines") / "profiles"
    return sorted(p.name[: -len(".toml")] for p in folder.iterdir() if p.name.endswith(".toml"))


def read_profile_text(name_or_path: str) -> tuple[str, str]:
    """Return (text, origin) for a built-in profile name or a path to a TOML file."""
    path = Path(name_or_path)
    if path.suffix == ".toml" or path.exists():
        try:
            return path.read_text(encoding="utf-8"), str(path)
        except OSError as exc:
            raise ProfileError(f"{name_or_path}: cannot read profile ({exc.strerror})") from exc
    resource = resources.files("frontlines") / "profiles" / f"{name_or_path}.toml"
    if not resource.is_file():
        known = ", ".join(builtin_profiles())
        raise ProfileError(f"unknown profile {name_or_path!r} (built-in profiles: {known})")
    return resource.read_text(encoding="utf-8"), f"builtin:{name_or_path}"


def load_profile(name_or_path: str) -> Profile:
    text, origin = read_profile_text(name_or_path)
    return parse_profile(text, origin)


def parse_profile(text: str, origin: str = "<profile>") -> Profile:
    """Parse and validate a profile; every error names the file and the field."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(f"{origin}: not valid TOML: {exc}") from exc
    return profile_from_mapping(data, origin)


def profile_from_mapping(data: dict[str, object], origin: str = "<profile>") -> Profile:
    """Validate an already parsed profile table (a profile embedded in another TOML file)."""

    def need(key: str, kind: type) -> object:
        if key not in data:
            raise ProfileError(f"{origin}: missing field '{key}'")
        if not isinstance(data[key], kind):
            raise ProfileError(f"{origin}: field '{key}' must be a {kind.__name__}")
        return data[key]

    name = str(need("name", str))
    country = str(need("country", str)).upper()
    if pycountry.countries.get(alpha_2=country) is None:
        raise ProfileError(f"{origin}: field 'country': {country!r} is not an ISO 3166 alpha-2 code")

    raw_actors = need("actors", list)
    assert isinstance(raw_actors, list)
    actors: list[Actor] = []
    raw: object
    for i, raw in enumerate(raw_actors):
        where = f"{origin}: actors[{i}]"
        if not isinstance(raw, dict):
            raise ProfileError(f"{where} must be a table")
        actor_id = raw.get("id")
        if not isinstance(actor_id, str) or not ACTOR_ID.match(actor_id):
            raise ProfileError(f"{where}.id must be a lower-case identifier, got {actor_id!r}")
        if actor_id in SPECIAL_STATES:
            raise ProfileError(f"{where}.id {actor_id!r} is reserved for a timeline state")
        aliases = raw.get("aliases", [])
        if not isinstance(aliases, list) or not all(isinstance(a, str) and a.strip() for a in aliases):
            raise ProfileError(f"{where}.aliases must be a list of non-empty strings")
        markers = raw.get("source_markers", [])
        if not isinstance(markers, list) or not all(isinstance(a, str) and a.strip() for a in markers):
            raise ProfileError(f"{where}.source_markers must be a list of non-empty strings")
        actors.append(
            Actor(
                id=actor_id,
                name=str(raw.get("name", actor_id)),
                aliases=tuple(aliases),
                color=raw.get("color"),
                source_markers=tuple(markers),
                side=str(raw.get("side", "")),
            )
        )
    ids = [a.id for a in actors]
    for i, actor in enumerate(actors):
        if actor.side and actor.side not in ids:
            raise ProfileError(f"{origin}: actors[{i}].side {actor.side!r} is not one of the actors")
    if len(set(ids)) != len(ids):
        raise ProfileError(f"{origin}: field 'actors': actor ids must be unique")
    if len(actors) < 2:
        raise ProfileError(f"{origin}: field 'actors': a conflict needs at least two actors")
    seen_alias: dict[str, str] = {}
    for actor in actors:
        for alias in actor.aliases:
            key = alias.casefold()
            if key in seen_alias and seen_alias[key] != actor.id:
                raise ProfileError(
                    f"{origin}: alias {alias!r} belongs to both {seen_alias[key]!r} and {actor.id!r}"
                )
            seen_alias[key] = actor.id

    government = str(need("government", str))
    if government not in ids:
        raise ProfileError(f"{origin}: field 'government': {government!r} is not one of the actors")

    start = need("start", dict)
    assert isinstance(start, dict)
    raw_date = start.get("date")
    if isinstance(raw_date, str):
        try:
            start_date = date.fromisoformat(raw_date)
        except ValueError as exc:
            raise ProfileError(f"{origin}: field 'start.date': {raw_date!r} is not YYYY-MM-DD") from exc
    elif isinstance(raw_date, date):
        start_date = raw_date
    else:
        raise ProfileError(f"{origin}: field 'start.date' is required (YYYY-MM-DD)")
    out_of_range = day_out_of_range(start_date, "field 'start.date':")
    if out_of_range:
        raise ProfileError(f"{origin}: {out_of_range}")
    start_state = start.get("state", "unknown")
    if start_state not in ids and start_state not in SPECIAL_STATES:
        raise ProfileError(
            f"{origin}: field 'start.state': {start_state!r} is neither an actor nor one of "
            f"{', '.join(SPECIAL_STATES)}"
        )

    baseline = start.get("baseline")
    baseline_source = start.get("baseline_source")
    for key, value in (("baseline", baseline), ("baseline_source", baseline_source)):
        if value is not None and not (isinstance(value, str) and value.strip()):
            raise ProfileError(f"{origin}: field 'start.{key}' must be a non-empty string")

    national_capital = data.get("national_capital")
    if national_capital is not None and not (isinstance(national_capital, str) and national_capital.strip()):
        raise ProfileError(f"{origin}: field 'national_capital' must be a unit id (a string)")
    default_actor = data.get("default_actor")
    if default_actor is not None and default_actor not in ids:
        raise ProfileError(f"{origin}: field 'default_actor': {default_actor!r} is not one of the actors")

    triggers: dict[str, tuple[str, ...]] = {}
    raw_triggers = data.get("triggers", {})
    if not isinstance(raw_triggers, dict):
        raise ProfileError(f"{origin}: field 'triggers' must be a table of kind = [phrases]")
    for kind, phrases in raw_triggers.items():
        if kind not in EVENT_KINDS:
            raise ProfileError(f"{origin}: field 'triggers.{kind}': unknown event kind")
        if not isinstance(phrases, list) or not all(isinstance(p, str) and p.strip() for p in phrases):
            raise ProfileError(f"{origin}: field 'triggers.{kind}' must be a list of phrases")
        triggers[kind] = tuple(phrases)

    raw_capitals = data.get("capitals", {})
    if not isinstance(raw_capitals, dict) or not all(
        isinstance(k, str) and k.strip() and isinstance(v, str) and v.strip()
        for k, v in raw_capitals.items()
    ):
        raise ProfileError(
            f"{origin}: field 'capitals' must be a table of admin1 id = unit id (strings)"
        )
    capitals = {k.strip(): v.strip() for k, v in raw_capitals.items()}

    return Profile(
        name=name,
        country=country,
        actors=tuple(actors),
        government=government,
        start_date=start_date,
        start_state=start_state,
        title=str(data.get("title", "")),
        triggers=triggers,
        capitals=capitals,
        path=origin,
        timeline=_timeline_table(data.get("timeline", {}), origin),
        default_actor=default_actor,
        national_capital=national_capital,
        folding=_names_table(data.get("names", {}), origin),
        unit_aliases=_unit_aliases(data.get("names", {}), origin),
        levels=_levels_table(data.get("levels", {}), origin),
        baseline=baseline.strip() if isinstance(baseline, str) else None,
        baseline_source=baseline_source.strip() if isinstance(baseline_source, str) else None,
        places=_places_list(data.get("places", []), origin),
    )


def _levels_table(raw: object, origin: str) -> Levels:
    """The optional `[levels]` table.

    `map = "admin3"`; a word per level, `admin1 = "oblast"` (plural: the word
    plus "s") or `admin1 = ["oblast", "oblasts"]`; `geometry = "full"` or
    `"simplified"`. Levels not named keep the default words.
    """
    if not isinstance(raw, dict):
        raise ProfileError(
            f"{origin}: field 'levels' must be a table (map = \"admin2\", admin1 = \"province\", ...)"
        )
    known = ("map", *UNIT_LEVELS, "geometry")
    unknown = sorted(set(raw) - set(known))
    if unknown:
        raise ProfileError(f"{origin}: field 'levels.{unknown[0]}': unknown (known: {', '.join(known)})")
    map_level = raw.get("map")
    if map_level is not None and map_level not in UNIT_LEVELS:
        raise ProfileError(
            f"{origin}: field 'levels.map': {map_level!r} is not one of {', '.join(UNIT_LEVELS)}"
        )
    words = dict(DEFAULT_LEVEL_WORDS)
    for level in UNIT_LEVELS:
        if level not in raw:
            continue
        value = raw[level]
        if isinstance(value, str) and value.strip():
            words[level] = LevelWord(value.strip(), value.strip() + "s")
        elif (isinstance(value, list) and len(value) == 2
              and all(isinstance(v, str) and v.strip() for v in value)):
            words[level] = LevelWord(value[0].strip(), value[1].strip())
        else:
            raise ProfileError(
                f"{origin}: field 'levels.{level}' must be a word (\"raion\") or "
                f"[singular, plural] (strings)"
            )
    geometry = raw.get("geometry", "full")
    if geometry not in GEOMETRY_CHOICES:
        raise ProfileError(
            f"{origin}: field 'levels.geometry': {geometry!r} is not one of {', '.join(GEOMETRY_CHOICES)}"
        )
    return Levels(map_level, words, geometry)


def _places_list(raw: object, origin: str) -> tuple[NamedPlace, ...]:
    """The `[[places]]` entries, each checked: a name, a latitude and a
    longitude in range, a known level, aliases as strings; names unique."""
    if not isinstance(raw, list):
        raise ProfileError(f"{origin}: field 'places' must be an array of tables ([[places]])")
    places: list[NamedPlace] = []
    seen: set[str] = set()
    for i, entry in enumerate(raw):
        where = f"{origin}: places[{i}]"
        if not isinstance(entry, dict):
            raise ProfileError(f"{where} must be a table")
        unknown = set(entry) - {"name", "lat", "lon", "level", "aliases"}
        if unknown:
            raise ProfileError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
        name = entry.get("name")
        if not (isinstance(name, str) and name.strip()):
            raise ProfileError(f"{where}.name must be a non-empty string")
        coordinates = []
        for key, limit in (("lat", 90.0), ("lon", 180.0)):
            value = entry.get(key)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not -limit <= value <= limit:
                raise ProfileError(f"{where}.{key} must be a number within ±{limit:g}, got {value!r}")
            coordinates.append(float(value))
        level = entry.get("level", "crossing")
        if level not in NAMED_PLACE_LEVELS:
            raise ProfileError(f"{where}.level must be one of {', '.join(NAMED_PLACE_LEVELS)}, got {level!r}")
        aliases = entry.get("aliases", [])
        if not isinstance(aliases, list) or not all(isinstance(a, str) and a.strip() for a in aliases):
            raise ProfileError(f"{where}.aliases must be a list of non-empty strings")
        key = name.strip().casefold()
        if key in seen:
            raise ProfileError(f"{where}.name {name!r} is given twice")
        seen.add(key)
        places.append(NamedPlace(name.strip(), coordinates[0], coordinates[1], level,
                                 tuple(a.strip() for a in aliases)))
    return tuple(places)


def _names_table(raw: object, origin: str) -> tuple[str, ...]:
    """The optional `[names]` table: `folding`, a list of rule-set names."""
    if not isinstance(raw, dict):
        raise ProfileError(f"{origin}: field 'names' must be a table (folding = [...])")
    unknown = sorted(set(raw) - {"folding", "aliases"})
    if unknown:
        raise ProfileError(f"{origin}: field 'names.{unknown[0]}': unknown (known: folding, aliases)")
    folding = raw.get("folding", [])
    if not isinstance(folding, list) or not all(isinstance(n, str) for n in folding):
        raise ProfileError(f"{origin}: field 'names.folding' must be a list of rule-set names")
    for name in folding:
        if name not in RULE_SETS:
            raise ProfileError(
                f"{origin}: field 'names.folding': unknown rule set {name!r} "
                f"(known: {', '.join(RULE_SETS)})"
            )
    return tuple(dict.fromkeys(folding))


def _unit_aliases(raw: object, origin: str) -> dict[str, tuple[str, ...]]:
    """`[names] aliases`: a table of unit id -> list of other names of that unit."""
    if not isinstance(raw, dict):
        return {}  # (`_names_table` reports a `names` that is no table)
    aliases = raw.get("aliases", {})
    if not isinstance(aliases, dict):
        raise ProfileError(f"{origin}: field 'names.aliases' must be a table of unit id = [names]")
    found: dict[str, tuple[str, ...]] = {}
    for unit_id, names in aliases.items():
        where = f"{origin}: field 'names.aliases.{unit_id}'"
        if not isinstance(names, list) or not names:
            raise ProfileError(f"{where} must be a non-empty list of names")
        if not all(isinstance(n, str) and n.strip() for n in names):
            raise ProfileError(f"{where}: every name must be a non-empty string")
        found[str(unit_id)] = tuple(dict.fromkeys(n.strip() for n in names))
    return found


def _timeline_table(raw: object, origin: str) -> dict[str, int | float]:
    """The optional `[timeline]` table, checked against the engine's settings."""
    from .timeline import settings_from_mapping

    if not isinstance(raw, dict):
        raise ProfileError(f"{origin}: field 'timeline' must be a table of settings")
    try:
        settings_from_mapping(raw)
    except ValueError as exc:
        raise ProfileError(f"{origin}: field {exc}") from exc
    return dict(raw)
