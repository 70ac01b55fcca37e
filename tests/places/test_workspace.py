"""The gazetteer in a workspace: boundary import, GeoNames places, capitals, loading.

Real boundaries come from ../shared/geo (Afghanistan, COD-AB) and
../shared/geo/ukraine (COD-AB-style raions, geoBoundaries oblasts); small
synthetic boundary files are written on the fly where a failure must be shown.
"""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import Point, box

from frontlines.places.boundaries import BoundaryFileError, import_boundaries
from frontlines.places.gazetteer import Gazetteer
from frontlines.places.names import NameFolding
from frontlines.places.workspace import (
    add_places,
    guess_capitals,
    import_boundary_files,
    load_gazetteer,
    missing_alias_units,
)
from frontlines.profile import ProfileError, parse_profile
from frontlines.store import Workspace, count_places, load_places

from ..conftest import run_cli
from .conftest import Imported


@pytest.fixture(scope="module")
def ukraine(tmp_path_factory: pytest.TempPathFactory, shared: Path) -> Imported:
    """Ukraine's oblasts and raions (given raions first: the batch sorts them) and places."""
    path = tmp_path_factory.mktemp("ukraine") / "ws"
    assert run_cli("init", "--profile", "ukraine-2022", workspace=path).exit_code == 0
    folder = shared / "geo" / "ukraine"
    imported = run_cli(
        "gazetteer", "import", str(folder / "ukr_adm2_raions_osm_simplified.zip"),
        str(folder / "ukr_adm1_oblasts_osm_simplified.zip"), workspace=path,
    )
    places = run_cli("gazetteer", "add-places", workspace=path)
    return Imported(path, imported, places)


# --- importing boundaries -----------------------------------------------------


def test_importing_the_shared_geo_folder_gives_34_provinces_and_399_districts(
    afghanistan: Imported,
) -> None:
    assert afghanistan.import_result.exit_code == 0, afghanistan.import_result.output
    lines = afghanistan.import_result.output.splitlines()
    assert any("imported 34 admin1 units from" in line and "adm1" in line for line in lines)
    assert any("imported 399 admin2 units from" in line and "adm2" in line for line in lines)
    # Parents come first: the country and provinces are imported before districts.
    assert [i for i, line in enumerate(lines) if "admin1" in line][0] < [
        i for i, line in enumerate(lines) if "admin2" in line][0]
    with afghanistan.workspace().connect() as conn:
        counts = count_places(conn)
    assert counts["admin1"] == 34 and counts["admin2"] == 399


def test_districts_know_their_province(afghanistan: Imported) -> None:
    gazetteer = afghanistan.gazetteer()
    imam_sahib = gazetteer.places["AF1905"]
    assert imam_sahib.name == "Imam Sahib" and imam_sahib.level == "admin2"
    assert imam_sahib.parent_id == "AF19"
    assert (imam_sahib.admin1, imam_sahib.admin2) == ("AF19", "AF1905")
    assert "Hazrati Imam Sahib" in imam_sahib.alt_names  # ADM2ALT1EN
    assert any(scripts == {"ARABIC"} for scripts in map(_scripts, imam_sahib.alt_names))
    provinces = {p.id for p in gazetteer.admin_units("admin1")}
    assert all(d.parent_id in provinces and d.admin1 == d.parent_id
               for d in gazetteer.admin_units("admin2"))
    assert [p.id for p in gazetteer.parents("AF1905")][:1] == ["AF19"]
    assert "AF1905" in {c.id for c in gazetteer.children("AF19")}
    assert 36 < imam_sahib.lat < 38 and 68 < imam_sahib.lon < 70  # representative point


def _scripts(name: str) -> set[str]:
    from frontlines.places.names import scripts_of

    return set(scripts_of(name))


def test_geometries_are_stored_as_wkb_in_lon_lat(afghanistan: Imported) -> None:
    import shapely

    with afghanistan.workspace().connect() as conn:
        kunduz = next(p for p in load_places(conn, levels=["admin2"], with_geometry=True)
                      if p.id == "AF1901")
    assert kunduz.geometry_wkb is not None
    polygon = shapely.from_wkb(kunduz.geometry_wkb)
    assert polygon.contains(Point(68.86, 36.73))  # Kunduz city


