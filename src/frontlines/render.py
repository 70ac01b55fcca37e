"""Static pictures: the control map for a day and the units-per-state chart.

People look at maps before they read tables, so both pictures must read at a
glance: one colour per actor (the profile's), a paler hatched variant when
only the winner says so (`claimed`), a paler variant hatched the other way
when a rule infers it (`inferred`), a very pale plain shade when no report
speaks of the unit at all (`baseline`: the map must not paint a premise like
evidence), amber cross-hatching for `contested` and grey dots for `unknown`;
a legend that counts units per state and status ("no report since 1 May
2021: 250 districts"); the date and the number of reports behind the map in
the title; and the provincial capitals that changed hands in the last week
labelled on the map.

The data behind the chart (`daily_state_counts`) is plain Python so the API
serves the same numbers to the web app without importing matplotlib.
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .export import control_frame, latest_event_day, reports_behind, unit_geometries
from .models import ADMIN_LEVELS
from .outputs.frontline import (
    CONTESTED_EDGE,
    FRONT,
    FrontLine,
    coverage_for,
    line_length_km,
)
from .outputs.frontline import frontline as front_line_of

if TYPE_CHECKING:
    from .reference import ReferencePoint
from .places.workspace import load_gazetteer
from .profile import Profile
from .store import Connection
from .timeline import (
    ASSESSED,
    BASELINE,
    CLAIMED,
    CONTESTED,
    INFERRED,
    STATUSES,
    UNKNOWN,
    TimelineError,
    profile_settings,
)
from .timeline_store import LEVEL_NAMES, check_level, load_intervals, unit_level, unit_word

CONTESTED_COLOR = "#f0a030"
UNKNOWN_COLOR = "#d5d8dc"
FALLBACK_COLORS = ("#c0392b", "#2e86c1", "#7d3c98", "#27ae60", "#d35400", "#16a085")
MIN_PNG_WIDTH = 1600
CHANGE_WINDOW_DAYS = 7
MAX_SERIES_DAYS = 3660
"""The longest run of days a chart or `/api/series` covers (about ten years): a series
is one number per day and state, so an open-ended range must not become millions."""


class RenderError(ValueError):
    """A picture that cannot be drawn as asked (bad date, level or output file)."""


# --- styles -------------------------------------------------------------------------


@dataclass(frozen=True)
class StateStyle:
    """How one (state, status) pair is drawn, and how the legend names it."""

    key: str  # "taliban", "taliban:claimed", "contested", "unknown"
    label: str
    face: str
    hatch: str | None
    edge: str
    order: int


def _lighter(color: str, amount: float = 0.55) -> str:
    """`color` mixed with white: the pale variant used for claimed control."""
    from matplotlib.colors import to_hex, to_rgb

    r, g, b = to_rgb(color)
    return to_hex((r + (1 - r) * amount, g + (1 - g) * amount, b + (1 - b) * amount))


def actor_colors(profile: Profile) -> dict[str, str]:
    """Each actor's colour: the profile's, or a fixed fallback palette in profile order."""
    colors: dict[str, str] = {}
    for index, actor in enumerate(profile.actors):
        colors[actor.id] = actor.color or FALLBACK_COLORS[index % len(FALLBACK_COLORS)]
    return colors


def state_style(profile: Profile, state: str, status: str) -> StateStyle:
    """The style of a unit in `state` with `status` (see the module docstring)."""
    if state == CONTESTED:
        return StateStyle(CONTESTED, "Contested", CONTESTED_COLOR, "xxx", "#9c5d00", 100)
    if state == UNKNOWN or state not in profile.actor_ids:
        return StateStyle(UNKNOWN, "Unknown", UNKNOWN_COLOR, "...", "#7f8c8d", 101)
    color = actor_colors(profile)[state]
    name = profile.actor(state).name
    # Order (legend, chart stack): challengers first, then the fighting, the government last,
    # so the stacked chart puts the front line between the challengers and the government;
    # within a side, the firmest status farthest from the front line.
    rank = STATUSES.index(status) if status in STATUSES else 0
    order = 300 - rank if state == profile.government else 10 * profile.actor_ids.index(state) + rank
    if status == CLAIMED:
        return StateStyle(f"{state}:{CLAIMED}", f"{name}, claimed only",
                          _lighter(color), "///", color, order)
    if status == INFERRED:
        return StateStyle(f"{state}:{INFERRED}", f"{name}, inferred (no report names it)",
                          _lighter(color, 0.4), "\\\\\\", color, order)
    if status == BASELINE:
        return StateStyle(f"{state}:{BASELINE}",
                          f"{name}, no report since {_format_day(profile.start_date)}",
                          _lighter(color, 0.78), None, _lighter(color, 0.5), order)
    return StateStyle(state, name, color, None, color, order)


def style_key(state: str, status: str) -> str:
    """The legend key of a unit: its state, split by status for actors only."""
    if state in (CONTESTED, UNKNOWN):
        return state
    return state if status in (ASSESSED, "") else f"{state}:{status}"


# --- the map -----------------------------------------------------------------------------


@dataclass(frozen=True)
class CapitalChange:
    """A provincial capital whose holder changed within the week before the map's day."""

    unit_id: str
    name: str
    day: date
    before: str
    after: str
    lat: float
    lon: float


