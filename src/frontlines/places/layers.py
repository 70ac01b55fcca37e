"""One layer per level: choosing which of several files to import for each admin level.

A folder a user brings often holds the same level more than once: Ukraine's
has the oblasts from OpenStreetMap and from geoBoundaries, each in full and
simplified, and two copies of its GeoNames settlements. Importing all of them
gives 54 oblasts, each town twice, and a map no one can read. So a batch
keeps one layer per level and says which, and why:

1. a layer the user named (`--layer FILE`) wins its level;
2. else the layer whose codes nest with the layers of the other levels (its
   P-codes are the `ADMn_PCODE` of the finer layers, or it names the coarser
   layers' codes): units that nest get their parents from the codes, and
   events tied to a hromada also land in its raion and oblast;
3. else the geometry the profile draws (`[levels] geometry`, or the
   command's `--simplified`): full by default, since simplified copies are
   meant for display and move borders by up to a hundred metres;
4. else the more detailed file (the bigger one, or the smaller when
   simplified geometry is wanted), then the first by name.

For settlement files the order is: named, with alternate names (old names
such as Artemivsk for Bakhmut are only found there), the GeoNames export
over a derived table, the bigger file, the first by name.

This module only decides; `places.workspace` imports what it kept. It reads
the code columns of each layer (no geometry), which costs a second or two for
a large GeoJSON.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .boundaries import LEVEL_NAMES, BoundaryFileError, BoundaryLayer, _column_map, _text
from .settlements import SettlementSource

# A layer nests with a finer one when at least this share of the finer layer's
# codes for its level are the layer's own ids (a few stray codes are typos).
NESTING_SHARE = 0.9
# File-name words that mark a copy simplified for display.
SIMPLIFIED_MARKERS: tuple[str, ...] = ("simplified", "simplify", "generalized", "generalised")


class LayerChoiceError(ValueError):
    """The layers asked for cannot be honoured (two named files of one level)."""


@dataclass(frozen=True)
class LayerCandidate:
    """One boundary layer of a batch, with what the choice looks at."""

    layer: BoundaryLayer
    ids: frozenset[str]
    # The codes of coarser levels the layer names (`ADM1_PCODE` of a raion layer).
    ancestor_codes: Mapping[int, frozenset[str]] = field(default_factory=dict)
    size: int = 0

    @property
    def path(self) -> Path:
        return self.layer.path

    @property
    def level(self) -> int:
        return self.layer.level

    @property
    def simplified(self) -> bool:
        """Marked as simplified in its file name (`..._simplified.zip`)."""
        stem = self.path.stem.lower()
        return any(marker in stem for marker in SIMPLIFIED_MARKERS)

    @property
    def label(self) -> str:
        return str(self.path)


def probe_layer(layer: BoundaryLayer) -> LayerCandidate:
    """Read a layer's codes (its ids and the coarser codes it names), no geometry."""
    import pyogrio
    import pyogrio.errors

    upper = _column_map(layer.columns)
    if layer.layout == "cod-ab":
        columns = {k: upper[f"ADM{k}_PCODE"] for k in range(0, layer.level + 1)
                   if f"ADM{k}_PCODE" in upper}
    else:
        columns = {layer.level: upper["SHAPEID"]}
    try:
        frame = pyogrio.read_dataframe(layer.uri, layer=layer.layer, columns=list(columns.values()),
                                       read_geometry=False)
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as exc:
        raise BoundaryFileError(f"{layer.path}: cannot read layer {layer.layer} ({exc})") from exc
    codes = {k: frozenset(v for v in (_text(x) for x in frame[c]) if v) for k, c in columns.items()}
    own = codes.pop(layer.level, frozenset())
    # A row repeating a coarser code as its own (Crimea's raions standing in
    # for hromadas) is no unit of this level (see `boundaries._cod_ab_units`).
    coarser = frozenset().union(*codes.values()) if codes else frozenset()
    size = layer.path.stat().st_size if layer.path.exists() else 0
    return LayerCandidate(layer, own - coarser, codes, size)


def nests(coarse: LayerCandidate, fine: LayerCandidate) -> bool:
    """Whether the finer layer's codes for the coarse level are the coarse layer's ids."""
    if fine.level <= coarse.level:
        return False
    named = fine.ancestor_codes.get(coarse.level, frozenset())
    return bool(named) and len(named & coarse.ids) >= NESTING_SHARE * len(named)


def nesting_levels(candidate: LayerCandidate, others: Iterable[LayerCandidate]) -> list[int]:
    """The other levels that have a layer nesting with this one."""
    found = set()
    for other in others:
        if other.level == candidate.level:
            continue
        coarse, fine = sorted((candidate, other), key=lambda c: c.level)
        if nests(coarse, fine):
            found.add(other.level)
    return sorted(found)


@dataclass(frozen=True)
class Skipped:
    """A file left out of a batch: the one kept for its level instead, and why."""

    path: Path
    level: str  # "admin1", ..., or "populated_place"
    kept: Path
    reason: str