def test_cod_ab_style_raions_import_with_their_oblasts(ukraine: Imported) -> None:
    assert ukraine.import_result.exit_code == 0, ukraine.import_result.output
    lines = ukraine.import_result.output.splitlines()
    assert lines[0].startswith("imported 27 admin1 units from")  # sorted by level
    assert lines[1].startswith("imported 138 admin2 units from")
    gazetteer = ukraine.gazetteer()
    raions = gazetteer.admin_units("admin2")
    oblasts = {o.id for o in gazetteer.admin_units("admin1")}
    assert len(raions) == 138 and len(oblasts) == 27
    assert all(r.parent_id in oblasts and r.id.startswith("UA") for r in raions)
    assert gazetteer.places["UA1402"].parent_id == "UA14"


def test_a_bad_boundary_file_fails_alone_with_one_line_naming_it(
    tmp_path: Path, workspace: Workspace,
) -> None:
    bad = tmp_path / "roads.geojson"
    gpd.GeoDataFrame({"highway": ["primary"], "lanes": [2]}, geometry=[box(0, 0, 1, 1)],
                     crs=4326).to_file(bad, driver="GeoJSON")
    good = tmp_path / "adm1.geojson"
    gpd.GeoDataFrame({"ADM1_PCODE": ["T01"], "ADM1_EN": ["Westland"]},
                     geometry=[box(0, 0, 1, 1)], crs=4326).to_file(good, driver="GeoJSON")
    result = run_cli("gazetteer", "import", str(bad), str(good), workspace=workspace.path)
    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert len(errors) == 1
    assert str(bad) in errors[0] and "highway" in errors[0] and "lanes" in errors[0]
    assert f"imported 1 admin1 units from {good}" in result.output  # the batch went on
    with workspace.connect() as conn:
        assert [p.id for p in load_places(conn)] == ["T01"]
    with pytest.raises(BoundaryFileError, match="roads.geojson"):
        import_boundaries(bad)


def test_boundaries_of_another_country_are_refused(tmp_path: Path, shared: Path) -> None:
    path = tmp_path / "ua"
    assert run_cli("init", "--profile", "ukraine-2022", workspace=path).exit_code == 0
    afghan = shared / "geo" / "afg_admbnda_adm1_agcho_20180522.zip"
    result = run_cli("gazetteer", "import", str(afghan), workspace=path)
    assert result.exit_code == 1
    assert "AF (Afghanistan)" in result.output and "UA (Ukraine)" in result.output
    with Workspace.open(path).connect() as conn:
        assert count_places(conn) == {}


def test_a_folder_import_skips_what_is_not_boundaries(tmp_path: Path, workspace: Workspace
                                                      ) -> None:
    folder = tmp_path / "geo"
    folder.mkdir()
    with zipfile.ZipFile(folder / "places.zip", "w") as zipped:
        zipped.writestr("readme.txt", "not boundaries")
    gpd.GeoDataFrame({"ADM1_PCODE": ["T01"], "ADM1_EN": ["Westland"]},
                     geometry=[box(0, 0, 1, 1)], crs=4326).to_file(folder / "adm1.geojson")
    (folder / "nested").mkdir()  # subfolders are not entered
    result = run_cli("gazetteer", "import", str(folder), workspace=workspace.path)
    assert result.exit_code == 0, result.output
    assert "skipped" in result.output and "imported 1 admin1 units" in result.output


# --- populated places ---------------------------------------------------------


def test_geonames_places_land_in_their_district(afghanistan: Imported) -> None:
    assert afghanistan.places_result.exit_code == 0, afghanistan.places_result.output
    gazetteer = afghanistan.gazetteer()
    towns = {p.name: p for p in gazetteer.places.values() if p.level == "populated_place"}
    assert len(towns) > 250
    kunduz = towns["Kunduz"]
    assert kunduz.id.startswith("gn:") and kunduz.parent_id == "AF1901"
    assert (kunduz.admin1, kunduz.admin2) == ("AF19", "AF1901")
    assert "Qunduz" in kunduz.alt_names and "Кундуз" in kunduz.alt_names  # every name kept
    assert towns["Shibirghān"].admin2 == "AF2801"
    assert towns["Mazār-e Sharīf"].admin2 == "AF2101"


