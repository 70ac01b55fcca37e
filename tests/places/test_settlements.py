"""Reading settlement files: GeoNames exports of any country, and tables derived from them.

The real files are ../shared/geo/ukraine/geonames_UA.zip (GeoNames' own
export, 19 columns, no header) and ukr_settlements_geonames.zip (a CSV
derived from it, with a header and no alternate names). Small files written
on the fly show other countries and bad rows.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from frontlines.places.settlements import (
    GEONAMES_COLUMNS,
    SettlementFileError,
    read_settlements,
    settlement_source,
    useful_alternate_names,
)

CYRILLIC_AND_LATIN = frozenset({"LATIN", "CYRILLIC"})


def geonames_row(geonameid: int, name: str, *, alternates: str = "", lat: str = "48.5",
                 lon: str = "37.9", feature_class: str = "P", code: str = "PPL",
                 country: str = "UA", population: str = "0") -> str:
    """One line of GeoNames' "geoname" table."""
    fields = [str(geonameid), name, name, alternates, lat, lon, feature_class, code, country, "",
              "05", "1402", "", "", population, "", "100", "Europe/Kyiv", "2024-01-01"]
    assert len(fields) == len(GEONAMES_COLUMNS)
    return "\t".join(fields)


@pytest.fixture(scope="module")
def ukraine_geonames(shared: Path):  # type: ignore[no-untyped-def]
    return read_settlements(shared / "geo" / "ukraine" / "geonames_UA.zip", "UA", CYRILLIC_AND_LATIN)


def test_geonames_export_of_ukraine_gives_its_33681_populated_places(ukraine_geonames) -> None:  # type: ignore[no-untyped-def]
    read = ukraine_geonames
    assert read.source.layout == "geonames" and read.source.member == "UA.txt"
    assert len(read.places) == 33_681  # feature class P, as SOURCE.md counts them
    assert read.rows == 45_086 and read.skipped == {"features other than populated places": 11_405}
    bakhmut = next(p for p in read.places if p.id == "gn:713174")
    assert (bakhmut.name, bakhmut.level, bakhmut.population) == ("Bakhmut", "populated_place", 80_500)
    assert bakhmut.source == "settlements:UA.txt"
    assert 48.5 < bakhmut.lat < 48.7 and 37.9 < bakhmut.lon < 38.1


def test_alternate_names_keep_latin_and_the_countrys_scripts_only(ukraine_geonames) -> None:  # type: ignore[no-untyped-def]
    """Old names (Artemivsk), other romanisations (Izium) and the Cyrillic names
    stay; Japanese, Greek or Armenian names, airport codes and lower-case
    machine romanisations go."""
    places = {p.id: p for p in ukraine_geonames.places}
    bakhmut = places["gn:713174"].alt_names
    assert {"Artemivsk", "Artemovsk", "Бахмут", "Артемівськ"} <= set(bakhmut)
    assert "バフムート" not in bakhmut and "bafumuto" not in bakhmut and "Bakhmut" not in bakhmut
    izyum = places["gn:707292"]
    assert izyum.name == "Izyum" and "Izium" in izyum.alt_names and "Ізюм" in izyum.alt_names
    assert "Ιζιούμ" not in izyum.alt_names
    kyiv = places["gn:703448"].alt_names
    assert "Kiev" in kyiv and "Київ" in kyiv
    assert "IEV" not in kyiv and "kyiva" not in kyiv


def test_seat_codes_are_kept_for_working_out_capitals(ukraine_geonames) -> None:  # type: ignore[no-untyped-def]
    seats = ukraine_geonames.seats
    assert seats["gn:703448"] == "PPLC"  # Kyiv
    assert seats["gn:706483"] == "PPLA"  # Kharkiv, an oblast's seat
    assert seats["gn:707292"] == "PPLA2"  # Izyum, a raion's seat
    assert "gn:712959" not in seats  # a village called Bakhmut: no seat
    assert sum(code == "PPLA" for code in seats.values()) == 24


def test_the_derived_table_reads_the_same_places_without_alternate_names(shared: Path) -> None:
    source = settlement_source(shared / "geo" / "ukraine" / "ukr_settlements_geonames.zip")
    assert source is not None and source.layout == "table" and not source.has_alternate_names
    read = read_settlements(source, "UA", CYRILLIC_AND_LATIN)
    assert len(read.places) == 33_681 and not read.skipped
    bakhmut = next(p for p in read.places if p.id == "gn:713174")
    assert bakhmut.alt_names == ("Бахмут",)  # its name_uk column, nothing more


