"""Teaching sentences: general facts the gold reports state too rarely.

Real reports seldom say "X province is now held by the League" or "League
fighters withdrew from X", so a model fitted on them alone judges such plain
statements by what little it saw. `data/teaching.toml` states these facts
as templates in an invented country; `teaching_examples` runs them through
the same stages as any report and labels each frame with the class its
template states. The decision model learns from them with a small weight
(`TEACHING_WEIGHT`) beside the gold reports; they are never scored.
"""

from __future__ import annotations

import hashlib
import itertools
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from ..models import Document, Place
from ..places.gazetteer import Gazetteer
from ..profile import Profile, profile_from_mapping
from .model import NONE_CLASS

TEACHING_FILE = "teaching.toml"
# Each teaching frame counts as much as one frame of a gold report: there are
# about a tenth as many, enough to settle what gold leaves open and too few to
# outvote it. Measured (cross-validated F1 on dev + dev-b, two seeds): 0.705
# at weight 0.3, 0.706 at 1.0, 0.705 at 2.0; the templated suite in
# tests/behaviour fails 91, 21 and 16 of its 1,365 cases.
TEACHING_WEIGHT = 1.0
CLASSES = ("gain", "siege", "clash", "surrender", "withdrawal", NONE_CLASS)
PLACE_TYPES = ("district", "province", "capital", "town")


class TeachingError(ValueError):
    """The teaching file is not well formed; says where."""


@dataclass(frozen=True)
class TeachingSentence:
    text: str
    label: str
    place_id: str
    actor: str


@dataclass(frozen=True)
class Teaching:
    profile: Profile
    gazetteer: Gazetteer
    sentences: tuple[TeachingSentence, ...]


def _read() -> dict[str, Any]:
    resource = resources.files("frontlines.extract") / "data" / TEACHING_FILE
    try:
        return tomllib.loads(resource.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise TeachingError(f"{TEACHING_FILE}: not valid TOML: {exc}") from exc


def _places(data: dict[str, Any]) -> tuple[list[Place], dict[str, str], dict[str, list[Place]]]:
    """Provinces, districts (the first of each province is its capital) and towns."""
    raw = data.get("places")
    if not isinstance(raw, dict) or "towns" not in raw:
        raise TeachingError(f"{TEACHING_FILE}: [places] needs provinces and a 'towns' list")
    places: list[Place] = []
    capitals: dict[str, str] = {}
    by_type: dict[str, list[Place]] = {t: [] for t in PLACE_TYPES}
    provinces = [(name, districts) for name, districts in raw.items() if name != "towns"]
    for p, (province, districts) in enumerate(provinces, start=1):
        pid = f"TT{p:02d}"
        unit = Place(pid, province, "admin1", admin1=pid)
        places.append(unit)
        by_type["province"].append(unit)
        for d, district in enumerate(districts, start=1):
            did = f"{pid}{d:02d}"
            place = Place(did, district, "admin2", parent_id=pid, admin1=pid, admin2=did)
            places.append(place)
            by_type["capital" if d == 1 else "district"].append(place)
        capitals[pid] = f"{pid}01"
    for t, town in enumerate(raw["towns"], start=1):
        district = by_type["district"][t % len(by_type["district"])]
        place = Place(
            f"tt:{t}",
            town,
            "populated_place",
            parent_id=district.id,
            admin1=district.admin1,
            admin2=district.id,
            lat=1.0,
            lon=1.0,
            population=5_000,
        )
        places.append(place)
        by_type["town"].append(place)
    return places, capitals, by_type


@lru_cache(maxsize=1)
def load_teaching() -> Teaching:
    """The teaching sentences, their invented profile and gazetteer (checked)."""
    data = _read()
    profile = profile_from_mapping(data.get("profile") or {}, f"{TEACHING_FILE} [profile]")
    places, capitals, by_type = _places(data)
    phrases = data.get("phrases") or {}
    if set(phrases) != set(PLACE_TYPES):
        raise TeachingError(f"{TEACHING_FILE}: [phrases] must give {', '.join(PLACE_TYPES)}")
    actors = [a for a in profile.actors]
    sentences: list[TeachingSentence] = []
    counter = itertools.count()
    for n, fact in enumerate(data.get("facts") or []):
        label = fact.get("class")
        templates = fact.get("templates")
        if label not in CLASSES or not isinstance(templates, list) or not templates:
            raise TeachingError(f"{TEACHING_FILE}: facts[{n}] needs a class of {CLASSES} and templates")
        for template in templates:
            if "{P}" not in template:
                raise TeachingError(f"{TEACHING_FILE}: facts[{n}]: template {template!r} names no {{P}}")
            for place_type in PLACE_TYPES:
                # Deterministic rotation over places, phrasings and sides.
                i = next(counter)
                place = by_type[place_type][i % len(by_type[place_type])]
                phrase = phrases[place_type][i % len(phrases[place_type])].format(name=place.name)
                actor = actors[i % len(actors)]
                enemy = next(a for a in actors[::-1] if profile.side_of(a.id) != profile.side_of(actor.id))
                text = template.format(
                    A=actor.aliases[i % len(actor.aliases)],
                    B=enemy.aliases[(i + 1) % len(enemy.aliases)],
                    P=phrase,
                )
                sentences.append(TeachingSentence(text[0].upper() + text[1:], label, place.id, actor.id))
    return Teaching(profile, Gazetteer(places, capitals), tuple(sentences))


@lru_cache(maxsize=1)
def _teaching_examples() -> tuple[tuple[list[str], str], ...]:
    return tuple(_examples())


def teaching_examples() -> list[tuple[list[str], str]]:
    """(features, class) of every frame the teaching sentences give (computed once)."""
    return list(_teaching_examples())


def _examples() -> list[tuple[list[str], str]]:
    from .staged import StagedExtractor

    teaching = load_teaching()
    extractor = StagedExtractor(teaching.gazetteer, teaching.profile)
    examples: list[tuple[list[str], str]] = []
    for sentence in teaching.sentences:
        digest = hashlib.sha256(sentence.text.encode()).hexdigest()
        doc = Document(id="teaching", text=sentence.text, content_hash=digest, published="2020-06-10")
        for candidate in extractor.candidates(doc):
            if candidate.frame.negated:
                continue
            place = candidate.frame.place
            about = sentence.place_id in (place.id, place.admin2)
            examples.append((candidate.features, sentence.label if about else NONE_CLASS))
    return examples