def test_ukrainian_places_are_tied_to_ukrainian_raions(ukraine: Imported) -> None:
    gazetteer = ukraine.gazetteer()
    towns = {p.name: p for p in gazetteer.places.values() if p.level == "populated_place"}
    assert towns["Izyum"].admin2 == "UA6304" and towns["Izyum"].admin1 == "UA63"
    assert towns["Bakhmut"].admin2 == "UA1402"
    assert towns["Kherson"].admin2 == "UA6510"
    assert not [p for p in gazetteer.places.values() if (p.admin1 or "").startswith("AF")]
    assert gazetteer.capital_of("UA63") == "UA6312"  # Kharkiv
    assert gazetteer.find_mentions("Fighting in Kunduz and Herat.") == []
    oblast = gazetteer.find_mentions("Shelling in Kharkiv Oblast and in Бахмут.")
    assert [(m.text, m.level_hint) for m in oblast] == [
        ("Kharkiv Oblast", "province"), ("Бахмут", None)]
    assert oblast[0].place_ids == ("UA63",) and "UA1402" in oblast[1].place_ids


def test_adding_places_again_replaces_them(afghanistan: Imported) -> None:
    ws = afghanistan.workspace()
    with ws.connect() as conn:
        before = count_places(conn)
    with ws.begin() as conn:
        added = add_places(conn, ws.profile)
    with ws.connect() as conn:
        assert count_places(conn) == before
    assert added == before["populated_place"] + before["crossing"]  # with the profile's crossings


def test_without_boundaries_provinces_come_from_iso_3166_2(workspace: Workspace) -> None:
    with workspace.begin() as conn:
        added = add_places(conn, workspace.profile)
    with workspace.connect() as conn:
        gazetteer = load_gazetteer(conn)
    provinces = gazetteer.admin_units("admin1")
    assert len(provinces) == 34 and "AF-KDZ" in {p.id for p in provinces}
    assert added > 250
    kunduz = next(p for p in gazetteer.places.values()
                  if p.level == "populated_place" and p.name == "Kunduz")
    assert kunduz.admin1 == "AF-KDZ" and kunduz.parent_id == "AF-KDZ"
    # GeoNames' admin1 codes are paired with ISO provinces by place names where
    # possible: measured 15 of 34 provinces, 138 of 319 places; the rest stay untied
    # rather than guessed.
    tied = [p for p in gazetteer.places.values() if p.level == "populated_place" and p.admin1]
    assert len(tied) >= 100
    herat = next(p for p in gazetteer.places.values()
                 if p.level == "populated_place" and p.name == "Herāt")
    assert herat.admin1 == "AF-HER"
    mention = gazetteer.find_mentions("The Taliban took Kunduz province.")[0]
    assert "AF-KDZ" in mention.place_ids and mention.level_hint == "province"


def test_real_boundaries_replace_the_iso_stand_ins(workspace: Workspace, shared: Path) -> None:
    with workspace.begin() as conn:
        add_places(conn, workspace.profile)
    outcomes = list(import_boundary_files(
        workspace, [shared / "geo" / "afg_admbnda_adm1_agcho_20180522.zip"]))
    assert all(o.ok for o in outcomes)
    with workspace.connect() as conn:
        gazetteer = load_gazetteer(conn)
    assert {p.id for p in gazetteer.admin_units("admin1")} == {f"AF{n:02d}" for n in range(1, 35)}
    kunduz = next(p for p in gazetteer.places.values()
                  if p.level == "populated_place" and p.name == "Kunduz")
    assert kunduz.admin1 == "AF19"  # re-tied by point in polygon


# --- capitals -----------------------------------------------------------------


def test_capitals_by_population_agree_with_the_cod_ab_convention(afghanistan: Imported) -> None:
    """Measured: the most populous GeoNames place lies in `<admin1>01` for 26 of 34
    provinces. Baghlan, Bamyan, Ghor, Logar, Maidan Wardak, Paktika, Uruzgan and
    Badghis have a bigger town than their capital in GeoNames; the profile's
    `[capitals]` table names those, so all 34 come out right."""
    gazetteer = afghanistan.gazetteer()
    provinces = gazetteer.admin_units("admin1")
    guessed = guess_capitals(gazetteer.places.values())
    assert sum(guessed.get(p.id) == f"{p.id}01" for p in provinces) == 26
    assert guessed["AF09"] == "AF0905"  # Baghlan city outgrows Pul-e-Khumri
    assert gazetteer.capital_of("AF19") == "AF1901"
    assert gazetteer.capital_of("AF28") == "AF2801"  # Sheberghan
    assert gazetteer.capital_of("AF09") == "AF0901"  # from the profile
    assert all(gazetteer.capital_of(p.id) == f"{p.id}01" for p in provinces)


