"""The Ukrainian gazetteer: names under east-slavic folding, main names first, capitals.

Every test looks names up in the real gazetteer the whole ../shared/geo/ukraine
folder gives (imported once per session through the command line).
"""

from __future__ import annotations

import pytest

from frontlines.places.gazetteer import Gazetteer
from frontlines.places.names import NameFolding

from .conftest import Imported

IZYUM, KHERSON, SIEVIERODONETSK, BAKHMUT, NIKOPOL, SLOVIANSK, KYIV = (
    "gn:707292", "gn:706448", "gn:691999", "gn:713174", "gn:700051", "gn:693468", "gn:703448")


@pytest.fixture(scope="module")
def gazetteer(ukraine_folder: Imported) -> Gazetteer:
    return ukraine_folder.gazetteer()


def candidates(gazetteer: Gazetteer, text: str) -> tuple[str, ...]:
    """The place ids of the one name found in `text`."""
    mentions = gazetteer.find_mentions(text)
    assert len(mentions) == 1, [(m.text, m.place_ids) for m in mentions]
    return mentions[0].place_ids


@pytest.mark.parametrize("spelling", ["Izium", "Izyum"])
def test_izium_in_either_spelling_is_the_town_and_its_hromada(gazetteer: Gazetteer, spelling: str) -> None:
    found = candidates(gazetteer, f"Russian troops entered {spelling} on Friday.")
    assert IZYUM in found and "UA6304009" in found
    assert gazetteer.places[IZYUM].admin3 == "UA6304009"
    assert gazetteer.search(spelling)[0].id == IZYUM


def test_kherson_is_the_city_of_hromada_ua6510015(gazetteer: Gazetteer) -> None:
    found = candidates(gazetteer, "Ukrainian forces liberated Kherson.")
    city = gazetteer.places[KHERSON]
    assert KHERSON in found and "UA6510015" in found
    assert (city.name, city.admin3, city.admin2, city.admin1) == ("Kherson", "UA6510015", "UA6510", "UA65")


@pytest.mark.parametrize("spelling", ["Severodonetsk", "Sievierodonetsk", "Syeverodonetsk"])
def test_severodonetsk_is_the_sievierodonetsk_city(gazetteer: Gazetteer, spelling: str) -> None:
    """GeoNames now calls the city Siverskodonetsk; the older names are its alternates."""
    found = candidates(gazetteer, f"Fighting raged in {spelling}.")
    assert SIEVIERODONETSK in found
    assert gazetteer.places[SIEVIERODONETSK].admin3 == "UA4412011"  # Sievierodonetska hromada


@pytest.mark.parametrize(
    ("ukrainian", "russian"),
    [("Kharkiv", "Kharkov"), ("Mykolaiv", "Nikolaev"), ("Kyiv", "Kiev"), ("Izium", "Izyum"),
     ("Sievierodonetsk", "Severodonetsk"), ("Lyman", "Liman"), ("Zaporizhzhia", "Zaporozhye"),
     ("Luhansk", "Lugansk")],
)
def test_ukrainian_and_russian_romanisations_find_the_same_places(
    gazetteer: Gazetteer, ukrainian: str, russian: str,
) -> None:
    """The same units and the same town. (Short names of villages are matched
    only as spelled, so "Liman" also finds a hamlet whose only Latin name is
    Liman, and "Lyman" does not.)"""
    assert gazetteer.folding.normalize_name(ukrainian) == gazetteer.folding.normalize_name(russian)
    one = candidates(gazetteer, f"Shelling hit {ukrainian}.")
    other = candidates(gazetteer, f"Shelling hit {russian}.")

    def units_and_town(ids: tuple[str, ...]) -> tuple[set[str], str]:
        places = [gazetteer.places[i] for i in ids]
        towns = [p for p in places if p.level == "populated_place"]
        return ({p.id for p in places if p.level != "populated_place"},
                max(towns, key=lambda p: p.population or 0).id)

    assert units_and_town(one) == units_and_town(other)


def test_an_old_name_comes_from_alternate_names_not_from_folding(gazetteer: Gazetteer) -> None:
    """Bakhmut was Artemivsk from 1924 to 2016: no spelling rule makes one the
    other; GeoNames lists the old name, and that finds the city."""
    assert gazetteer.folding.normalize_name("Bakhmut") != gazetteer.folding.normalize_name("Artemivsk")
    assert BAKHMUT in candidates(gazetteer, "Wagner fighters advanced on Artemivsk.")
    assert BAKHMUT in candidates(gazetteer, "Wagner fighters advanced on Artemovsk.")