def test_a_geonames_export_of_any_country_works_and_other_countries_are_skipped(tmp_path: Path) -> None:
    """cities500.txt holds every country: a workspace takes its own country's rows."""
    path = tmp_path / "cities500.txt"
    path.write_text("\n".join([
        geonames_row(1, "Mandalay", alternates="Mandale,မန္တလေး", country="MM", population="1225546",
                     code="PPLA"),
        geonames_row(2, "Kunduz", alternates="Qunduz,Кундуз,کندز", country="AF", population="259809",
                     code="PPLA"),
        geonames_row(3, "Kunduz Airport", feature_class="S", code="AIRP", country="AF"),
    ]) + "\n", encoding="utf-8")
    assert settlement_source(path) is not None
    afghan = read_settlements(path, "AF", frozenset({"LATIN", "ARABIC"}))
    assert [p.name for p in afghan.places] == ["Kunduz"]
    assert afghan.places[0].alt_names == ("Qunduz", "کندز")
    assert afghan.skipped == {"rows of other countries": 1, "features other than populated places": 1}
    assert afghan.seats == {"gn:2": "PPLA"}
    everyone = read_settlements(path)
    assert [p.name for p in everyone.places] == ["Mandalay", "Kunduz"]
    assert "မန္တလေး" in everyone.places[0].alt_names  # no scripts given: every script kept
    with pytest.raises(SettlementFileError, match=r"cities500.txt: holds no populated place of UA \(3 rows of other countries\)"):
        read_settlements(path, "UA")


def test_a_table_with_a_header_may_name_its_columns_its_own_way(tmp_path: Path) -> None:
    path = tmp_path / "villages.tsv"
    path.write_text("id\tname\tlat\tlon\tpop\tname_uk\tfeature code\n"
                    "11\tRobotyne\t47.44\t35.84\t480\tРоботине\tPPL\n"
                    "12\tRobotyne Station\t47.45\t35.85\t\t\tRSTN\n", encoding="utf-8")
    read = read_settlements(path, "UA", CYRILLIC_AND_LATIN)
    assert [(p.id, p.name, p.population, p.alt_names) for p in read.places] == [
        ("gn:11", "Robotyne", 480, ("Роботине",))]
    assert read.skipped == {"features other than populated places": 1}


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        ([geonames_row(1, "Izyum"), geonames_row(2, "Lyman", lat="north")],
         r"UA.txt: line 2: field 'latitude': 'north' is not a number"),
        ([geonames_row(1, "Izyum", lon="237.2")], r"line 1: field 'longitude': '237.2' is not a longitude"),
        ([geonames_row(1, "Izyum"), geonames_row(2, "Lyman")[:-11]],
         r"line 2: 18 columns, a GeoNames export has 19"),
        ([geonames_row(7, "Izyum"), geonames_row(7, "Lyman")], r"line 2: field 'geonameid': 7 appears twice"),
        ([geonames_row(1, "Izyum", population="many")], r"line 1: field 'population': 'many' is not a number"),
        ([geonames_row(1, " ")], r"line 1: field 'name' is empty"),
    ],
)
def test_a_bad_row_is_named_by_file_line_and_field(tmp_path: Path, lines: list[str], message: str) -> None:
    archive = tmp_path / "UA.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("readme.txt", "GeoNames readme")
        zipped.writestr("UA.txt", "\n".join(lines) + "\n")
    with pytest.raises(SettlementFileError, match=message):
        read_settlements(archive, "UA")


def test_a_file_without_settlements_is_not_taken_for_one(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("These boundaries come from OCHA.\n", encoding="utf-8")
    archive = tmp_path / "readme-only.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("readme.txt", "GeoNames readme")
    assert settlement_source(notes) is None and settlement_source(archive) is None
    with pytest.raises(SettlementFileError, match=r"notes.txt: not a settlement file"):
        read_settlements(notes)


def test_useful_alternate_names() -> None:
    kept = useful_alternate_names(
        "Kyiv", ["Kiev", "Kyiv", " Kiev ", "IEV", "kyiva", "Київ", "キエフ", "Kijów", ""],
        CYRILLIC_AND_LATIN)
    assert kept == ("Kiev", "Київ", "Kijów")
