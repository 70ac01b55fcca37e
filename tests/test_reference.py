"""Published counts beside ours: `chart --reference FILE.csv` and `summary --series`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from frontlines.profile import load_profile
from frontlines.reference import ReferenceError, read_reference
from frontlines.store import Workspace

from .conftest import copy_workspace, run_cli

PROFILE = load_profile("afghanistan-2021")
# FDD's Long War Journal's count of Taliban-controlled districts.
LWJ = """date,state,count,source
2021-05-01,taliban,73,Long War Journal
2021-06-29,Taliban,157,Long War Journal
2021-07-10,taliban,204,Long War Journal
2021-07-31,taliban,223,Long War Journal
"""


@pytest.fixture(scope="module")
def seed_ws(afghan_workspace: Workspace, shared: Path,
            tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    ws = copy_workspace(afghan_workspace, tmp_path_factory.mktemp("reference") / "ws")
    result = run_cli("ingest", str(shared / "examples" / "seed-report.txt"), workspace=ws.path)
    assert result.exit_code == 0, result.output
    return ws


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "lwj.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_reference_file_is_read_and_checked(tmp_path: Path) -> None:
    points = read_reference(write(tmp_path, LWJ), PROFILE)
    assert [(p.day.isoformat(), p.state, p.count) for p in points][:2] == [
        ("2021-05-01", "taliban", 73), ("2021-06-29", "taliban", 157)]
    assert {p.source for p in points} == {"Long War Journal"}


@pytest.mark.parametrize("text, message", [
    ("date,state,count\n2021-05-01,taliban,many\n", "row 2: count 'many' is not a whole number"),
    ("date,state,count\n2021-05-01,taliban,73\n1 May,taliban,73\n", "row 3: date '1 May'"),
    ("date,state,count\n2021-05-01,martians,73\n", "row 2: unknown state 'martians'"),
    ("day,state,count\n2021-05-01,taliban,73\n", "missing column(s) date"),
    ("date,state,count\n", "no rows"),
])
def test_a_bad_reference_row_is_named(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ReferenceError, match=str(path)) as caught:
        read_reference(path, PROFILE)
    assert message in str(caught.value)


def test_summary_series_prints_the_published_counts_beside_ours(seed_ws: Workspace,
                                                               tmp_path: Path) -> None:
    path = write(tmp_path, LWJ)
    result = run_cli("summary", "--series", "--reference", str(path), "--until", "2021-07-10",
                     "--format", "json", workspace=seed_ws.path)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    compared = {r["date"]: r for r in data["reference"]}
    assert list(compared) == ["2021-05-01", "2021-06-29", "2021-07-10"]  # 31 July is outside
    june = compared["2021-06-29"]
    assert (june["state"], june["reference"]) == ("taliban", 157)
    assert june["ours"] == data["states"]["taliban"][data["days"].index("2021-06-29")]
    assert june["difference"] == june["ours"] - 157
    assert sum(june["ours_by_status"].values()) == june["ours"]
    table = run_cli("summary", "--series", "--reference", str(path), workspace=seed_ws.path)
    assert "Published counts and ours" in table.output and "223" in table.output
    plain = run_cli("summary", "--series", "--since", "2021-06-20", "--until", "2021-06-22",
                    workspace=seed_ws.path)
    assert "2021-06-22" in plain.output and "government" in plain.output
    assert run_cli("summary", workspace=seed_ws.path).exit_code != 0  # neither --date nor --series


def test_the_chart_draws_the_published_counts_over_our_curve(seed_ws: Workspace,
                                                            tmp_path: Path) -> None:
    out = tmp_path / "chart.svg"
    result = run_cli("chart", "--out", str(out), "--reference", str(write(tmp_path, LWJ)),
                     workspace=seed_ws.path)
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert "Taliban according to Long War" in text and ">223<" in text.replace(" ", "")
    bad = write(tmp_path, "date,state,count\n2021-05-01,taliban,lots\n")
    failed = run_cli("chart", "--out", str(out), "--reference", str(bad), workspace=seed_ws.path)
    assert failed.exit_code != 0 and "row 2: count 'lots'" in failed.output
    assert "Traceback" not in failed.output