def test_a_profile_edited_after_import_applies_its_capitals(afghanistan: Imported) -> None:
    from frontlines.profile import read_profile_text

    text, _ = read_profile_text(str(afghanistan.path / "profile.toml"))
    edited = parse_profile(text.replace('AF09 = "AF0901"', 'AF09 = "AF0904"'), "edited")
    with afghanistan.workspace().connect() as conn:
        assert load_gazetteer(conn, edited).capital_of("AF09") == "AF0904"
        assert load_gazetteer(conn).capital_of("AF09") == "AF0901"  # the cache is untouched


def test_profile_capitals_are_validated() -> None:
    from frontlines.profile import read_profile_text

    text, _ = read_profile_text("ukraine-2022")
    assert parse_profile(text).capitals == {"UA32": "UA8000000"}  # Kyiv Oblast: from Kyiv
    with pytest.raises(ProfileError, match="capitals"):
        parse_profile(text.replace('UA32 = "UA8000000"', "UA32 = 1"))


# --- loading ------------------------------------------------------------------


def test_gazetteer_load_is_cached_until_the_gazetteer_changes(afghanistan: Imported) -> None:
    ws = afghanistan.workspace()
    with ws.connect() as conn:
        first = load_gazetteer(conn)
        assert load_gazetteer(conn) is first
    with ws.begin() as conn:
        add_places(conn, ws.profile)
    with ws.connect() as conn:
        assert load_gazetteer(conn) is not first



def test_the_profile_chooses_how_the_workspace_gazetteer_folds_names(
    afghanistan: Imported,
) -> None:
    """One cached gazetteer per folding: the Afghan profile's persian rules make
    `Puli Khumri` the district Pul-e-Khumri; without a profile only GeoNames'
    own spelling of the town matches."""
    ws = afghanistan.workspace()
    with ws.connect() as conn:
        persian = load_gazetteer(conn, ws.profile)
        base = load_gazetteer(conn)
        assert persian.folding == NameFolding(["persian"]) and base.folding == NameFolding()
        assert load_gazetteer(conn, ws.profile) is persian and load_gazetteer(conn) is base
    text = "The Taliban took Puli Khumri and Qala-i-Naw."
    assert [m.place_ids[0] for m in persian.find_mentions(text)] == ["AF0901", "AF3101"]
    assert [m.place_ids for m in base.find_mentions(text)] == [("gn:1130490",), ("gn:1129867",)]


# --- the built indexes, kept beside the database ---------------------------------------


def fresh_gazetteer(ws: Workspace, profile=None):  # type: ignore[no-untyped-def]
    """The gazetteer as a new process would load it."""
    from frontlines.places.workspace import forget_loaded_gazetteers

    forget_loaded_gazetteers()
    with ws.connect() as conn:
        return load_gazetteer(conn, profile or ws.profile)


TEXT = "The Taliban captured Khuwaja Ghar and Bangi districts."


def test_a_new_process_reads_the_indexes_the_last_one_built(afghanistan: Imported, tmp_path: Path) -> None:
    """Building the name indexes of a country's settlements takes seconds: they
    are kept beside the database, and the next process finds the same names
    without building them (no name is judged again)."""
    from ..conftest import copy_workspace

    ws = copy_workspace(afghanistan.workspace(), tmp_path / "ws")
    shutil.rmtree(ws.path / "cache", ignore_errors=True)  # what other tests left
    built = fresh_gazetteer(ws)
    expected = [(m.text, m.place_ids, m.score) for m in built.find_mentions(TEXT, fuzzy=True)]
    assert [t for t, _ids, _score in expected] == ["Khuwaja Ghar", "Bangi"]
    assert expected[0][2] < 100  # found by the fuzzy pass
    kept = sorted(p.name for p in (ws.path / "cache").iterdir())
    assert len(kept) == 1 and kept[0].startswith("gazetteer-")
    assert sorted(p.name for p in (ws.path / "cache" / kept[0]).iterdir()) == [
        "fuzzy.json", "mentions.automaton", "mentions.json"]
    loaded = fresh_gazetteer(ws)
    assert loaded is not built
    assert [(m.text, m.place_ids, m.score) for m in loaded.find_mentions(TEXT, fuzzy=True)] == expected
    assert loaded._matchable == {}  # read, not built


