"""The static map and chart: sizes, the data behind them, and the command line."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from PIL import Image

from frontlines.profile import load_profile
from frontlines.render import (
    MAX_SERIES_DAYS,
    MIN_PNG_WIDTH,
    RenderError,
    _place_labels,
    capital_changes,
    daily_state_counts,
    render_map,
    state_style,
)
from frontlines.store import Workspace

from .conftest import run_cli
from .test_api import ZARANJ, build_report_workspace

PROFILE = load_profile("afghanistan-2021")
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"


@pytest.fixture(scope="module")
def reports_workspace(afghan_workspace: Workspace,
                      tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    return build_report_workspace(afghan_workspace, tmp_path_factory.mktemp("render") / "ws")


def test_each_state_and_status_has_its_own_style() -> None:
    taliban = state_style(PROFILE, "taliban", "assessed")
    claimed = state_style(PROFILE, "taliban", "claimed")
    government = state_style(PROFILE, "government", "assessed")
    contested = state_style(PROFILE, "contested", "assessed")
    unknown = state_style(PROFILE, "unknown", "assessed")
    assert taliban.face == PROFILE.actor("taliban").color and taliban.hatch is None
    assert claimed.face != taliban.face and claimed.hatch and claimed.edge == taliban.face
    assert government.face == PROFILE.actor("government").color
    inferred = state_style(PROFILE, "taliban", "inferred")
    baseline = state_style(PROFILE, "government", "baseline")
    assert inferred.hatch and inferred.hatch != claimed.hatch and baseline.hatch is None
    assert baseline.label == "Afghan government, no report since 1 May 2021"
    faces = {s.face for s in (taliban, claimed, government, contested, unknown, inferred,
                              baseline)}
    assert len(faces) == 7 and contested.hatch != unknown.hatch
    # Challengers first, the government last: the stacked chart's order, the firmest
    # status of each side farthest from the front line.
    assert taliban.order < claimed.order < inferred.order < contested.order < unknown.order \
        < baseline.order < government.order


def test_capitals_that_changed_hands_in_the_last_week(reports_workspace: Workspace) -> None:
    with reports_workspace.connect() as conn:
        on_the_day = capital_changes(conn, PROFILE, date(2021, 8, 6))
        a_week_on = capital_changes(conn, PROFILE, date(2021, 8, 12))
        too_late = capital_changes(conn, PROFILE, date(2021, 8, 13))
        before = capital_changes(conn, PROFILE, date(2021, 8, 5))
    assert [(c.unit_id, c.before, c.after, c.day) for c in on_the_day] == [
        (ZARANJ, "government", "taliban", date(2021, 8, 6))]
    assert [c.unit_id for c in a_week_on] == [ZARANJ]
    assert too_late == [] and before == []
    # Imam Sahib changed hands too, but it is not a provincial capital.
    with reports_workspace.connect() as conn:
        assert capital_changes(conn, PROFILE, date(2021, 6, 22)) == []


def test_the_png_map_is_wide_counts_units_and_reports(reports_workspace: Workspace) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    out = ARTIFACTS / "map-2021-08-07.png"
    with reports_workspace.connect() as conn:
        drawn = render_map(conn, PROFILE, date(2021, 8, 7), out)
    with Image.open(out) as image:
        assert image.width >= MIN_PNG_WIDTH == 1600 and image.height > 900
        colors = {c for _, c in image.convert("RGB").getcolors(maxcolors=1 << 20) or []}
    assert drawn.units == 399 and sum(drawn.counts.values()) == 399

    def held_by(actor: str) -> int:
        return sum(n for key, n in drawn.counts.items() if key.split(":")[0] == actor)

    assert held_by("taliban") >= 3 and held_by("government") > 350
    # The districts no report names are drawn as such, not as the government's evidence.
    assert drawn.counts["government:baseline"] > 350
    # One report alone makes a provincial capital's fall a claim.
    assert drawn.counts["taliban:claimed"] >= 1
    assert drawn.reports == len({"own-imam-sahib", "own-hostile", "own-doshi",
                                 "own-khan-abad-siege", "own-yamgan", "own-zaranj"})
    assert [c.name for c in drawn.capital_changes] == ["Zaranj"]
    # The actors' own colours are on the map: the Taliban's in full where reports put them,
    # the government's only in the pale shade of the districts no report names.
    pale = state_style(PROFILE, "government", "baseline").face
    assert (0xC0, 0x39, 0x2B) in colors and (0x2E, 0x86, 0xC1) not in colors
    assert tuple(int(pale[i:i + 2], 16) for i in (1, 3, 5)) in colors


def test_the_svg_map_keeps_its_text(reports_workspace: Workspace, tmp_path: Path) -> None:
    out = tmp_path / "map.svg"
    result = run_cli("map", "--date", "2021-08-07", "--out", str(out), "--level", "1",
                     workspace=reports_workspace.path)
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert text.lstrip().startswith("<?xml") and "<svg" in text
    assert "7 August 2021" in text and "34 provinces" in text
    assert "Labelled: provincial capitals that changed" in text  # Zaranj, drawn with a halo
    assert "Based on 6 reports" in text


def test_units_per_state_per_day(reports_workspace: Workspace) -> None:
    with reports_workspace.connect() as conn:
        data = daily_state_counts(conn, PROFILE)
        june = daily_state_counts(conn, PROFILE, date(2021, 6, 20), date(2021, 6, 22))
        provinces = daily_state_counts(conn, PROFILE, level=1)
    assert data.days[0] == PROFILE.start_date and data.days[-1] == date(2021, 8, 6)
    assert all(sum(s[i] for s in data.series.values()) == 399 for i in range(len(data.days)))
    assert june.days == [date(2021, 6, 20), date(2021, 6, 21), date(2021, 6, 22)]
    assert june.series["taliban"][0] < june.series["taliban"][1]
    assert june.series["contested"] == [1, 1, 1]  # Khan Abad under siege
    assert all(sum(s[i] for s in provinces.series.values()) == 34
               for i in range(len(provinces.days)))
    with reports_workspace.connect() as conn, pytest.raises(RenderError, match="before"):
        daily_state_counts(conn, PROFILE, date(2021, 7, 1), date(2021, 6, 1))


def test_a_series_is_at_most_about_ten_years(reports_workspace: Workspace) -> None:
    with reports_workspace.connect() as conn:
        with pytest.raises(RenderError, match=f"at most {MAX_SERIES_DAYS}"):
            daily_state_counts(conn, PROFILE, PROFILE.start_date, date(9999, 12, 31))
        # Without `since`, the last days only.
        far = daily_state_counts(conn, PROFILE, until=date(9999, 12, 31))
        short = daily_state_counts(conn, PROFILE, until=date(2021, 8, 6), max_days=10)
    assert len(far.days) == MAX_SERIES_DAYS and far.days[-1] == date(9999, 12, 31)
    assert short.days[0] == date(2021, 7, 28) and short.days[-1] == date(2021, 8, 6)


def test_the_map_legend_says_how_long_fighting_keeps_a_unit_contested(
        reports_workspace: Workspace, tmp_path: Path) -> None:
    profile = replace(PROFILE, timeline={"contested_days": 5})
    out = tmp_path / "map.svg"
    with reports_workspace.connect() as conn:
        render_map(conn, profile, date(2021, 8, 7), out)
    text = out.read_text(encoding="utf-8")
    assert "fighting reported in the last 5 days" in text and "14 days" not in text


def test_map_labels_never_cover_each_other(tmp_path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib import patheffects
    from matplotlib.text import Text

    fig = plt.figure(figsize=(8, 5), dpi=120)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(60, 75)
    ax.set_ylim(29, 39)
    # A crowded corner (like Kunduz, Taloqan, Aybak and Pul-e-Khumri in August 2021) and
    # one capital on its own.
    crowd = [(68.0 + 0.15 * (i % 4), 36.0 + 0.1 * (i // 4), f"Capital {i}\n→ Taliban, 8 Aug")
             for i in range(12)]
    alone = [(62.0, 31.0, "Zaranj\n→ Taliban, 6 Aug")]
    dropped = _place_labels(fig, ax, crowd + alone,
                            patheffects.withStroke(linewidth=3, foreground="white"))
    renderer = fig.canvas.get_renderer()
    boxes = [Text.get_window_extent(t, renderer) for t in ax.texts]
    assert len(ax.texts) + len(dropped) == 13 and 0 < len(dropped) < 12
    assert 12 not in dropped  # the lone capital always has room
    assert not any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1:])
    fig.savefig(tmp_path / "labels.png")
    plt.close(fig)


def test_chart_command(reports_workspace: Workspace) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    out = ARTIFACTS / "chart.png"
    result = run_cli("chart", "--out", str(out), workspace=reports_workspace.path)
    assert result.exit_code == 0, result.output
    assert "2021-05-01 … 2021-08-06" in result.output
    with Image.open(out) as image:
        assert image.width >= 1600


@pytest.mark.parametrize("args, message", [
    (("map", "--date", "2021-06-22", "--out", "map.gif"), ".png or .svg"),
    (("map", "--date", "2021-22-06", "--out", "map.png"), "not a date"),
    (("map", "--date", "2021-04-01", "--out", "map.png"), "before the timeline starts"),
    (("map", "--date", "2021-06-22", "--level", "3", "--out", "map.png"), "level 3: this"),
    (("chart", "--since", "2021-07-01", "--until", "2021-06-01", "--out", "c.png"), "before"),
])
def test_bad_render_arguments_are_one_line_errors(reports_workspace: Workspace, tmp_path: Path,
                                                  args: tuple[str, ...], message: str) -> None:
    fixed = [str(tmp_path / a) if a.endswith((".png", ".gif")) else a for a in args]
    result = run_cli(*fixed, workspace=reports_workspace.path)
    assert result.exit_code != 0 and message in result.output, result.output
    assert "Traceback" not in result.output
