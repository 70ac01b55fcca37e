"""The front line, on hand-made geometries, then end to end on a small made-up country.

The made-up country has two regions; one of them has a county but no
communes (the way Crimea has raions and no hromadas), so the map at the
commune level must show that county as a unit of its own.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
import shapely
from fastapi.testclient import TestClient
from shapely.geometry import box

from frontlines.api import create_app
from frontlines.models import Document, Event, Evidence, Place
from frontlines.outputs.frontline import (
    CONTESTED_EDGE,
    FRONT,
    GAP_DEGREES,
    _read,
    _write,
    build_coverage,
    category_of,
    coverage_for,
    forget_coverages,
    front_line,
    frontline,
    unit_categories,
)
from frontlines.profile import parse_profile
from frontlines.render import render_map
from frontlines.store import Workspace, add_document, insert_places, replace_events
from frontlines.timeline_store import (
    control,
    explain,
    recompute_all,
    standin_ids,
    summary,
)

from .conftest import run_cli

DAY = date(2030, 1, 1)

PROFILE_TEXT = """
name = "testland"
title = "Testland, a made-up war"
country = "LU"
government = "blue"

[start]
date = 2030-01-01
state = "blue"

[levels]
map = "admin3"
admin1 = "region"
admin2 = ["county", "counties"]
admin3 = "commune"

[[actors]]
id = "blue"
name = "Blue forces"
color = "#1f6fb5"
aliases = ["Blue forces"]

[[actors]]
id = "red"
name = "Red forces"
color = "#b03a2e"
aliases = ["Red forces"]

[[actors]]
id = "green"
name = "Green militia"
aliases = ["Green militia"]
side = "blue"