def test_indexes_of_an_older_gazetteer_are_never_read(afghanistan: Imported, tmp_path: Path) -> None:
    from ..conftest import copy_workspace

    ws = copy_workspace(afghanistan.workspace(), tmp_path / "ws")
    fresh_gazetteer(ws).find_mentions(TEXT)
    before = {p.name for p in (ws.path / "cache").iterdir()}
    with ws.begin() as conn:
        add_places(conn, ws.profile)  # the same places, but a change all the same
    gazetteer = fresh_gazetteer(ws)
    gazetteer.find_mentions(TEXT)
    assert gazetteer._matchable  # built again
    after = {p.name for p in (ws.path / "cache").iterdir()}
    assert len(after) == 1 and not after & before  # the old state's folder is gone


def test_an_unreadable_index_file_is_built_again(afghanistan: Imported, tmp_path: Path) -> None:
    from ..conftest import copy_workspace

    ws = copy_workspace(afghanistan.workspace(), tmp_path / "ws")
    expected = [(m.text, m.place_ids) for m in fresh_gazetteer(ws).find_mentions(TEXT)]
    for kept in (ws.path / "cache").glob("gazetteer-*/mentions.*"):
        kept.write_bytes(b"\x80not an index")
    gazetteer = fresh_gazetteer(ws)
    assert [(m.text, m.place_ids) for m in gazetteer.find_mentions(TEXT)] == expected
    assert gazetteer._matchable


@pytest.mark.parametrize(
    ("name", "district"),
    [("Sher Khan Bandar", "AF1905"), ("Torkham", "AF0617"), ("Hairatan", "AF2116"), ("Wesh", "AF2711")],
)
def test_the_profiles_own_places_are_tied_to_their_districts(afghan_gazetteer: Gazetteer, name: str,
                                                              district: str) -> None:
    """The Afghan profile's border crossings come in with `add-places` and lie
    in their districts by point in polygon, like any GeoNames town."""
    found = [m for m in afghan_gazetteer.find_mentions(f"The Taliban captured {name} on Sunday.")
             if m.text == name]
    assert found, name
    places = [afghan_gazetteer.places[i] for i in found[0].place_ids]
    crossing = next(p for p in places if p.source == "profile")
    assert (crossing.level, crossing.admin2) == ("crossing", district)


def test_the_profiles_other_names_of_units_find_them(afghan_gazetteer: Gazetteer) -> None:
    """`[names] aliases` come in with `add-places`: "Wardak" is Maidan Wardak."""
    (wardak,) = [m for m in afghan_gazetteer.find_mentions("Fighting in Wardak province.") if m.text == "Wardak"]
    assert "AF04" in wardak.place_ids
    assert "Laja Mangal" in afghan_gazetteer.places["AF1308"].alt_names


def test_unit_aliases_are_added_once_and_a_unit_the_gazetteer_lacks_is_named(
    afghanistan: Imported, tmp_path: Path
) -> None:
    from dataclasses import replace

    from ..conftest import copy_workspace

    ws = copy_workspace(afghanistan.workspace(), tmp_path / "ws")
    with ws.begin() as conn:
        add_places(conn, ws.profile)
    with ws.connect() as conn:
        names = {p.id: p.alt_names for p in load_places(conn, levels=("admin1",))}
        before = count_places(conn)
    assert names["AF04"].count("Wardak") == 1  # run twice (the fixture's import, and here)
    wrong = replace(ws.profile, unit_aliases={"AF04": ("Wardak",), "AF99": ("Nowhere",)})
    with ws.begin() as conn:
        add_places(conn, wrong)
        assert missing_alias_units(conn, wrong) == ["AF99"]
    with ws.connect() as conn:
        assert count_places(conn) == before
        assert {p.id: p.alt_names for p in load_places(conn, levels=("admin1",))} == names


def test_add_places_warns_of_aliases_for_units_the_gazetteer_lacks(workspace: Workspace) -> None:
    """Without boundaries the provinces are ISO codes: the Afghan profile's
    aliases (for COD-AB ids) have no unit to go to, and the command says so."""
    result = run_cli("gazetteer", "add-places", workspace=workspace.path)
    assert result.exit_code == 0
    assert "names.aliases" in result.output and "AF04" in result.output
