"""A small invented world for the stage-by-stage specifications of `frontlines.extract`.

Nothing here belongs to a real country: the names are made up and the ids are
no P-codes. Each stage is tested alone against this world, so a test fails
for what its own stage does, not for what a real country's names happen to be.

    Norvale province [XX01]    Norvale* [XX0101]  Brennick [XX0102]  Sallow [XX0103]  Marrow [XX0104]
    Kestria province [XX02]    Lumen* [XX0201]    Tarrow [XX0202]    Ivel [XX0203]
    Ardenne province [XX03]    Ardenne* [XX0301]  Pell [XX0302]      Marrow [XX0303]

Norvale and Ardenne are each a province and its capital district; two
districts are called Marrow.

Towns: Norvale city (in Norvale district), Lumen city (in Lumen district),
Cobble (a small town of Tarrow) and Wend (a village of Sallow).

Actors: `front` (the Ash Front, insurgents, the default actor), `government`
(its forces are "soldiers", "the army", ...) and `militia` (the Vale Militia,
fighting on the government's side).
"""

from __future__ import annotations

import hashlib
from datetime import date

import pytest

from frontlines.extract.dates import find_dates
from frontlines.extract.linking import Discourse, LinkedPlace, PlaceLinker
from frontlines.extract.mentions import DocumentMentions, MentionFinder, SentenceMentions
from frontlines.extract.model import DecisionModel, LinearLayer
from frontlines.models import Document, Place
from frontlines.places.gazetteer import Gazetteer
from frontlines.profile import Profile, parse_profile

# A Tuesday.
PUBLISHED = "2021-06-22"
PUBLISHED_DATE = date(2021, 6, 22)

PROVINCES = {"XX01": "Norvale", "XX02": "Kestria", "XX03": "Ardenne"}
DISTRICTS = {
    "XX0101": "Norvale", "XX0102": "Brennick", "XX0103": "Sallow", "XX0104": "Marrow",
    "XX0201": "Lumen", "XX0202": "Tarrow", "XX0203": "Ivel",
    "XX0301": "Ardenne", "XX0302": "Pell", "XX0303": "Marrow",
}
CAPITALS = {"XX01": "XX0101", "XX02": "XX0201", "XX03": "XX0301"}
# id -> (name, district, population)
TOWNS = {
    "xx:norvale": ("Norvale", "XX0101", 140_000),
    "xx:lumen": ("Lumen", "XX0201", 85_000),
    "xx:cobble": ("Cobble", "XX0202", 6_000),
    "xx:wend": ("Wend", "XX0103", 3_000),
}

PROFILE_TEXT = '''
name = "stage-tests"
title = "An invented country for the stage tests"
country = "NR"
government = "government"
default_actor = "front"

[start]
date = 2021-05-01
state = "government"

[[actors]]
id = "front"
name = "Ash Front"
aliases = ["the Ash Front", "Ash Front", "Front fighters", "the insurgents", "insurgents"]
source_markers = ["Front spokesman", "spokesman for the Ash Front"]

[[actors]]
id = "government"
name = "Government"
aliases = ["government forces", "government troops", "the army", "soldiers", "security forces"]
source_markers = ["army spokesman", "defence ministry", "governor", "officials", "police"]

[[actors]]
id = "militia"
name = "Vale Militia"
side = "government"
aliases = ["the Vale Militia", "Vale Militia", "militiamen"]
source_markers = ["militia commander"]
'''


def invented_places() -> list[Place]:
    places = [Place(pid, name, "admin1", admin1=pid) for pid, name in PROVINCES.items()]
    for did, name in DISTRICTS.items():
        places.append(Place(did, name, "admin2", parent_id=did[:4], admin1=did[:4], admin2=did))
    for n, (tid, (name, did, population)) in enumerate(TOWNS.items()):
        places.append(Place(tid, name, "populated_place", parent_id=did, admin1=did[:4], admin2=did,
                            lat=10.0 + n / 10, lon=30.0 + n / 10, population=population))
    return places


def document(text: str, published: str | None = PUBLISHED, doc_id: str = "r1",
             title: str | None = None) -> Document:
    digest = hashlib.sha256(text.encode()).hexdigest()
    return Document(id=doc_id, text=text, content_hash=digest, published=published, title=title)


@pytest.fixture(scope="session")
def gazetteer() -> Gazetteer:
    return Gazetteer(invented_places(), capitals=CAPITALS)


@pytest.fixture(scope="session")
def profile() -> Profile:
    return parse_profile(PROFILE_TEXT, "<stage-tests>")


@pytest.fixture(scope="session")
def finder(gazetteer: Gazetteer, profile: Profile) -> MentionFinder:
    return MentionFinder(gazetteer, profile)


@pytest.fixture(scope="session")
def linker(gazetteer: Gazetteer, profile: Profile) -> PlaceLinker:
    return PlaceLinker(gazetteer, profile)


def one_sentence(finder: MentionFinder, text: str) -> SentenceMentions:
    """The mentions of a one-sentence report."""
    found: DocumentMentions = finder(document(text))
    assert len(found.sentences) == 1, [s.text for s in found.sentences]
    return found.sentences[0]


def sentence_mentions(gazetteer: Gazetteer, text: str) -> SentenceMentions:
    """A sentence's mentions built by hand from the gazetteer alone (no `MentionFinder`):
    its places and dates; triggers are left for the caller."""
    return SentenceMentions(0, 0, len(text), text, gazetteer.find_mentions(text), dates=find_dates(text))


def by_name(linked: list[LinkedPlace], name: str) -> LinkedPlace:
    found = [lp for lp in linked if lp.text == name]
    assert len(found) == 1, [(lp.text, lp.place.id, lp.role) for lp in linked]
    return found[0]


@pytest.fixture
def discourse() -> Discourse:
    return Discourse()


def tiny_model(threshold: float = 0.5) -> DecisionModel:
    """A decision model small enough to reckon by hand: a frame whose place is
    where the trigger's voice puts it is likely an event; a capture trigger
    means a gain, a siege trigger a siege."""
    event = LinearLayer(("none", "event"), {"selected=1": [-1.5, 1.5], "hedge": [0.5, -0.5]}, [0.5, -0.5])
    kind = LinearLayer(
        ("gain", "siege", "withdrawal"),
        {"tkind=capture": [2.0, 0.0, 0.0], "tkind=siege": [0.0, 2.0, 0.0], "tkind=withdrawal": [0.0, 0.0, 2.0]},
        [0.0, 0.0, 0.0],
    )
    return DecisionModel(event, kind, threshold, {"reports": 0, "note": "made by hand for the tests"})
