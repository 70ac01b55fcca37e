"""Baseline files: who held each unit before any report, with its source, checked row by row.

Through the real command line on a workspace of the real Afghan districts:
`frontlines baseline import | list | remove`, a profile naming a baseline,
and what `control`, `explain` and the API show for a unit resting on one.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from frontlines.api import create_app
from frontlines.store import Workspace
from frontlines.timeline_store import list_baselines

from .conftest import copy_workspace, run_cli

DOSHI, IMAM_SAHIB, KHAN_ABAD, ZARANJ = "AF0903", "AF1905", "AF1904", "AF3401"
LWJ = "FDD's Long War Journal"

GOOD_CSV = f"""unit,state,date,source
{DOSHI},taliban,2021-05-01,{LWJ}
Imam Saheb,Taliban,2021-05-01,{LWJ}
{KHAN_ABAD},contested,2021-06-01,
"""


@pytest.fixture
def ws(afghan_workspace: Workspace, tmp_path: Path) -> Workspace:
    return copy_workspace(afghan_workspace, tmp_path / "ws")


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def control_on(ws: Workspace, day: str) -> dict[str, dict[str, object]]:
    result = run_cli("control", "--date", day, "--format", "json", workspace=ws.path)
    assert result.exit_code == 0, result.output
    return {r["place_id"]: r for r in json.loads(result.output)}


def test_a_baseline_file_sets_units_by_id_or_name_with_the_file_as_evidence(
        ws: Workspace, tmp_path: Path) -> None:
    path = write(tmp_path, "lwj.csv", GOOD_CSV)
    result = run_cli("baseline", "import", str(path), "--source", "analyst's notes",
                     workspace=ws.path)
    assert result.exit_code == 0, result.output
    assert "3 rows imported" in result.output
    rows = control_on(ws, "2021-05-01")
    assert (rows[DOSHI]["state"], rows[DOSHI]["status"]) == ("taliban", "baseline")
    assert rows[DOSHI]["evidence"] == ["baseline:1#2"]
    assert rows[IMAM_SAHIB]["state"] == "taliban"  # by a spelling of its name, and an alias
    assert rows[KHAN_ABAD]["state"] == "government"  # its row is as of 1 June
    assert control_on(ws, "2021-06-01")[KHAN_ABAD]["state"] == "contested"
    story = run_cli("explain", DOSHI, workspace=ws.path).output
    assert "baseline file" in story and "lwj.csv" in story and LWJ in story
    khan_abad = run_cli("explain", KHAN_ABAD, workspace=ws.path).output
    assert "analyst's notes" in khan_abad  # the source given for rows that name none
    listed = json.loads(run_cli("baseline", "list", "--format", "json", workspace=ws.path).output)
    assert [(b["id"], b["rows"], b["origin"]) for b in listed] == [(1, 3, "command")]
    assert listed[0]["as_of"] == "2021-05-01 … 2021-06-01"
    with TestClient(create_app(ws.path)) as client:
        current = client.get(f"/api/places/{DOSHI}/timeline",
                              params={"date": "2021-05-02"}).json()["current"]
    assert current["status"] == "baseline" and current["evidence"] == []
    assert current["baseline"] == [{"ref": "baseline:1#2", "file": str(path), "row": 2,
                                    "state": "taliban", "as_of": "2021-05-01", "source": LWJ}]


def test_removing_a_baseline_gives_its_units_back_to_the_start_state(
        ws: Workspace, tmp_path: Path) -> None:
    assert run_cli("baseline", "import", str(write(tmp_path, "b.csv", GOOD_CSV)), "--source",
                   "x", workspace=ws.path).exit_code == 0
    result = run_cli("baseline", "remove", "1", workspace=ws.path)
    assert result.exit_code == 0, result.output
    rows = control_on(ws, "2021-06-02")
    assert {rows[u]["state"] for u in (DOSHI, IMAM_SAHIB, KHAN_ABAD)} == {"government"}
    assert run_cli("baseline", "remove", "1", workspace=ws.path).exit_code != 0


def test_a_geojson_baseline_reads_its_features_properties(ws: Workspace, tmp_path: Path) -> None:
    features = [{"type": "Feature", "geometry": None,
                 "properties": {"pcode": ZARANJ, "State": "taliban", "as_of": "2021-05-01",
                                "source": LWJ}}]
    path = write(tmp_path, "b.geojson", json.dumps({"type": "FeatureCollection",
                                                    "features": features}))
    assert run_cli("baseline", "import", str(path), workspace=ws.path).exit_code == 0
    assert control_on(ws, "2021-05-01")[ZARANJ]["state"] == "taliban"


HEAD = f"unit,state,date,source\n{ZARANJ},taliban,2021-05-01,x\n"  # a good row 2


@pytest.mark.parametrize("text, message", [
    (HEAD + "Atlantis,taliban,2021-05-01,x\n", "row 3: unknown unit 'Atlantis'"),
    (HEAD + f"{DOSHI},martians,2021-05-01,x\n", "row 3: unknown state 'martians'"),
    (HEAD + f"{DOSHI},taliban,1 May 2021,x\n", "row 3: date '1 May 2021' is not a date"),
    (HEAD + f"{DOSHI},taliban,2021-05-01,\n", "row 3: no source"),
    (HEAD + f"{DOSHI},taliban,2021-05-01,x\n{DOSHI},government,2021-05-01,y\n",
     "row 4: AF0903 as of 2021-05-01 is given twice (row 3 too)"),
    (HEAD + "Baharak,taliban,2021-05-01,x\n", "row 3: unit 'Baharak' names several units"),
    (f"district,date\n{DOSHI},2021-05-01\n", "missing 'state'"),
    ("", "the file is empty"),
])
def test_a_bad_row_names_its_row_and_nothing_is_stored(ws: Workspace, tmp_path: Path, text: str,
                                                       message: str) -> None:
    path = write(tmp_path, "bad.csv", text)
    result = run_cli("baseline", "import", str(path), workspace=ws.path)
    assert result.exit_code != 0
    assert str(path) in result.output and message in result.output, result.output
    with ws.connect() as conn:
        assert list_baselines(conn) == []
    zaranj = control_on(ws, "2021-05-01")[ZARANJ]
    assert (zaranj["state"], zaranj["status"]) == ("government", "baseline")


def test_every_bad_row_is_listed_at_once(ws: Workspace, tmp_path: Path) -> None:
    path = write(tmp_path, "bad.csv", "unit,state,date,source\nAtlantis,taliban,2021-05-01,x\n"
                                      f"{DOSHI},martians,2021-05-01,x\n")
    result = run_cli("baseline", "import", str(path), workspace=ws.path)
    assert "2 bad row(s), nothing imported" in result.output
    assert "row 2: unknown unit" in result.output and "row 3: unknown state" in result.output


def test_a_baseline_never_overrides_a_report(ws: Workspace, tmp_path: Path) -> None:
    report = write(tmp_path, "doshi.txt", "Doshi falls\nPublished 2021-06-24\n\n"
                   "Doshi district in Baghlan province fell to the Taliban on Wednesday, a "
                   "provincial council member said.\n")
    assert run_cli("ingest", str(report), workspace=ws.path).exit_code == 0
    late = write(tmp_path, "late.csv", f"unit,state,date,source\n{DOSHI},government,2021-07-01,x\n")
    assert run_cli("baseline", "import", str(late), workspace=ws.path).exit_code == 0
    doshi = control_on(ws, "2021-07-02")[DOSHI]
    assert doshi["state"] == "taliban" and doshi["status"] != "baseline"


def test_a_profile_names_its_baseline_file(afghan_workspace: Workspace, tmp_path: Path) -> None:
    ws = copy_workspace(afghan_workspace, tmp_path / "ws")
    write(ws.path, "start.csv", f"unit,state,date\n{DOSHI},taliban,2021-05-01\n")
    profile = (ws.path / "profile.toml").read_text(encoding="utf-8").replace(
        '[start]\n', '[start]\nbaseline = "start.csv"\nbaseline_source = "our own map"\n', 1)
    (ws.path / "profile.toml").write_text(profile, encoding="utf-8")
    result = run_cli("init", workspace=ws.path)
    assert result.exit_code == 0, result.output
    assert "1 rows imported from" in result.output and "(the profile's)" in result.output
    assert control_on(ws, "2021-05-01")[DOSHI]["state"] == "taliban"
    assert "our own map" in run_cli("explain", DOSHI, workspace=ws.path).output
    # Importing it again changes nothing; a changed file replaces the old import.
    again = run_cli("baseline", "import", workspace=ws.path)
    assert "already imported, unchanged" in again.output
    write(ws.path, "start.csv", f"unit,state,date\n{ZARANJ},taliban,2021-05-01\n")
    assert run_cli("baseline", "import", workspace=ws.path).exit_code == 0
    rows = control_on(ws, "2021-05-01")
    assert (rows[DOSHI]["state"], rows[ZARANJ]["state"]) == ("government", "taliban")
    with ws.connect() as conn:
        assert [b["origin"] for b in list_baselines(conn)] == ["profile"]


def test_without_a_file_or_a_profile_baseline_import_says_what_it_needs(ws: Workspace) -> None:
    result = run_cli("baseline", "import", workspace=ws.path)
    assert result.exit_code != 0 and "give a FILE" in result.output