def test_an_alternate_name_never_beats_another_places_main_name(gazetteer: Gazetteer) -> None:
    """GeoNames lists "Slov'yansk", an eighteenth-century name, among Nikopol's:
    "Sloviansk" is the city of that name, never Nikopol. Alone, an alternate
    name still finds its place."""
    found = candidates(gazetteer, "Russian forces shelled Sloviansk overnight.")
    assert SLOVIANSK in found and NIKOPOL not in found
    assert "UA1412021" in found  # the Sloviansk hromada ("Sloviansk urban hromada")
    search = [hit.id for hit in gazetteer.search("Sloviansk")]
    assert search.index(SLOVIANSK) < search.index(NIKOPOL)
    assert gazetteer.is_main_name(SLOVIANSK, "Sloviansk") and not gazetteer.is_main_name(NIKOPOL, "Sloviansk")


def test_units_are_found_by_the_name_of_their_centre(gazetteer: Gazetteer) -> None:
    """Hromadas and raions are adjectives of their centre's name (Iziumska,
    Iziumskyi after Izium); reports write "Izium hromada"."""
    mention = gazetteer.find_mentions("Izium hromada was retaken.")[0]
    assert (mention.text, mention.level_hint) == ("Izium", "hromada")
    assert "UA6304009" in mention.place_ids
    assert "Izyum" in gazetteer.places["UA6304009"].alt_names  # its centre's name
    assert "UA6308009" in candidates(gazetteer, "Kupiansk fell.")  # Kupianska hromada


def test_each_oblast_has_its_capital_hromada(gazetteer: Gazetteer) -> None:
    """From GeoNames' seat codes (PPLA, PPLC), at the map's level (hromadas);
    Crimea has no hromadas, so its capital is the raion holding Simferopol;
    Kyiv Oblast is governed from Kyiv, outside it (the profile says so)."""
    assert gazetteer.map_level == "admin3"
    assert gazetteer.capital_of("UA80") == "UA8000000"  # Kyiv
    assert gazetteer.capital_of("UA32") == "UA8000000"  # Kyiv Oblast, from the profile
    assert gazetteer.capital_of("UA63") == "UA6312027"  # Kharkiv
    assert gazetteer.capital_of("UA65") == "UA6510015"  # Kherson
    assert gazetteer.capital_of("UA14") == "UA1408003"  # Donetsk
    assert gazetteer.capital_of("UA01") == "UA0116"  # Simferopolskyi raion
    assert gazetteer.capital_of("UA85") == "UA8500000"  # Sevastopol
    oblasts = gazetteer.admin_units("admin1")
    assert len(oblasts) == 27 and all(gazetteer.capital_of(o.id) for o in oblasts)
    for oblast in oblasts:
        if oblast.id != "UA32":
            assert gazetteer.places[gazetteer.capital_of(oblast.id) or ""].admin1 == oblast.id
    assert gazetteer.capital_of("UA63", level="admin2") == "UA6312"  # the raion holding Kharkiv
    assert gazetteer.centre_of("UA63").name == "Kharkiv"  # type: ignore[union-attr]


def test_each_raion_has_its_centre_hromada(gazetteer: Gazetteer) -> None:
    assert gazetteer.capital_of("UA6304") == "UA6304009"  # Iziumskyi raion: Izium
    assert gazetteer.capital_of("UA1402") == "UA1402001"  # Bakhmutskyi raion: Bakhmut
    assert gazetteer.capital_of("UA6312") == "UA6312027"  # Kharkivskyi raion: Kharkiv (PPLA)
    assert gazetteer.centre_of("UA6304009").id == IZYUM  # type: ignore[union-attr]
    raions = [r for r in gazetteer.admin_units("admin2") if r.admin1 != "UA01"]
    centres = {r.id: gazetteer.capital_of(r.id) for r in raions}
    assert sum(1 for c in centres.values() if c) == len(raions) == 128
    assert all(gazetteer.places[c].admin2 == r for r, c in centres.items() if c)


def test_afghan_folding_is_not_applied_to_ukraine_nor_ukrainian_to_afghanistan(
    gazetteer: Gazetteer, afghanistan: Imported,
) -> None:
    afghan = afghanistan.gazetteer()
    assert gazetteer.folding == NameFolding(["east-slavic"])
    assert afghan.folding == NameFolding(["persian"])
    # persian: izafas and one vowel class; east-slavic keeps Bakhmut and Bakhmach apart.
    ukrainian = gazetteer.folding.normalize_name
    assert ukrainian("Sar-e-Pul") != ukrainian("Sari Pul")
    assert ukrainian("Bakhmut") != ukrainian("Bakhmat")
    bakhmut = candidates(gazetteer, "Fighting in Bakhmut.")
    assert "UA7404003" not in bakhmut  # Bakhmatska hromada, Chernihiv Oblast
    # east-slavic: Ukrainian h is Russian g; nothing says so in Dari.
    assert afghan.folding.normalize_name("Luhansk") != afghan.folding.normalize_name("Lugansk")
    assert afghan.find_mentions("Fighting in Luhansk.") == []
