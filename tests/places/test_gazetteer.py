"""The gazetteer's read side: search, and finding names in text.

Most tests search the real Afghan gazetteer (../shared/geo and GeoNames,
imported once per session); the last builds one from a few places, with no
database at all.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from frontlines.models import Place
from frontlines.places.gazetteer import Gazetteer, named_after
from frontlines.places.names import NameFolding

from ..conftest import run_cli
from .conftest import Imported


def search_json(path: Path, name: str) -> list[dict[str, object]]:
    result = run_cli("gazetteer", "search", name, "--format", "json", workspace=path)
    assert result.exit_code == 0, result.output
    hits: list[dict[str, object]] = json.loads(result.output)
    return hits


# --- search -------------------------------------------------------------------


def test_search_puts_the_district_first(afghanistan: Imported) -> None:
    hits = search_json(afghanistan.path, "Dasht Archi")
    assert hits[0]["id"] == "AF1906"
    assert set(hits[0]) == {"id", "name", "level", "parents", "score", "match"}
    assert hits[0]["match"] == "exact"
    assert hits[0]["parents"][0] == "Kunduz" and hits[0]["score"] == 100.0
    assert search_json(afghanistan.path, "Imam Saheb")[0]["id"] == "AF1905"
    scores = [h["score"] for h in hits]
    assert scores == sorted(scores, reverse=True)


def test_search_table_and_variants(afghanistan: Imported) -> None:
    table = run_cli("gazetteer", "search", "Sheberghan", workspace=afghanistan.path)
    assert table.exit_code == 0 and "AF2801" in table.output
    gazetteer = afghanistan.gazetteer()
    assert gazetteer.search("Jowzjan")[0].id == "AF28"
    assert gazetteer.search("Pol-e Khomri")[0].id == "AF0901"
    assert gazetteer.search("Dasht Arch")[0].id in {"AF1906", "gn:1143838"}  # fuzzy
    assert gazetteer.search("AF1905")[0].id == "AF1905"


# --- mentions -----------------------------------------------------------------


def test_mentions_point_at_the_original_text_and_keep_ambiguity(afghanistan: Imported) -> None:
    gazetteer = afghanistan.gazetteer()
    text = ("KUNDUZ, Afghanistan — Taliban fighters entered Kunduz's outskirts, "
            "then captured Dashte Archi and  Imam Saheb districts of Qunduz province.")
    mentions = gazetteer.find_mentions(text)
    assert [m.text for m in mentions] == [
        "KUNDUZ", "Kunduz", "Dashte Archi", "Imam Saheb", "Qunduz"]
    for mention in mentions:
        assert text[mention.start:mention.end] == mention.text
    kunduz = mentions[1]
    levels = {gazetteer.places[p].level for p in kunduz.place_ids}
    assert {"AF19", "AF1901"} <= set(kunduz.place_ids) and "populated_place" in levels
    assert mentions[2].place_ids[0] == "AF1906" and mentions[3].place_ids[0] == "AF1905"
    assert mentions[2].level_hint == mentions[3].level_hint == "district"  # "X and Y districts"
    assert mentions[4].level_hint == "province"
    assert text[slice(*mentions[4].context_span)] == "Qunduz province"


@pytest.mark.parametrize(
    ("text", "surface", "hint", "context"),
    [
        ("Fighting in Imam Sahib district.", "Imam Sahib", "district", "Imam Sahib district"),
        ("They hold the district of Khan Abad.", "Khan Abad", "district",
         "the district of Khan Abad"),
        ("Clashes in the province of Takhar.", "Takhar", "province", "the province of Takhar"),
        ("They reached the provincial capital of Kunduz.", "Kunduz", "capital",
         "the provincial capital of Kunduz"),
        ("Kunduz city fell.", "Kunduz", "city", "Kunduz city"),
        ("the city of Herat is calm", "Herat", "city", "the city of Herat"),
        ("Lashkar Gah was shelled.", "Lashkar Gah", None, None),
    ],
)
def test_words_around_a_name_give_a_level_hint(afghanistan: Imported, text: str, surface: str,
                                               hint: str | None, context: str | None) -> None:
    mention = next(m for m in afghanistan.gazetteer().find_mentions(text) if m.text == surface)
    assert mention.level_hint == hint
    assert (text[slice(*mention.context_span)] if mention.context_span else None) == context


def test_what_must_not_be_a_mention(afghanistan: Imported) -> None:
    gazetteer = afghanistan.gazetteer()
    assert gazetteer.find_mentions("The Kunduzi family and the Heratis left.") == []
    assert gazetteer.find_mentions("He told her at the Centre that it is now over.") == []
    assert gazetteer.find_mentions("Troops from China and Afghanistan met.") == []
    assert gazetteer.find_mentions("A Tolo News report.") == []
    # Andar and Sayad fold like "under" and "said": only matched as spelled.
    assert gazetteer.find_mentions("Under fire, Said Ahmad left.") == []
    assert [m.place_ids[0] for m in gazetteer.find_mentions("Andar and Sayad fell.")] == [
        "AF1107", "AF2202"]
    # In cased text a name starts with a capital; all-lower-case text is matched as it is.
    assert gazetteer.find_mentions("they reached herat") and not gazetteer.find_mentions(
        "They reached herat")


def test_the_longest_name_wins(afghanistan: Imported) -> None:
    gazetteer = afghanistan.gazetteer()
    mentions = gazetteer.find_mentions("Mazar-i-Sharif and Sar-e-Pul and Dawlatabad district")
    assert [m.text for m in mentions] == ["Mazar-i-Sharif", "Sar-e-Pul", "Dawlatabad"]
    assert mentions[0].place_ids[0] == "AF2101"
    assert {"AF2109", "AF2909"} <= set(mentions[2].place_ids)  # two Dawlat Abad districts


def test_every_district_name_is_found_in_text(afghanistan: Imported) -> None:
    gazetteer = afghanistan.gazetteer()
    missed = []
    for district in gazetteer.admin_units("admin2"):
        text = f"The Taliban captured {district.name} district on Monday."
        if not any(district.id in m.place_ids for m in gazetteer.find_mentions(text)):
            missed.append(district.name)
    assert missed == []


def test_finding_mentions_is_fast(afghanistan: Imported) -> None:
    """A 3 KB report takes well under a millisecond (measured about 0.4 ms)."""
    gazetteer = afghanistan.gazetteer()
    gazetteer.find_mentions("warm up")
    sentence = ("On Monday the Taliban captured Imam Sahib district of Kunduz province after "
                "heavy fighting, a police spokesman said, while clashes went on near "
                "Pul-e-Khumri and in Dasht-e-Archi; officials in Kabul denied the reports. ")
    report = (sentence * (3000 // len(sentence) + 1))[:3000]
    runs = 200
    started = time.perf_counter()
    for _ in range(runs):
        mentions = gazetteer.find_mentions(report)
    per_report = (time.perf_counter() - started) / runs
    assert len(mentions) > 50
    assert per_report < 0.005  # generous for a loaded CI machine


def test_a_gazetteer_from_places_needs_no_database() -> None:
    places = [
        Place("P1", "Westland", "admin1", admin1="P1"),
        Place("P101", "Dasht-e-Archi", "admin2", parent_id="P1", admin1="P1", admin2="P101"),
        Place("gn:1", "Dasht-e Archī", "populated_place", parent_id="P101", admin1="P1",
              admin2="P101", population=8000),
    ]
    gazetteer = Gazetteer(places, capitals={"P1": "P101"}, folding=NameFolding(["persian"]))
    assert gazetteer.capital_of("P1") == "P101" and gazetteer.capital_of("P9") is None
    assert [p.id for p in gazetteer.parents("gn:1")] == ["P101", "P1"]
    assert [p.id for p in gazetteer.children("P1")] == ["P101"]
    mention = gazetteer.find_mentions("Dasht Archi fell.")[0]
    assert mention.place_ids == ("P101", "gn:1")
    # Without the persian rules the izafa is a word like any other.
    assert Gazetteer(places).find_mentions("Dasht Archi fell.") == []



# --- main names and alternate names ----------------------------------------------------

SLAVIC = NameFolding(["east-slavic"])


def ukrainian_places() -> list[Place]:
    """Sloviansk and Nikopol as GeoNames has them, with a hromada and a raion."""
    return [
        Place("U14", "Donetska", "admin1", admin1="U14"),
        Place("U1412", "Kramatorskyi", "admin2", parent_id="U14", admin1="U14", admin2="U1412"),
        Place("U1412021", "Slovianska", "admin3", parent_id="U1412", admin1="U14", admin2="U1412",
              admin3="U1412021"),
        Place("gn:693468", "Slovyansk", "populated_place", parent_id="U1412021", admin1="U14",
              admin2="U1412", admin3="U1412021", alt_names=("Sloviansk", "Slavyansk"),
              population=106_972),
        # Nikopol was Slavyansk in the 1780s: GeoNames keeps the old name.
        Place("gn:700051", "Nikopol", "populated_place", alt_names=("Slov'yansk", "Nikopol'"),
              population=105_160),
    ]


def test_an_alternate_name_never_beats_another_places_main_name() -> None:
    gazetteer = Gazetteer(ukrainian_places(), folding=SLAVIC)
    assert gazetteer.find_mentions("Shelling in Sloviansk.")[0].place_ids == ("gn:693468",)
    assert gazetteer.find_mentions("Shelling in Slavyansk.")[0].place_ids == ("gn:693468",)
    # Alone, an alternate name still finds its place.
    alone = Gazetteer(ukrainian_places()[-1:], folding=SLAVIC)
    assert alone.find_mentions("Shelling in Sloviansk.")[0].place_ids == ("gn:700051",)
    # In search, the place whose main name it is comes first.
    assert [h.id for h in gazetteer.search("Sloviansk")][:2] == ["gn:693468", "gn:700051"]


def test_main_names_outrank_alternates_only_within_a_level() -> None:
    """A unit is often found only by an alternate name ("Kharkiv" for the oblast
    Kharkivska): a town of that main name must not hide it."""
    places = [
        Place("U63", "Kharkivska", "admin1", admin1="U63", alt_names=("Kharkiv Oblast", "Kharkiv")),
        Place("gn:706483", "Kharkiv", "populated_place", admin1="U63", population=1_421_125),
    ]
    gazetteer = Gazetteer(places, folding=SLAVIC)
    assert gazetteer.find_mentions("Kharkov was shelled.")[0].place_ids == ("U63", "gn:706483")
    assert gazetteer.main_names_first({"U63": False, "gn:706483": True}) == ("U63", "gn:706483")


def test_a_unit_named_after_its_centre_is_found_by_the_centres_name() -> None:
    """Hromadas and raions are adjectives of their centre's name: "Slovianska"
    after Slovyansk. Given the centres, the unit is found by the town's name,
    as reports write it ("Sloviansk hromada")."""
    places = ukrainian_places()
    without = Gazetteer(places, folding=SLAVIC)
    assert "U1412021" not in without.find_mentions("Sloviansk hromada")[0].place_ids
    gazetteer = Gazetteer(places, folding=SLAVIC, centres={"U1412021": "gn:693468",
                                                           "U1412": "gn:693468"})
    mention = gazetteer.find_mentions("Sloviansk hromada")[0]
    assert mention.place_ids == ("U1412021", "gn:693468") and mention.level_hint == "hromada"
    assert gazetteer.places["U1412021"].alt_names == ("Slovyansk",)
    assert "Slovyansk" not in gazetteer.places["U1412"].alt_names  # Kramatorskyi is not Slovyansk's
    assert gazetteer.centre_of("U1412021").id == "gn:693468"  # type: ignore[union-attr]
    assert gazetteer.capital_of("U1412") == "U1412021"  # the raion's centre hromada
    assert gazetteer.capital_of("U1412", level="admin2") == "U1412"


@pytest.mark.parametrize(
    ("unit", "centre", "folding", "expected"),
    [
        ("Iziumska", "Izyum", SLAVIC, True),
        ("Iziumskyi", "Izyum", SLAVIC, True),
        ("Khersonska", "Kherson", SLAVIC, True),
        ("Slovianska", "Slovyansk", SLAVIC, True),
        ("Mykolaivska", "Mykolayiv", SLAVIC, True),
        ("Zaporizka", "Zaporizhzhya", SLAVIC, False),  # irregular: no rule makes it
        ("Kramatorskyi", "Slovyansk", SLAVIC, False),
        ("Kunduz", "Kunduz", NameFolding(["persian"]), False),  # the same name: nothing to add
        ("Pashtun Kot", "Pashtun", NameFolding(["persian"]), False),  # a word more is no ending
        ("Bakhmutska", "Bak", SLAVIC, False),  # too short a centre
    ],
)
def test_named_after(unit: str, centre: str, folding: NameFolding, expected: bool) -> None:
    assert named_after(unit, centre, folding) is expected


def test_the_closest_unit_within_a_province_forgives_a_misspelling_only_there(
    afghanistan: Imported,
) -> None:
    """A report's "Dawlat Shah district of Faryab" (Dawlat Shah lies in Laghman):
    among Faryab's fourteen districts, Dawlat Abad is the one spelt alike. Names
    far from every unit of the province find none."""
    gazetteer = afghanistan.gazetteer()
    assert gazetteer.closest_unit_within("Dawlat Shah", "AF29").id == "AF2909"  # type: ignore[union-attr]
    assert gazetteer.closest_unit_within("Khwaja Sabz Pos", "AF29").id == "AF2903"  # type: ignore[union-attr]
    assert gazetteer.closest_unit_within("Dawlat Shah", "AF13") is None  # nothing like it in Paktya
    assert gazetteer.closest_unit_within("Kandahar", "AF29") is None
