"""Place linking on a real gazetteer drawn at the hromada (../shared/geo/ukraine).

Specification (issue 10, point 2):

- a city, town or village resolves to its hromada, the profile's map level;
- a raion or an oblast only when the text names the raion or the oblast;
- among settlements of one name, the one near the places the report names;
- a unit named only after its centre does not beat a village of that name
  near the report's other places.
"""

from __future__ import annotations

import hashlib

import pytest

from frontlines.extract.staged import StagedExtractor
from frontlines.models import Document, Event

from ..conftest import Imported


@pytest.fixture(scope="module")
def extractor(ukraine_folder: Imported) -> StagedExtractor:
    return StagedExtractor(ukraine_folder.gazetteer(), ukraine_folder.workspace().profile)


def events(extractor: StagedExtractor, text: str) -> list[Event]:
    doc = Document(id="u", text=text, content_hash=hashlib.sha256(text.encode()).hexdigest(),
                   published="2022-09-12")
    return extractor.extract_batch([doc])[0]


@pytest.mark.parametrize(
    ("sentence", "admin3"),
    [
        ("Russian troops captured Izium on Friday.", "UA6304009"),
        ("Ukrainian forces retook Izyum on Saturday.", "UA6304009"),
        ("Ukrainian forces liberated Kherson on Friday.", "UA6510015"),
        ("Russian forces seized Kupiansk on Sunday.", "UA6308009"),
        ("Russian troops entered Svatove on Monday.", "UA4410011"),
    ],
)
def test_a_town_is_its_hromada(extractor: StagedExtractor, sentence: str, admin3: str) -> None:
    (event,) = events(extractor, sentence)
    assert event.admin3 == admin3


def test_a_raion_or_an_oblast_only_when_named(extractor: StagedExtractor) -> None:
    (raion,) = events(extractor, "Russian troops captured the Izium raion on Friday.")
    assert (raion.place_id, raion.admin3) == ("UA6304", None)
    (oblast,) = events(extractor, "Russian forces took control of the Kherson region.")
    assert (oblast.place_id, oblast.admin2) == ("UA65", None)


def test_a_village_near_the_other_places_beats_a_unit_named_after_its_centre(
    extractor: StagedExtractor,
) -> None:
    found = events(extractor, "Ukraine has retaken Vysokopillia and Liubymivka in Kherson region.")
    assert {e.admin3 for e in found} >= {"UA6502007", "UA6502015"}
