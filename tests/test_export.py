"""Exports read back with geopandas (and pandas): what QGIS, pandas and Excel users will open."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest

from frontlines.export import (
    ARMED_CLASH,
    EVENT_COLUMNS,
    NON_VIOLENT_TRANSFER,
    OVERTAKES,
    REGAINS,
    acled_actors,
    acled_types,
)
from frontlines.models import Event, Evidence
from frontlines.profile import load_profile
from frontlines.store import Workspace

from .conftest import run_cli
from .test_api import IMAM_SAHIB, IMAM_SAHIB_SENTENCE, KHAN_ABAD, ZARANJ, build_report_workspace

ACLED_COLUMNS = ["event_id", "event_date", "time_precision", "event_type", "sub_event_type",
                 "actor1", "actor2", "admin1", "admin2", "location", "latitude", "longitude",
                 "geo_precision", "source", "notes"]
OUR_COLUMNS = ["certainty", "negated", "document_url", "published"]
PROFILE = load_profile("afghanistan-2021")


@pytest.fixture(scope="module")
def reports_workspace(afghan_workspace: Workspace,
                      tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    return build_report_workspace(afghan_workspace, tmp_path_factory.mktemp("export") / "ws")


def export(ws: Workspace, *args: str) -> str:
    result = run_cli("export", *args, workspace=ws.path)
    assert result.exit_code == 0, result.output
    return result.output


def ev(kind: str, actor: str, opponent: str | None = None) -> Event:
    return Event(kind=kind, actor=actor, opponent=opponent, place_id=KHAN_ABAD,
                 place_name="Khan Abad", evidence=Evidence("d", "A sentence.", 0, 11))


@pytest.mark.parametrize("kind, actor, expected", [
    ("capture", "taliban", ("Battles", OVERTAKES)),
    ("recapture", "government", ("Battles", REGAINS)),
    ("capture", "government", ("Battles", REGAINS)),
    ("recapture", "taliban", ("Battles", OVERTAKES)),
    ("siege", "taliban", ("Battles", ARMED_CLASH)),
    ("clash", "government", ("Battles", ARMED_CLASH)),
    ("withdrawal", "government", ("Strategic developments", NON_VIOLENT_TRANSFER)),
    ("handover", "taliban", ("Strategic developments", NON_VIOLENT_TRANSFER)),
    ("surrender", "taliban", ("Strategic developments", NON_VIOLENT_TRANSFER)),
])
def test_event_kinds_map_to_acleds_types(kind: str, actor: str,
                                         expected: tuple[str, str]) -> None:
    assert acled_types(ev(kind, actor), PROFILE) == expected


def test_a_withdrawal_names_the_side_that_takes_over_first_as_acled_does() -> None:
    assert acled_actors(ev("withdrawal", "government", "taliban"), PROFILE) == (
        "Taliban", "Afghan government")
    assert acled_actors(ev("capture", "taliban", "government"), PROFILE) == (
        "Taliban", "Afghan government")
    assert acled_actors(ev("clash", "taliban"), PROFILE) == ("Taliban", None)


def test_events_csv_has_the_acled_columns_then_ours(reports_workspace: Workspace,
                                                   tmp_path: Path) -> None:
    out = tmp_path / "events.csv"
    assert "events to" in export(reports_workspace, "events", "--format", "csv", "--out", str(out))
    frame = pd.read_csv(out)
    assert list(frame.columns[:19]) == ACLED_COLUMNS + OUR_COLUMNS
    assert list(frame.columns) == list(EVENT_COLUMNS)
    row = frame[frame["event_id"] == "own-imam-sahib#1"].iloc[0]
    assert (row["event_date"], row["time_precision"], row["event_type"], row["sub_event_type"]) == (
        "2021-06-21", 1, "Battles", OVERTAKES)
    assert (row["actor1"], row["admin1"], row["admin2"], row["location"]) == (
        "Taliban", "Kunduz", "Imam Sahib", "Imam Sahib")
    assert (row["geo_precision"], row["source"], row["certainty"]) == (1, "Kunduz Daily Test",
                                                                       "confirmed")
    assert IMAM_SAHIB_SENTENCE in row["notes"] and not row["negated"]
    assert row["document_url"] == "https://news.example.org/kunduz/imam-sahib-falls"
    assert row["published"] == "2021-06-22"
    assert 36 < row["latitude"] < 38 and 68 < row["longitude"] < 70
    yamgan = frame[frame["document_id"] == "own-yamgan"].iloc[0]
    assert (yamgan["sub_event_type"], yamgan["actor1"], yamgan["actor2"]) == (
        NON_VIOLENT_TRANSFER, "Taliban", "Afghan government")
    siege = frame[frame["kind"] == "siege"].iloc[0]
    assert siege["sub_event_type"] == ARMED_CLASH
    # The same file read by GDAL, as QGIS would.
    assert len(gpd.read_file(out)) == len(frame)


def test_events_geojson_and_jsonl(reports_workspace: Workspace, tmp_path: Path) -> None:
    geo = tmp_path / "events.geojson"
    export(reports_workspace, "events", "--format", "geojson", "--out", str(geo))
    points = gpd.read_file(geo)
    assert points.crs.to_epsg() == 4326 and set(points.geom_type) == {"Point"}
    zaranj = points[points["place_id"] == ZARANJ].iloc[0]
    assert abs(zaranj.geometry.y - zaranj["latitude"]) < 1e-9
    assert zaranj["sub_event_type"] == OVERTAKES
    lines = tmp_path / "events.jsonl"
    export(reports_workspace, "events", "--format", "jsonl", "--out", str(lines),
           "--place", "AF19", "--kind", "capture")
    rows = [json.loads(line) for line in lines.read_text(encoding="utf-8").splitlines()]
    assert {r["document_id"] for r in rows} == {"own-imam-sahib", "own-hostile"}
    assert list(rows[0]) == list(EVENT_COLUMNS) and rows[0]["negated"] is False
    hostile = next(r for r in rows if r["document_id"] == "own-hostile")
    assert "<script>" in hostile["source"] and "<img" in hostile["notes"]  # data kept verbatim


def test_control_as_geojson_gpkg_and_csv(reports_workspace: Workspace, tmp_path: Path) -> None:
    geo, gpkg, table = tmp_path / "c.geojson", tmp_path / "c.gpkg", tmp_path / "c.csv"
    export(reports_workspace, "control", "--date", "2021-06-22", "--format", "geojson",
           "--out", str(geo))
    export(reports_workspace, "control", "--date", "2021-06-22", "--format", "gpkg",
           "--out", str(gpkg))
    export(reports_workspace, "control", "--date", "2021-06-22", "--format", "csv",
           "--out", str(table))
    for frame in (gpd.read_file(geo), gpd.read_file(gpkg, layer="control")):
        assert len(frame) == 399 and frame.crs.to_epsg() == 4326
        assert {"state", "status", "since", "confidence"} <= set(frame.columns)
        assert set(frame.geom_type) <= {"Polygon", "MultiPolygon"}
        unit = frame.set_index("place_id").loc[IMAM_SAHIB]
        assert (unit["state"], str(unit["since"])[:10], unit["status"]) == (
            "taliban", "2021-06-21", "assessed")
        assert "own-imam-sahib#1" in unit["evidence"].split()
        assert frame.set_index("place_id").loc[KHAN_ABAD]["state"] == "contested"
    rows = pd.read_csv(table).set_index("place_id")
    assert len(rows) == 399 and rows.loc[IMAM_SAHIB, "state"] == "taliban"
    assert 0 < rows.loc[IMAM_SAHIB, "confidence"] <= 1
    # Writing again replaces the file (GDAL would otherwise add a second layer to a GeoPackage).
    export(reports_workspace, "control", "--date", "2021-08-07", "--format", "gpkg",
           "--out", str(gpkg))
    again = gpd.read_file(gpkg, layer="control").set_index("place_id")
    assert len(again) == 399 and again.loc[ZARANJ, "state"] == "taliban"


def test_control_by_province(reports_workspace: Workspace, tmp_path: Path) -> None:
    out = tmp_path / "provinces.geojson"
    export(reports_workspace, "control", "--date", "2021-06-22", "--level", "1",
           "--out", str(out))
    provinces = gpd.read_file(out)
    assert len(provinces) == 34 and set(provinces["level"]) == {"admin1"}
    assert provinces.set_index("place_id").loc["AF19", "state"] == "government"


@pytest.mark.parametrize("args, message", [
    (("control", "--date", "2021-06-22", "--level", "3", "--out", "x.geojson"), "--level 3"),
    (("control", "--date", "06/22/2021", "--out", "x.geojson"), "not a date"),
    (("control", "--date", "2020-01-01", "--out", "x.geojson"), "before the timeline starts"),
    (("control", "--format", "kml", "--out", "x.kml"), "kml"),
    (("events", "--actor", "martians", "--out", "x.csv"), "unknown actor"),
    (("events", "--since", "soon", "--out", "x.csv"), "not a date"),
])
def test_bad_export_arguments_are_one_line_errors(reports_workspace: Workspace, tmp_path: Path,
                                                  args: tuple[str, ...], message: str) -> None:
    result = run_cli("export", *[a if not a.startswith("x.") else str(tmp_path / a) for a in args],
                     workspace=reports_workspace.path)
    assert result.exit_code != 0 and message in result.output
    assert "Traceback" not in result.output


# --- spreadsheets and partial files ----------------------------------------------------------


def test_spreadsheet_safe_quotes_formula_text_but_not_numbers() -> None:
    from frontlines.export import spreadsheet_safe

    for text in ("=HYPERLINK(\"http://x\")", "+1", "-2+3", "@SUM(A1)", "\tx", "\r=1"):
        assert spreadsheet_safe(text) == "'" + text
    for value in ("Imam Sahib", "2021-06-21", "", -12.5, 3, None, True):
        assert spreadsheet_safe(value) == value


def _event_row(**fields: object) -> dict[str, object]:
    row: dict[str, object] = dict.fromkeys(EVENT_COLUMNS)
    row.update(event_id="d#1", event_date="2021-06-21", time_precision=1, geo_precision=1,
               negated=False, latitude=-12.5, longitude=67.25)
    row.update(fields)
    return row


def test_event_csv_cells_from_reports_never_become_formulas(tmp_path: Path) -> None:
    from frontlines.export import write_events

    out = tmp_path / "events.csv"
    rows = [_event_row(notes='=HYPERLINK("http://evil.example","click")', source="@SUM(1+1)",
                       attribution="+cmd|' /C calc'!A0", location="-2+3", actor1="Taliban")]
    assert write_events(rows, "csv", out) == 1
    back = pd.read_csv(out, encoding="utf-8-sig").iloc[0]
    assert back["notes"] == '\'=HYPERLINK("http://evil.example","click")'
    assert (back["source"], back["attribution"], back["location"]) == (
        "'@SUM(1+1)", "'+cmd|' /C calc'!A0", "'-2+3")
    assert back["actor1"] == "Taliban"
    assert back["latitude"] == -12.5 and back["time_precision"] == 1  # numbers stay numbers


def test_control_csv_cells_never_become_formulas(tmp_path: Path) -> None:
    from frontlines.export import CONTROL_COLUMNS, write_control

    frame = pd.DataFrame([{**dict.fromkeys(CONTROL_COLUMNS), "place_id": "X1",
                           "place_name": "=1+1", "state": "taliban", "confidence": 0.5,
                           "lat": -1.5, "lon": 2.0}])
    out = tmp_path / "control.csv"
    write_control(frame, "csv", out)
    back = pd.read_csv(out, encoding="utf-8-sig").iloc[0]
    assert back["place_name"] == "'=1+1" and back["latitude"] == -1.5


def test_command_line_csv_quotes_formula_cells(capsys: pytest.CaptureFixture[str]) -> None:
    import csv
    import io

    from frontlines.cli.base import emit

    emit([{"sentence": "=2+5", "who": ["-x", "y"], "lat": -1.5, "n": -3, "ok": "Kunduz"}], "csv")
    (row,) = csv.DictReader(io.StringIO(capsys.readouterr().out))
    assert row == {"sentence": "'=2+5", "who": "'-x, y", "lat": "-1.50", "n": "-3", "ok": "Kunduz"}


def test_a_failed_export_leaves_the_previous_file_whole(tmp_path: Path) -> None:
    from frontlines.export import write_events

    out = tmp_path / "events.jsonl"
    out.write_text("previous export\n", encoding="utf-8")
    broken = [_event_row(), {"event_id": "no other columns"}]
    with pytest.raises(KeyError):
        write_events(broken, "jsonl", out)
    assert out.read_text(encoding="utf-8") == "previous export\n"
    assert [p.name for p in tmp_path.iterdir()] == ["events.jsonl"]  # no temporary left over
    assert write_events([_event_row()], "jsonl", out) == 1
    assert json.loads(out.read_text(encoding="utf-8"))["event_id"] == "d#1"
    assert [p.name for p in tmp_path.iterdir()] == ["events.jsonl"]


def test_export_events_validates_filters_like_the_events_command(
        reports_workspace: Workspace, tmp_path: Path) -> None:
    for args, option in ((("--since", "garbage"), "--since"), (("--until", "2021-13-40"), "--until"),
                         (("--place", "XX99"), "--place"),
                         (("--since", "2021-07-01", "--until", "2021-06-01"), "--until")):
        result = run_cli("export", "events", "--out", str(tmp_path / "e.csv"), *args,
                         workspace=reports_workspace.path)
        assert result.exit_code == 2 and option in result.output, result.output
    assert not (tmp_path / "e.csv").exists()