@dataclass
class MapSummary:
    """What a map shows, for the command to print and tests to check."""

    path: Path
    day: date
    level: int
    units: int
    counts: dict[str, int]
    reports: int
    events: int
    capital_changes: list[CapitalChange] = field(default_factory=list)
    seconds: float = 0.0
    width_px: int = 0
    frontline: FrontLine | None = None  # drawn when asked for (`render_map(frontline=True)`)


def capital_changes(conn: Connection, profile: Profile, day: date,
                    window_days: int = CHANGE_WINDOW_DAYS) -> list[CapitalChange]:
    """Provincial capitals that changed hands in the `window_days` days up to `day`.

    "Changed hands" means the holder underneath changed (a unit that is only
    contested has not changed hands), judged on the finest-level intervals of
    each province's capital unit.
    """
    capitals = load_gazetteer(conn, profile).capitals
    finest = unit_level(conn)
    if not capitals or finest < 2:
        return []
    first = day - timedelta(days=window_days - 1)
    intervals = load_intervals(conn, sorted(set(capitals.values())), until=day)
    units = unit_geometries(conn, finest)
    found: list[CapitalChange] = []
    for unit_id, ivs in sorted(intervals.items()):
        for prev, cur in zip(ivs, ivs[1:], strict=False):
            if first <= cur.start <= day and cur.holder != prev.holder and unit_id in units.index:
                row = units.loc[unit_id]
                point = row.geometry.representative_point() if row.geometry is not None else None
                lat = float(point.y) if point is not None else float(row.lat or 0)
                lon = float(point.x) if point is not None else float(row.lon or 0)
                found.append(CapitalChange(unit_id, str(row.place_name), cur.start, prev.holder,
                                           cur.holder, lat, lon))
    # A capital that changed twice in the week is labelled once, with its last change.
    latest: dict[str, CapitalChange] = {}
    for change in sorted(found, key=lambda c: c.day):
        latest[change.unit_id] = change
    return sorted(latest.values(), key=lambda c: (c.day, c.name))


def _wrapped(label: str, width: int = 34) -> str:
    """A legend label on lines short enough for the legend's column."""
    import textwrap

    return "\n".join(textwrap.wrap(label, width)) or label