[[actors]]
id = "gold"
name = "Gold army"
aliases = ["Gold army"]
"""
PROFILE = parse_profile(PROFILE_TEXT)


def squares(*states: str | None) -> tuple[list[str], list[object], dict[str, str]]:
    """A row of unit squares (1° wide) with the given categories (None: no category)."""
    ids = [f"U{i}" for i in range(len(states))]
    geometries: list[object] = [box(i, 0, i + 1, 1) for i in range(len(states))]
    return ids, geometries, {u: s for u, s in zip(ids, states, strict=True) if s is not None}


def line_of(ids: list[str], geometries: list[object], categories: dict[str, str]):  # type: ignore[no-untyped-def]
    return front_line(build_coverage(ids, geometries), categories, DAY, 3, PROFILE.sides)


# --- hand-made geometries -------------------------------------------------------------------


def test_two_squares_of_different_sides_share_one_line() -> None:
    line = line_of(*squares("blue", "red"))
    assert [(s.sides, s.kind, s.units) for s in line.segments] == [(("blue", "red"), FRONT, 2)]
    geometry = line.segments[0].geometry
    assert geometry.geom_type == "MultiLineString"
    # The shared edge, give or take the stubs (at most GAP_DEGREES) where the squares' other
    # edges come within the gap of the neighbour.
    assert shapely.hausdorff_distance(geometry, shapely.LineString([(1, 0), (1, 1)])) <= GAP_DEGREES
    assert geometry.length == pytest.approx(1, abs=4 * GAP_DEGREES)
    assert line.segments[0].length_km == pytest.approx(111.3, abs=0.5)


def test_units_of_one_side_make_no_line() -> None:
    assert line_of(*squares("blue", "blue")).empty
    # A militia fighting on the government's side is that side: no line between them.
    ids, geometries, _ = squares(None, None)
    states = unit_categories([{"place_id": "U0", "state": "blue"},
                              {"place_id": "U1", "state": "green"}], PROFILE)
    assert states == {"U0": "blue", "U1": "blue"} and line_of(ids, geometries, states).empty
    assert category_of("green", PROFILE) == "blue"


def test_three_sides_give_one_line_per_pair_that_meets() -> None:
    ids, geometries, _ = squares("blue", "red", "gold")
    # A fourth unit under the row, touching all three: every pair of sides meets.
    ids.append("U3")
    geometries.append(box(0, -1, 3, 0))
    line = line_of(ids, geometries, {"U0": "blue", "U1": "red", "U2": "gold", "U3": "blue"})
    pairs = {s.sides: s for s in line.segments}
    assert set(pairs) == {("blue", "red"), ("blue", "gold"), ("red", "gold")}
    near = pytest.approx
    assert pairs[("red", "gold")].geometry.length == near(1, abs=4 * GAP_DEGREES)
    # blue/red: U0|U1 (x=1) and U1's bottom edge; blue/gold: U2's bottom edge only.
    assert pairs[("blue", "red")].geometry.length == near(2, abs=4 * GAP_DEGREES)
    assert pairs[("blue", "gold")].geometry.length == near(1, abs=4 * GAP_DEGREES)


def test_an_island_is_ringed_and_a_lone_island_is_no_front() -> None:
    outer = box(0, 0, 3, 3).difference(box(1, 1, 2, 2))
    line = line_of(["sea", "isle"], [outer, box(1, 1, 2, 2)], {"sea": "blue", "isle": "red"})
    assert len(line.segments) == 1
    ring = line.segments[0].geometry
    assert ring.length == pytest.approx(4) and shapely.get_num_geometries(ring) == 1
    assert ring.geoms[0].is_closed
    # An island of one side with no neighbour at all (an island in the sea): no front.
    alone = line_of(["U0", "far"], [box(0, 0, 1, 1), box(5, 5, 6, 6)], {"U0": "blue", "far": "red"})
    assert alone.empty


def test_contested_units_are_ringed_with_their_own_kind_and_unknown_ones_are_not() -> None:
    line = line_of(*squares("blue", "contested", "red"))
    assert [(s.sides, s.kind) for s in line.segments] == [
        (("blue", "contested"), CONTESTED_EDGE), (("red", "contested"), CONTESTED_EDGE)]
    assert line.geometry([FRONT]).is_empty
    assert line.geometry().length == pytest.approx(2, abs=8 * GAP_DEGREES)
    # Not knowing who holds a unit is no front.
    assert line_of(*squares("blue", None, "red")).empty
    rows = [{"place_id": "a", "state": "unknown"}, {"place_id": "b", "state": "contested"},
            {"place_id": "c", "state": "green"}, {"place_id": "d", "state": "nobody"}]
    assert unit_categories(rows, PROFILE) == {"b": "contested", "c": "blue"}


def test_hairline_gaps_still_make_a_line_and_corners_do_not() -> None:
    gap = line_of(["a", "b"], [box(0, 0, 1, 1), box(1.0001, 0, 2, 1)], {"a": "blue", "b": "red"})
    assert gap.geometry().length == pytest.approx(1, abs=4 * GAP_DEGREES)
    corner = line_of(["a", "b"], [box(0, 0, 1, 1), box(1, 1, 2, 2)], {"a": "blue", "b": "red"})
    assert corner.empty


def test_geojson_features_name_the_sides(tmp_path: Path) -> None:
    line = line_of(*squares("red", "blue"))
    [feature] = line.geojson(PROFILE)["features"]
    assert feature["geometry"]["type"] == "MultiLineString"
    assert feature["properties"] == {
        "layer": "frontline", "date": "2030-01-01", "level": 3, "kind": "front",
        "side_a": "blue", "side_b": "red", "side_a_name": "Blue forces",
        "side_b_name": "Red forces", "units": 2, "length_km": line.segments[0].length_km}
    # The cached coverage comes back the same from its file (no pickle involved).
    coverage = build_coverage(*squares("red", "blue")[:2])
    _write(tmp_path / "c.npz", coverage)
    again = _read(tmp_path / "c.npz")
    assert again is not None and again.ids == coverage.ids
    assert all(shapely.equals(a, b) for a, b in zip(again.edges, coverage.edges, strict=True))
    assert _read(tmp_path / "missing.npz") is None
    (tmp_path / "bad.npz").write_bytes(b"not a zip")
    assert _read(tmp_path / "bad.npz") is None


# --- a made-up country, end to end -----------------------------------------------------------


def _place(pid: str, name: str, level: str, geometry: object | None = None, **codes: str) -> Place:
    point = shapely.centroid(geometry) if geometry is not None else None
    return Place(id=pid, name=name, level=level, lat=point.y if point else None,  # type: ignore[arg-type]
                 lon=point.x if point else None, source="test:made-up",
                 geometry_wkb=shapely.to_wkb(geometry) if geometry is not None else None, **codes)


@pytest.fixture(scope="module")
def testland(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    """Regions R1 (counties C1, C2 with communes K1-K3) and R2 (county C3, no communes).

    On 2030-01-05 Red takes K2 and, through a town in it, the county C3.
    """
    folder = tmp_path_factory.mktemp("testland")
    (folder / "testland.toml").write_text(PROFILE_TEXT, encoding="utf-8")
    ws = Workspace.init(folder / "ws", str(folder / "testland.toml"))
    units = [
        _place("R1", "North", "admin1", box(0, 0, 3, 1)),
        _place("R2", "South", "admin1", box(3, 0, 4, 1)),
        _place("C1", "Alpha", "admin2", box(0, 0, 2, 1), parent_id="R1", admin1="R1"),
        _place("C2", "Beta", "admin2", box(2, 0, 3, 1), parent_id="R1", admin1="R1"),
        _place("C3", "Gamma", "admin2", box(3, 0, 4, 1), parent_id="R2", admin1="R2"),
        _place("K1", "Ka", "admin3", box(0, 0, 1, 1), parent_id="C1", admin1="R1", admin2="C1"),
        _place("K2", "Kb", "admin3", box(1, 0, 2, 1), parent_id="C1", admin1="R1", admin2="C1"),
        _place("K3", "Kc", "admin3", box(2, 0, 3, 1), parent_id="C2", admin1="R1", admin2="C2"),
        _place("T1", "Gammatown", "populated_place", parent_id="C3", admin1="R2", admin2="C3"),
    ]
    sentence = "Red forces captured Kb and Gammatown."
    found = [
        Event(kind="capture", actor="red", place_id=pid, place_name=name, admin1=a1, admin2=a2,
              admin3=a3, geo_precision=1, date="2030-01-05", certainty="confirmed",
              source_side="blue", evidence=Evidence("d1", sentence, 0, len(sentence)))
        for pid, name, a1, a2, a3 in (("K2", "Kb", "R1", "C1", "K2"),
                                      ("T1", "Gammatown", "R2", "C3", None))]
    with ws.begin() as conn:
        insert_places(conn, units)
        add_document(conn, Document(id="d1", text=sentence * 5, content_hash="d1",
                                    title="Red advances", published="2030-01-05"))
        replace_events(conn, "d1", found)
        recompute_all(conn, ws.profile)
    return ws


def test_a_county_without_communes_stands_in_for_them(testland: Workspace) -> None:
    with testland.connect() as conn:
        assert standin_ids(conn, 3) == ["C3"] and standin_ids(conn, 2) == []
        day = date(2030, 1, 6)
        communes = {r["place_id"]: r["state"] for r in control(conn, testland.profile, day)}
        counties = {r["place_id"]: r["state"] for r in control(conn, testland.profile, day, 2)}
        regions = {r["place_id"]: r["state"] for r in control(conn, testland.profile, day, 1)}
        told = summary(conn, testland.profile, day)
        story = explain(conn, testland.profile, "Gammatown", day)
    # The map level covers the whole country: the county stands in, moved by its town.
    assert communes == {"K1": "blue", "K2": "red", "K3": "blue", "C3": "red"}
    assert counties["C3"] == "red" and regions["R2"] == "red" and set(counties) == {"C1", "C2", "C3"}
    assert told["units"] == 4 and told["unit_word"] == "communes"
    assert story.place.id == "C3" and story.intervals[-1].state == "red"


def test_the_front_line_of_a_day_and_its_cache(testland: Workspace) -> None:
    forget_coverages()
    with testland.connect() as conn:
        before = frontline(conn, testland.profile, date(2030, 1, 4))
        after = frontline(conn, testland.profile, date(2030, 1, 6))
        by_county = frontline(conn, testland.profile, date(2030, 1, 6), 2)
    assert before.empty
    [segment] = after.segments
    assert segment.sides == ("blue", "red") and segment.kind == FRONT and segment.units == 4
    # K1|K2, K2|K3 and K3|C3: three unit edges, 1° each.
    assert segment.geometry.length == pytest.approx(3, abs=0.01) and len(segment.geometry.geoms) == 3
    # By county, C1 (Ka blue, Kb red) is contested: the line runs around it, dashed.
    assert by_county.level == 2
    assert [(s.sides, s.kind) for s in by_county.segments] == [
        (("blue", "red"), FRONT), (("blue", "contested"), CONTESTED_EDGE)]
    assert by_county.geometry([FRONT]).length == pytest.approx(1, abs=0.01)
    cached = list((testland.path / "cache").glob("coverage-*-L3.npz"))
    assert len(cached) == 1
    forget_coverages()  # read back from the file
    with testland.connect() as conn:
        assert coverage_for(conn, 3).ids == ("C3", "K1", "K2", "K3")


def test_map_with_the_front_line_says_the_profiles_words(testland: Workspace, tmp_path: Path) -> None:
    out = tmp_path / "map.svg"
    result = run_cli("map", "--date", "2030-01-06", "--frontline", "--out", str(out),
                     workspace=testland.path)
    assert result.exit_code == 0, result.output
    assert "front line blue/red 334 km" in result.output
    text = out.read_text(encoding="utf-8")
    assert "3 communes and 1 county without communes" in text
    assert "Red forces: 2 communes" in text and "Front line: held by different" in text
    with testland.connect() as conn:
        drawn = render_map(conn, testland.profile, date(2030, 1, 6), tmp_path / "m.png")
    assert drawn.frontline is None and drawn.units == 4


def test_export_control_with_the_front_line(testland: Workspace, tmp_path: Path) -> None:
    import geopandas as gpd
    import pyogrio

    out = tmp_path / "control.geojson"
    result = run_cli("export", "control", "--date", "2030-01-06", "--frontline", "--out", str(out),
                     workspace=testland.path)
    assert result.exit_code == 0, result.output
    assert "with the front line (blue/red 334 km)" in result.output
    features = json.loads(out.read_text(encoding="utf-8"))["features"]
    layers = [f["properties"]["layer"] for f in features]
    assert layers == ["control"] * 4 + ["frontline"]
    assert features[-1]["geometry"]["type"] == "MultiLineString"
    assert {f["properties"]["level"] for f in features[:4]} == {"admin2", "admin3"}

    gpkg = tmp_path / "control.gpkg"
    result = run_cli("export", "control", "--date", "2030-01-06", "--frontline", "--format",
                     "gpkg", "--out", str(gpkg), workspace=testland.path)
    assert result.exit_code == 0, result.output
    assert [name for name, _ in pyogrio.list_layers(gpkg)] == ["control", "frontline"]
    lines = gpd.read_file(gpkg, layer="frontline")
    assert list(lines["side_b"]) == ["red"]
    assert shapely.length(lines.geometry.values).sum() == pytest.approx(3, abs=0.01)

    # Without the flag the file is what it always was; a CSV cannot hold lines.
    plain = tmp_path / "plain.geojson"
    assert run_cli("export", "control", "--date", "2030-01-06", "--out", str(plain),
                   workspace=testland.path).exit_code == 0
    assert all("layer" not in f["properties"] for f in json.loads(plain.read_text())["features"])
    bad = run_cli("export", "control", "--frontline", "--format", "csv", "--out",
                  str(tmp_path / "x.csv"), workspace=testland.path)
    assert bad.exit_code == 2 and "--frontline" in bad.output and "CSV" in bad.output


def test_api_frontline_route(testland: Workspace) -> None:
    with TestClient(create_app(testland.path)) as client:
        found = client.get("/api/frontline", params={"date": "2030-01-06"})
        assert found.status_code == 200
        assert found.headers["content-type"].startswith("application/geo+json")
        [feature] = found.json()["features"]
        assert (feature["properties"]["side_a"], feature["properties"]["side_b"]) == ("blue", "red")
        assert client.get("/api/frontline", params={"date": "2030-01-02"}).json()["features"] == []
        assert client.get("/api/frontline", params={"date": "2029-12-31"}).status_code == 400
        assert client.get("/api/frontline", params={"date": "soon"}).status_code == 400
        assert client.get("/api/frontline", params={"date": "2030-01-06", "level": 4}).status_code == 422
        meta = client.get("/api/meta").json()
        assert meta["level_words"] == ["regions", "counties", "communes"]
        assert meta["level_nouns"] == ["region", "county", "commune"] and meta["level"] == 3
        assert client.get("/api/control", params={"date": "2030-01-06"}).json()["unit_word"] == "communes"
        units = client.get("/api/places", params={"level": 3, "format": "geojson"}).json()
        assert {f["id"] for f in units["features"]} == {"C3", "K1", "K2", "K3"}