@dataclass(frozen=True)
class LayerChoice:
    """What a batch imports: per file, the layers kept (by layer name); and what it skips."""

    boundaries: dict[Path, list[LayerCandidate]]
    settlements: SettlementSource | None
    skipped: list[Skipped]


def _level_label(level: int) -> str:
    return LEVEL_NAMES[level]


def choose_layers(candidates: Sequence[LayerCandidate],
                  settlement_sources: Sequence[SettlementSource] = (),
                  named: Iterable[Path] = (), simplified: bool = False) -> LayerChoice:
    """Keep one layer per level and one settlement file (see the module doc).

    `named` are the files the user chose (`--layer`); two of them carrying the
    same level raise `LayerChoiceError`. `simplified` prefers simplified copies.
    """
    chosen = {Path(p).resolve() for p in named}
    skipped: list[Skipped] = []
    by_level: dict[int, list[LayerCandidate]] = {}
    for candidate in candidates:
        by_level.setdefault(candidate.level, []).append(candidate)
    kept_layers: list[LayerCandidate] = []
    for level in sorted(by_level):
        group = by_level[level]
        named_here = [c for c in group if c.path.resolve() in chosen]
        if len({c.path for c in named_here}) > 1:
            raise LayerChoiceError(
                f"--layer names {len(named_here)} {_level_label(level)} layers "
                f"({', '.join(c.label for c in named_here)}); name one per level"
            )
        if len(named_here) > 1:
            raise LayerChoiceError(
                f"--layer {named_here[0].path} holds {len(named_here)} {_level_label(level)} layers; "
                "frontlines imports one per level"
            )
        if len(group) == 1:
            kept_layers.append(group[0])
            continue
        nesting = {id(c): nesting_levels(c, candidates) for c in group}

        def rank(c: LayerCandidate, nesting: dict[int, list[int]] = nesting) -> tuple[object, ...]:
            return (c.path.resolve() not in chosen, -len(nesting[id(c)]), c.simplified != simplified,
                    -c.size if not simplified else c.size, str(c.path), c.layer.layer)

        ordered = sorted(group, key=rank)
        best = ordered[0]
        kept_layers.append(best)
        for other in ordered[1:]:
            reason = _why_layer(best, other, nesting, chosen, simplified)
            skipped.append(Skipped(other.path, _level_label(level), best.path, reason))
    boundaries: dict[Path, list[LayerCandidate]] = {}
    for candidate in kept_layers:
        boundaries.setdefault(candidate.path, []).append(candidate)
    settlements, skipped_settlements = _choose_settlements(settlement_sources, chosen)
    return LayerChoice(boundaries, settlements, skipped + skipped_settlements)


def _why_layer(best: LayerCandidate, other: LayerCandidate, nesting: Mapping[int, list[int]],
               chosen: set[Path], simplified: bool) -> str:
    """The first criterion on which the kept layer beat the other, in words."""
    if best.path.resolve() in chosen:
        return "chosen with --layer"
    mine, theirs = nesting[id(best)], nesting[id(other)]
    if len(mine) != len(theirs):
        levels = " and ".join(_level_label(level) for level in mine)
        return (f"its codes nest with the {levels} layers"
                + (", those of the other do not" if not theirs else ""))
    if best.simplified != other.simplified:
        wanted = "simplified" if simplified else "full"
        how = ("--full, or the profile's [levels] geometry" if simplified
               else "--simplified, or [levels] geometry = \"simplified\" in the profile")
        return f"{wanted} geometry is preferred (choose with {how})"
    if best.size != other.size:
        return "the more detailed of two alike (bigger file)" if not simplified else \
            "the more simplified of two alike (smaller file)"
    return "the first by name of two alike"


def _choose_settlements(sources: Sequence[SettlementSource],
                        chosen: set[Path]) -> tuple[SettlementSource | None, list[Skipped]]:
    if not sources:
        return None, []
    named_here = [s for s in sources if s.path.resolve() in chosen]
    if len(named_here) > 1:
        raise LayerChoiceError(
            f"--layer names {len(named_here)} settlement files "
            f"({', '.join(s.label for s in named_here)}); name one"
        )

    def size(source: SettlementSource) -> int:
        return source.path.stat().st_size if source.path.exists() else 0

    def rank(source: SettlementSource) -> tuple[object, ...]:
        return (source.path.resolve() not in chosen, not source.has_alternate_names,
                source.layout != "geonames", -size(source), str(source.path))

    ordered = sorted(sources, key=rank)
    best = ordered[0]
    skipped = []
    for other in ordered[1:]:
        if best.path.resolve() in chosen:
            reason = "chosen with --layer"
        elif best.has_alternate_names != other.has_alternate_names:
            reason = "it has alternate names (old and other-language names), the other has none"
        elif best.layout != other.layout:
            reason = "GeoNames' own export is preferred to a table derived from it"
        elif size(best) != size(other):
            reason = "the bigger of two alike"
        else:
            reason = "the first by name of two alike"
        skipped.append(Skipped(other.path, "populated_place", best.path, reason))
    return best, skipped