def _format_day(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _check_output(out: Path, allowed: Sequence[str]) -> str:
    suffix = out.suffix.lower().lstrip(".")
    if suffix not in allowed:
        raise RenderError(f"{out}: the output must end in " + " or ".join(f".{a}" for a in allowed))
    out.parent.mkdir(parents=True, exist_ok=True)
    return suffix


def render_map(conn: Connection, profile: Profile, day: date, out: Path,
               level: int | None = None, frontline: bool = False) -> MapSummary:
    """Draw the control map of `day` to a PNG or SVG file (with `frontline`, the line
    where units held by different sides meet, in bold, as ISW draws it).

    Units are drawn from their simplified coverage (`outputs.frontline.coverage_for`,
    cached beside the database): a country's 1,500 hromadas carry over a million
    vertices in full, four times what a 1,600-pixel map can show. Call
    `timeline_store.ensure_timeline` first if the store may have changed.
    """
    import geopandas as gpd
    import shapely

    started = time.perf_counter()
    fmt = _check_output(out, ("png", "svg"))
    try:
        chosen = check_level(conn, level, profile)
        frame = control_frame(conn, profile, day, chosen)
    except ValueError as exc:
        raise RenderError(str(exc)) from exc
    shapes = coverage_for(conn, chosen).geometry_of()
    frame = frame.set_geometry(
        gpd.GeoSeries([shapes.get(pid) for pid in frame["place_id"]], index=frame.index,
                      crs=frame.crs))
    line = front_line_of(conn, profile, day, chosen) if frontline else None
    reports, n_events = reports_behind(conn, day)
    changes = capital_changes(conn, profile, day)

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib import patheffects
    from matplotlib.patches import Patch

    styles = {key: state_style(profile, *key) for key in
              {(s or UNKNOWN, st or "") for s, st in zip(frame["state"], frame["status"],
                                                        strict=True)}}
    frame["style"] = [style_key(s or UNKNOWN, st or "") for s, st in
                      zip(frame["state"], frame["status"], strict=True)]
    by_key = {style.key: style for style in styles.values()}
    counts = {key: int(n) for key, n in frame["style"].value_counts().items()}

    fig = plt.figure(figsize=(16, 10), dpi=120, facecolor="white")
    ax = fig.add_axes((0.01, 0.04, 0.71, 0.80))
    ax.set_axis_off()
    for key, part in frame.groupby("style"):
        style = by_key[str(key)]
        part.plot(ax=ax, color=style.face, edgecolor="white", linewidth=0.35)
        if style.hatch:
            # Hatching in the style's dark edge colour, drawn without fill above the face.
            part.plot(ax=ax, facecolor="none", edgecolor=style.edge, hatch=style.hatch,
                      linewidth=0)
    provinces = coverage_for(conn, 1).geometries if chosen > 1 else frame.geometry.values
    gpd.GeoSeries(provinces).boundary.plot(ax=ax, color="#1c2833", linewidth=0.9)
    outline = shapely.union_all(coverage_for(conn, 1).geometries, grid_size=1e-5)
    ax.plot(*_outline_xy(outline), color="#17202a", linewidth=1.6)
    line_handles = _draw_front_line(ax, line) if line is not None else []

    colors = actor_colors(profile)
    for change in changes:
        ax.plot(change.lon, change.lat, marker="o", markersize=8,
                color=colors.get(change.after, "#333"), markeredgecolor="#111",
                markeredgewidth=1.3, zorder=5)
    unlabelled = _place_labels(
        fig, ax, [(change.lon, change.lat, f"{change.name}\n→ {_state_name(profile, change.after)}, "
                   f"{change.day.day} {change.day:%b}") for change in changes],
        patheffects.withStroke(linewidth=3.2, foreground="white"))

    title = profile.title or profile.country_name
    fig.text(0.02, 0.955, title, fontsize=22, fontweight="bold", color="#17202a", va="top")
    fig.text(0.02, 0.905, f"Who controls what on {_format_day(day)}"
             f" — {_units_told(profile, chosen, frame['unit_level'])}", fontsize=16,
             color="#283747", va="top")
    fig.text(0.02, 0.87, f"Based on {reports} report{'s' if reports != 1 else ''} "
             f"({n_events} events dated on or before this day)", fontsize=12,
             color="#566573", va="top")

    handles = []
    for style in sorted(by_key.values(), key=lambda s: s.order):
        n = counts.get(style.key, 0)
        handles.append(Patch(facecolor=style.face, edgecolor=style.edge, hatch=style.hatch,
                             label=_wrapped(f"{style.label}: {n} "
                                            f"{unit_word(profile, chosen, plural=n != 1)}")))
    handles.extend(line_handles)
    legend = fig.legend(handles=handles, loc="upper left", bbox_to_anchor=(0.73, 0.80),
                        fontsize=13, title="Control", title_fontsize=14, frameon=False,
                        handlelength=2.6, handleheight=1.6, labelspacing=0.9, alignment="left")
    notes = [
        "Hatched pale colour: claimed only by the side",
        "that gained it, or unverified.",
        "Hatched the other way: inferred; no report names",
        "the unit, its province or the national collapse does.",
        "Palest plain shade: no report since the start",
        "(the profile's start state or a baseline file).",
        f"Contested: fighting reported in the last {profile_settings(profile).contested_days} "
        "days.",
    ]
    if changes:
        notes += ["", "Labelled: provincial capitals that changed",
                  f"hands in the {CHANGE_WINDOW_DAYS} days up to this date."]
        if unlabelled:
            notes += ["No room for the label of: " + ", ".join(
                f"{changes[i].name} ({changes[i].day.day} {changes[i].day:%b})"
                for i in unlabelled) + "."]
    else:
        notes += ["", "No provincial capital changed hands",
                  f"in the {CHANGE_WINDOW_DAYS} days up to this date."]
    box = legend.get_window_extent().transformed(
        fig.transFigure.inverted())
    fig.text(0.735, box.y0 - 0.03, "\n".join(notes), fontsize=11, color="#566573", va="top",
             linespacing=1.5)
    fig.text(0.02, 0.015, f"frontlines · boundaries: {_boundary_source(conn)} · every unit "
             "traces back to report sentences (frontlines explain)", fontsize=9, color="#808b96")

    _save(fig, out, fmt)
    width = int(fig.get_size_inches()[0] * 120)
    plt.close(fig)
    return MapSummary(out, day, chosen, len(frame), counts, reports, n_events, changes,
                      time.perf_counter() - started, width, line)


def _units_told(profile: Profile, level: int, unit_levels: Iterable[str]) -> str:
    """"1,472 hromadas and 10 raions without hromadas": the units of a map, with the
    coarser units standing in where the boundaries have no finer ones."""
    counts = Counter(unit_levels)
    own = counts.pop(LEVEL_NAMES[level], 0)
    text = f"{own:,} {unit_word(profile, level, plural=own != 1)}"
    for name, n in sorted(counts.items()):
        coarser = ADMIN_LEVELS[name]
        text += (f" and {n:,} {unit_word(profile, coarser, plural=n != 1)} "
                 f"without {unit_word(profile, level)}")
    return text


def _draw_front_line(ax: Any, line: FrontLine) -> list[Any]:
    """The front line in bold black over a white casing (it must read over every fill),
    the edges of contested units dashed; the legend's handles for what was drawn."""
    from matplotlib import patheffects
    from matplotlib.lines import Line2D

    casing = [patheffects.Stroke(linewidth=4.2, foreground="white"), patheffects.Normal()]
    handles = []
    drawn: tuple[tuple[str, Any, str], ...] = (
        (CONTESTED_EDGE, (0, (3, 2)), "Edge of a contested area"),
        (FRONT, "-", "Front line: held by different sides"))
    for kind, style, label in drawn:
        geometry = line.geometry([kind])
        if geometry.is_empty:
            continue
        xs, ys = _line_xy(geometry)
        width = 2.2 if kind == FRONT else 1.6
        ax.plot(xs, ys, color="#111111", linewidth=width, linestyle=style,
                solid_capstyle="round", path_effects=casing, zorder=4)
        handles.append(Line2D([0], [0], color="#111111", linewidth=width, linestyle=style,
                              label=_wrapped(f"{label} ({line_length_km(geometry):,.0f} km)")))
    return handles


def _line_xy(geometry: Any) -> tuple[list[float], list[float]]:
    """x and y of every line of a (multi)line, NaN-separated, for one `plot` call."""
    import shapely

    xs: list[float] = []
    ys: list[float] = []
    for part in shapely.get_parts(geometry):
        x, y = part.xy
        xs.extend([*x, float("nan")])
        ys.extend([*y, float("nan")])
    return xs, ys


def _place_labels(fig: Any, ax: Any, items: Sequence[tuple[float, float, str]],
                  halo: Any) -> list[int]:
    """Label points without letting a label cover another label or a point.

    Greedy, northernmost point first: each label takes the first of eight
    positions around its point whose box is free, then the first of eight
    further out (with a leader line). A label with no free position is not
    drawn; the indexes of those are returned, for the caller to name them
    elsewhere. Enough for the handful of capitals a week can change.
    """
    from matplotlib.text import Text
    from matplotlib.transforms import Bbox

    near = [(7, 5, "left", "bottom"), (7, -5, "left", "top"), (-7, 5, "right", "bottom"),
            (-7, -5, "right", "top"), (9, 0, "left", "center"), (-9, 0, "right", "center"),
            (0, 9, "center", "bottom"), (0, -9, "center", "top")]
    far = [(3 * dx, 3 * dy, ha, va) for dx, dy, ha, va in near]
    renderer = fig.canvas.get_renderer()
    # The points themselves (the capitals' markers) are in the way too.
    placed: list[Any] = []
    for x, y, _ in items:
        px, py = ax.transData.transform((x, y))
        placed.append(Bbox.from_extents(px - 8, py - 8, px + 8, py + 8))
    dropped = []
    for index in sorted(range(len(items)), key=lambda i: -items[i][1]):
        x, y, text = items[index]
        for dx, dy, ha, va in near + far:
            leader = {"arrowstyle": "-", "color": "#333", "linewidth": 0.8, "shrinkA": 0,
                      "shrinkB": 5} if (dx, dy, ha, va) in far else None
            label = ax.annotate(text, (x, y), xytext=(dx, dy), textcoords="offset points",
                                ha=ha, va=va, fontsize=10, fontweight="bold", color="#111",
                                path_effects=[halo], zorder=6, linespacing=1.1,
                                arrowprops=leader)
            label.update_positions(renderer)
            # The text's own box: an annotation's box would include its leader line.
            box = Text.get_window_extent(label, renderer).expanded(1.04, 1.08)
            if not any(box.overlaps(other) for other in placed):
                placed.append(box)
                break
            label.remove()
        else:
            dropped.append(index)
    return sorted(dropped)


def _save(fig: Any, out: Path, fmt: str) -> None:
    """Write the figure; SVG keeps its text as text (searchable, editable in Inkscape)."""
    import matplotlib

    with matplotlib.rc_context({"svg.fonttype": "none"}):
        fig.savefig(out, format=fmt, dpi=120, facecolor="white")


def _outline_xy(geometry: Any) -> tuple[list[float], list[float]]:
    """x and y of every exterior ring (NaN-separated) of a polygon or multipolygon."""
    xs: list[float] = []
    ys: list[float] = []
    polygons = getattr(geometry, "geoms", [geometry])
    for polygon in polygons:
        exterior = getattr(polygon, "exterior", None)
        if exterior is None:
            continue
        x, y = exterior.xy
        xs.extend([*x, float("nan")])
        ys.extend([*y, float("nan")])
    return xs, ys


def _state_name(profile: Profile, state: str) -> str:
    try:
        return profile.actor(state).name
    except KeyError:
        return state


def _boundary_source(conn: Connection) -> str:
    from .store.queries import boundary_source

    text = boundary_source(conn) or "unknown"
    return text.split(":", 1)[-1]


# --- the chart ------------------------------------------------------------------------------


@dataclass
class DailyCounts:
    """Units per (state, status) per day: the data behind the chart."""

    days: list[date]
    series: dict[str, list[int]]  # style key → count per day
    labels: dict[str, str]
    colors: dict[str, str]
    level: int
    units: int
    unit_word: str = "units"  # the profile's plural word for the level's units

    def as_json(self) -> dict[str, Any]:
        return {
            "days": [d.isoformat() for d in self.days], "level": self.level,
            "units": self.units, "unit_word": self.unit_word,
            "series": [{"key": k, "label": self.labels[k], "color": self.colors[k],
                        "counts": v} for k, v in self.series.items()],
        }


def daily_state_counts(conn: Connection, profile: Profile, since: date | None = None,
                       until: date | None = None, level: int | None = None,
                       max_days: int = MAX_SERIES_DAYS) -> DailyCounts:
    """How many units each state (split by status) held on each day from `since` to `until`.

    Defaults: to the latest event, from the profile's start (or `max_days`
    before the end, if that is later). A range of more than `max_days` days
    is a RenderError. One pass over the cached intervals: each interval adds
    one to its key over the days it covers.
    """
    last = until or latest_event_day(conn, profile)
    first = since or max(profile.start_date, last - timedelta(days=max_days - 1))
    if first < profile.start_date:
        raise RenderError(f"{first.isoformat()} is before the timeline starts "
                          f"({profile.start_date.isoformat()})")
    if last < first:
        raise RenderError("until comes before since")
    if (last - first).days >= max_days:
        raise RenderError(f"{first.isoformat()} to {last.isoformat()} is "
                          f"{(last - first).days + 1} days: at most {max_days} at once")
    chosen = check_level(conn, level, profile)
    n_days = (last - first).days + 1
    days = [first + timedelta(days=i) for i in range(n_days)]
    if chosen == unit_level(conn):
        intervals = load_intervals(conn, until=last)
    else:
        from .timeline_store import aggregated_intervals

        intervals = aggregated_intervals(conn, unit_level(conn), chosen, until=last)
    deltas: dict[str, list[int]] = defaultdict(lambda: [0] * (n_days + 1))
    for ivs in intervals.values():
        for iv in ivs:
            start = max(iv.start, first)
            end = min(iv.end or last, last)
            if end < start:
                continue
            key = style_key(iv.state, iv.status)
            deltas[key][(start - first).days] += 1
            deltas[key][(end - first).days + 1] -= 1
    styles = {}
    for key in deltas:
        state, _, status = key.partition(":")
        styles[key] = state_style(profile, state, status)
    series: dict[str, list[int]] = {}
    for key in sorted(deltas, key=lambda k: styles[k].order):
        running = 0
        values = []
        for delta in deltas[key][:n_days]:
            running += delta
            values.append(running)
        if any(values):
            series[key] = values
    return DailyCounts(days, series, {k: styles[k].label for k in series},
                       {k: styles[k].face for k in series}, chosen, len(intervals),
                       unit_word(profile, chosen))


@dataclass
class ChartSummary:
    path: Path
    since: date
    until: date
    final: dict[str, int]
    seconds: float


def render_chart(conn: Connection, profile: Profile, out: Path, since: date | None = None,
                 until: date | None = None, level: int | None = None,
                 reference: Sequence[ReferencePoint] = ()) -> ChartSummary:
    """Draw units per state per day (stacked) to a PNG or SVG file.

    `reference`: published counts (`reference.read_reference`) drawn over the
    curve as dots joined by a dashed line, each at the height where its
    state's band would end if we counted what they count.
    """
    started = time.perf_counter()
    fmt = _check_output(out, ("png", "svg"))
    if until is None and reference:  # the curve reaches the last published count
        until = max(latest_event_day(conn, profile), max(p.day for p in reference))
    try:
        data = daily_state_counts(conn, profile, since, until, level)
    except (TimelineError, ValueError) as exc:
        raise RenderError(str(exc)) from exc

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(16, 8), dpi=120, facecolor="white")
    fig.subplots_adjust(left=0.06, right=0.74, top=0.86, bottom=0.09)
    keys = list(data.series)
    hatches = [state_style(profile, *_split_key(k)).hatch for k in keys]
    x = mdates.date2num(data.days)
    stacks = ax.stackplot(x, *[data.series[k] for k in keys],
                          colors=[data.colors[k] for k in keys], linewidth=0.4,
                          edgecolor="white")
    for poly, hatch, key in zip(stacks, hatches, keys, strict=True):
        if hatch:
            poly.set_hatch(hatch)
            poly.set_edgecolor(state_style(profile, *_split_key(key)).edge)
    ax.set_xlim(float(x[0]), float(x[-1]))
    ax.set_ylim(0, data.units)
    ax.set_ylabel(data.unit_word.capitalize(), fontsize=13)
    ax.xaxis.set_major_locator(mdates.MonthLocator())
    ax.xaxis.set_minor_locator(mdates.WeekdayLocator(byweekday=mdates.MO))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%-d %b %Y"))
    ax.tick_params(labelsize=12)
    ax.grid(axis="y", color="white", alpha=0.6, linewidth=0.8)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)

    final = {k: v[-1] for k, v in data.series.items()}
    handles = [plt.Rectangle((0, 0), 1, 1, facecolor=data.colors[k],
                             hatch=state_style(profile, *_split_key(k)).hatch,
                             edgecolor=state_style(profile, *_split_key(k)).edge)
               for k in reversed(keys)]
    labels = [_wrapped(f"{data.labels[k]}: {final[k]}") for k in reversed(keys)]
    for handle, label in _draw_reference(ax, data, reference, profile):
        handles.append(handle)
        labels.append(label)
    fig.legend(handles, labels, loc="upper left", bbox_to_anchor=(0.755, 0.87), fontsize=12,
               frameon=False, title=f"On {_format_day(data.days[-1])}", title_fontsize=13,
               handleheight=1.5, labelspacing=0.9)
    title = profile.title or profile.country_name
    fig.text(0.06, 0.95, title, fontsize=20, fontweight="bold", color="#17202a", va="top")
    fig.text(0.06, 0.905, f"{data.unit_word.capitalize()} held by each side, day by day"
             f" ({_format_day(data.days[0])} – {_format_day(data.days[-1])})", fontsize=14,
             color="#283747", va="top")
    _save(fig, out, fmt)
    plt.close(fig)
    return ChartSummary(out, data.days[0], data.days[-1], final, time.perf_counter() - started)


