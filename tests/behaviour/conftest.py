"""The invented country: a gazetteer and profiles built in memory.

Nothing here is Afghan: the names are made up, the ids are not P-codes of any
real boundary set, and the actors are not the Taliban and a republic. A case
that passes here and in the Afghan world is not passing because of something
tied to one conflict.

The map of the invented country (ids in brackets; capitals marked *):

    Dorvan province [ZZ01]     Dorvan* [ZZ0101]   Halvik [ZZ0102]   Serrat [ZZ0103]
    Talmora province [ZZ02]    Velora* [ZZ0201]   Karsk [ZZ0202]    Tirvane [ZZ0203]
    Marovia province [ZZ03]    Ambrel* [ZZ0301]   Quessa [ZZ0302]   Oskaro [ZZ0303]

Populated places: the cities Dorvan, Velora and Ambrel (each in its capital
district, as GeoNames has them), the small town of Halvik (the centre of
Halvik district) and the towns Pellin (Halvik), Zarnow (Karsk), Ostrel
(Tirvane) and Fenmoor (Quessa).

Actors (the same four in every invented profile, in different orders, so that
nothing can depend on which actor is listed first):

- `front`, the Northern Front: the insurgents;
- `government`: the government of the country;
- `guard`, the Hill Guard: a militia fighting for the government
  (`side = "government"`), so its gains are recaptures;
- `banner`, the Red Banner: a second armed group on its own side.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

import pytest

from frontlines.extract import extract_document
from frontlines.models import Document, Event, Place
from frontlines.places.gazetteer import Gazetteer
from frontlines.profile import Profile, load_profile, parse_profile

from .harness import Case, check

PUBLISHED = "2021-06-22"

# --- the invented gazetteer ---------------------------------------------------

PROVINCES = {"ZZ01": "Dorvan", "ZZ02": "Talmora", "ZZ03": "Marovia"}
DISTRICTS = {
    "ZZ0101": "Dorvan", "ZZ0102": "Halvik", "ZZ0103": "Serrat",
    "ZZ0201": "Velora", "ZZ0202": "Karsk", "ZZ0203": "Tirvane",
    "ZZ0301": "Ambrel", "ZZ0302": "Quessa", "ZZ0303": "Oskaro",
}
CAPITALS = {"ZZ01": "ZZ0101", "ZZ02": "ZZ0201", "ZZ03": "ZZ0301"}
# id -> (name, district, population)
TOWNS = {
    "zz:dorvan": ("Dorvan", "ZZ0101", 210_000),
    "zz:velora": ("Velora", "ZZ0201", 150_000),
    "zz:ambrel": ("Ambrel", "ZZ0301", 90_000),
    "zz:halvik": ("Halvik", "ZZ0102", 8_000),
    "zz:pellin": ("Pellin", "ZZ0102", 12_000),
    "zz:zarnow": ("Zarnow", "ZZ0202", 9_500),
    "zz:ostrel": ("Ostrel", "ZZ0203", 7_000),
    "zz:fenmoor": ("Fenmoor", "ZZ0302", 11_000),
}


def invented_places() -> list[Place]:
    places = [Place(pid, name, "admin1", admin1=pid) for pid, name in PROVINCES.items()]
    for did, name in DISTRICTS.items():
        places.append(Place(did, name, "admin2", parent_id=did[:4], admin1=did[:4], admin2=did))
    for n, (tid, (name, did, population)) in enumerate(TOWNS.items()):
        places.append(Place(tid, name, "populated_place", parent_id=did, admin1=did[:4], admin2=did,
                            lat=40.0 + n / 10, lon=20.0 + n / 10, population=population))
    return places


# --- the invented profiles ----------------------------------------------------

ACTOR_TABLES = {
    "front": '''
[[actors]]
id = "front"
name = "Northern Front"
aliases = ["the Northern Front", "Northern Front", "NF", "NF fighters", "the Front",
           "Front fighters", "Front militants"]
source_markers = ["NF spokesman", "Front spokesman", "spokesman for the Northern Front"]
''',
    "government": '''
[[actors]]
id = "government"
name = "Government"
aliases = ["government troops", "government forces", "the government", "the army", "army",
           "soldiers", "security forces", "troops"]
source_markers = ["army spokesman", "defence ministry", "interior ministry", "governor",
                  "officials"]
''',
    "guard": '''
[[actors]]
id = "guard"
name = "Hill Guard"
side = "government"
aliases = ["the Hill Guard", "Hill Guard", "Hill Guard militiamen", "Hill Guard militia"]
source_markers = ["Guard commander"]
''',
    "banner": '''
[[actors]]
id = "banner"
name = "Red Banner"
aliases = ["the Red Banner", "Red Banner", "Red Banner militants", "Banner fighters"]
source_markers = ["Banner spokesman"]
''',
}


def invented_profile_text(name: str, order: tuple[str, ...], default_actor: str | None) -> str:
    head = f'name = "{name}"\ntitle = "An invented country"\ncountry = "FJ"\n'
    head += 'government = "government"\n'
    if default_actor:
        head += f'default_actor = "{default_actor}"\n'
    head += '\n[start]\ndate = 2021-05-01\nstate = "government"\n'
    return head + "".join(ACTOR_TABLES[a] for a in order)


# Without a default actor; the government listed first and its ally second, so
# an extractor that takes "the first actor that is not the government" as the
# actor of an actorless sentence would pick the government's own militia.
NO_DEFAULT = invented_profile_text("invented", ("government", "guard", "front", "banner"), None)
# With the insurgent as default actor, listed first.
DEFAULT_FRONT = invented_profile_text("invented-default", ("front", "government", "guard", "banner"),
                                      "front")
# The same actors, default actor the Red Banner: the default comes from the
# profile, not from the order of the actors.
DEFAULT_BANNER = invented_profile_text("invented-banner", ("front", "government", "guard", "banner"),
                                       "banner")

WORLD_PROFILES = {
    "invented": NO_DEFAULT,
    "invented-default": DEFAULT_FRONT,
    "invented-banner": DEFAULT_BANNER,
}


@pytest.fixture(scope="session")
def invented_gazetteer() -> Gazetteer:
    return Gazetteer(invented_places(), capitals=CAPITALS)


@pytest.fixture(scope="session")
def invented_profiles() -> dict[str, Profile]:
    return {world: parse_profile(text, f"<{world}>") for world, text in WORLD_PROFILES.items()}


# --- running a case -----------------------------------------------------------


def document(text: str) -> Document:
    digest = hashlib.sha256(text.encode()).hexdigest()
    return Document(id="behaviour", text=text, content_hash=digest, published=PUBLISHED)


@pytest.fixture(scope="session")
def world(request: pytest.FixtureRequest, invented_gazetteer: Gazetteer,
          invented_profiles: dict[str, Profile]) -> Callable[[str], tuple[Gazetteer, Profile]]:
    """The gazetteer and profile of a world by name; the Afghan one is built only when asked."""
    afghan: dict[str, tuple[Gazetteer, Profile]] = {}

    def get(name: str) -> tuple[Gazetteer, Profile]:
        if name == "afghan":
            if not afghan:
                afghan["w"] = (request.getfixturevalue("afghan_gazetteer"),
                               load_profile("afghanistan-2021"))
            return afghan["w"]
        return invented_gazetteer, invented_profiles[name]

    return get


@pytest.fixture
def run_case(world: Callable[[str], tuple[Gazetteer, Profile]]) -> Callable[[Case], list[Event]]:
    """Extract a case's text in its world and check the events against its expectation."""

    def run(case: Case) -> list[Event]:
        gazetteer, profile = world(case.world)
        events = extract_document(document(case.text), gazetteer, profile)
        check(case, events, profile)
        return events

    return run
