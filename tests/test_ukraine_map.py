"""Ukraine at the hromada, end to end: the ukraine-dev reports through the real
command line, the control states they must give, and the map with the front line."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from PIL import Image

from .conftest import Imported, copy_workspace, run_cli

KHERSON = "UA6510015"  # Khersonska hromada
IZIUM = "UA6304009"  # Iziumska hromada
CRIMEAN_RAION = "UA0102"  # Bakhchysaraiskyi: Crimea has raions and no hromadas


@pytest.fixture(scope="module")
def ukraine_reports(ukraine_folder: Imported, shared: Path,
                    tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Ukrainian boundaries and settlements with the ukraine-dev reports ingested."""
    ws = copy_workspace(ukraine_folder.workspace(), tmp_path_factory.mktemp("ukraine") / "ws")
    result = run_cli("ingest", str(shared / "eval/ukraine-dev/corpus.jsonl"), workspace=ws.path)
    assert result.exit_code == 0, result.output
    return ws.path


def control_on(path: Path, day: str) -> dict[str, dict[str, str]]:
    result = run_cli("control", "--date", day, "--format", "csv", workspace=path)
    assert result.exit_code == 0, result.output
    return {row["place_id"]: row for row in csv.DictReader(io.StringIO(result.output))}


@pytest.mark.slow
def test_kherson_and_izium_change_hands_when_the_reports_say(ukraine_reports: Path) -> None:
    states = {(unit, day): control_on(ukraine_reports, day)[unit]["state"]
              for unit, day in ((KHERSON, "2022-03-15"), (KHERSON, "2022-11-15"),
                                (IZIUM, "2022-04-15"), (IZIUM, "2022-09-20"))}
    assert states == {(KHERSON, "2022-03-15"): "russia", (KHERSON, "2022-11-15"): "ukraine",
                      (IZIUM, "2022-04-15"): "russia", (IZIUM, "2022-09-20"): "ukraine"}


@pytest.mark.slow
def test_the_hromada_map_covers_the_country_with_the_front_line(ukraine_reports: Path,
                                                                tmp_path: Path) -> None:
    rows = control_on(ukraine_reports, "2022-03-20")
    # Every hromada, and Crimea's raions standing in for the hromadas it has none of.
    assert len(rows) == 1472 + 10
    assert rows[CRIMEAN_RAION]["place_name"] == "Bakhchysaraiskyi" and KHERSON in rows
    summary = run_cli("summary", "--date", "2022-03-20", "--format", "json",
                      workspace=ukraine_reports)
    assert '"unit_word": "hromadas"' in summary.output
    out = tmp_path / "ukraine.png"
    result = run_cli("map", "--date", "2022-03-20", "--frontline", "--out", str(out),
                     workspace=ukraine_reports)
    assert result.exit_code == 0, result.output
    assert "front line russia/ukraine" in result.output
    with Image.open(out) as image:
        assert image.width >= 1600
    svg = tmp_path / "ukraine.svg"
    assert run_cli("map", "--date", "2022-03-20", "--frontline", "--out", str(svg),
                   workspace=ukraine_reports).exit_code == 0
    text = svg.read_text(encoding="utf-8")
    assert "1,472 hromadas and 10 raions without hromadas" in text
    assert "Front line: held by different" in text and "Russian forces:" in text
    oblasts = run_cli("summary", "--date", "2022-03-20", "--level", "1", "--format", "json",
                      workspace=ukraine_reports)
    assert '"unit_word": "oblasts"' in oblasts.output and '"units": 27' in oblasts.output