def _draw_reference(ax: Any, data: DailyCounts, points: Sequence[ReferencePoint],
                    profile: Profile) -> list[tuple[Any, str]]:
    """Published counts over the stacked curve; (legend handle, label) for each state."""
    import matplotlib.dates as mdates
    from matplotlib.lines import Line2D

    index = {day: i for i, day in enumerate(data.days)}
    keys = list(data.series)
    drawn = []
    for state in dict.fromkeys(p.state for p in points):
        mine = sorted((p for p in points if p.state == state and p.day in index),
                      key=lambda p: p.day)
        if not mine:
            continue
        # The bands stacked below this state's: its count starts where they end.
        order = state_style(profile, state, ASSESSED).order
        below = [k for k in keys if state_style(profile, *_split_key(k)).order < order
                 and _split_key(k)[0] != state]
        xs = [mdates.date2num(p.day) for p in mine]
        ys = [sum(data.series[k][index[p.day]] for k in below) + p.count for p in mine]
        color = actor_colors(profile).get(state, "#333333")
        ax.plot(xs, ys, linestyle="--", linewidth=1.6, color="#17202a", zorder=4)
        ax.plot(xs, ys, linestyle="none", marker="o", markersize=9, markerfacecolor=color,
                markeredgecolor="#17202a", markeredgewidth=1.5, zorder=5)
        for x, y, point in zip(xs, ys, mine, strict=True):
            ax.annotate(str(point.count), (x, y), xytext=(0, 8), textcoords="offset points",
                        ha="center", fontsize=11, fontweight="bold", color="#17202a", zorder=6)
        sources = ", ".join(dict.fromkeys(p.source for p in mine if p.source)) or "reference"
        handle = Line2D([0], [0], linestyle="--", color="#17202a", marker="o",
                        markerfacecolor=color, markeredgecolor="#17202a")
        drawn.append((handle, _wrapped(f"{_state_name(profile, state)} according to "
                                       f"{sources}")))
    return drawn


def _split_key(key: str) -> tuple[str, str]:
    state, _, status = key.partition(":")
    return state, status

