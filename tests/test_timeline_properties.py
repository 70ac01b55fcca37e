"""Properties of the timeline that must hold for any reports (hypothesis).

- The answer for a day D never depends on events dated after D.
- The order in which reports are ingested does not change the final
  timeline, and the incremental path (`recompute_documents` after each
  report) gives exactly what a full recompute gives.

The second property runs through the real store (documents, events, copy
clusters, cached intervals) of a small workspace with a few real districts;
events are stored directly, as the extractor would, so that hypothesis can
vary them freely. Both cover the inference rules: some events are about a
province or the whole country, some say the government collapsed, and one of
the districts is the national capital.
"""

from __future__ import annotations

import tempfile
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from frontlines.models import Document, Event, Evidence, Place
from frontlines.profile import load_profile, read_profile_text
from frontlines.store import Workspace, add_document, replace_events, upsert_places
from frontlines.timeline import DocumentInfo, Geography, Unit, compute_timeline, interval_on
from frontlines.timeline_store import load_intervals, recompute_all, recompute_documents

CAPITAL = "AF1901"  # Kunduz stands in for the national capital here
PROFILE = replace(load_profile("afghanistan-2021"), national_capital=CAPITAL)
START = PROFILE.start_date
DISTRICTS = {"AF1901": "Kunduz", "AF1905": "Imam Sahib", "AF0903": "Doshi"}
AREAS = {"AF19": "Kunduz province", "AF": "Afghanistan"}  # a province, and the country
UNITS = [Unit(pid, name, pid[:4]) for pid, name in DISTRICTS.items()]
GEOGRAPHY = Geography(salient=frozenset({CAPITAL}), countries=frozenset({"AF"}))
KINDS = ("capture", "recapture", "siege", "clash", "surrender", "withdrawal", "handover",
         "collapse")
CERTAINTIES = ("confirmed", "reported", "claimed", "unverified", "denied")
SIDES = ("government", "taliban", "unnamed", "independent")

event_specs = st.tuples(
    st.sampled_from(KINDS),
    st.sampled_from(("taliban", "government")),
    st.sampled_from(sorted(DISTRICTS) + sorted(AREAS)),
    st.integers(min_value=-3, max_value=40),  # days after the start
    st.sampled_from(CERTAINTIES),
    st.sampled_from(SIDES),
    st.booleans(),
)
# A report: its outlet and the events it gives.
report_specs = st.tuples(st.sampled_from(("a.example", "b.example", "c.example")),
                         st.lists(event_specs, min_size=1, max_size=4))


def make_event(spec: tuple[str, str, str, int, str, str, bool], doc: str, index: int) -> Event:
    kind, actor, unit, offset, certainty, side, negated = spec
    day = START + timedelta(days=offset)
    if kind == "collapse":
        unit = "AF"  # a collapse is about the country
    name = DISTRICTS.get(unit) or AREAS[unit]
    return Event(
        kind=kind, actor=actor, opponent="government" if actor == "taliban" else "taliban",
        place_id=unit, place_name=name, admin1=unit[:4] if unit != "AF" else None,
        admin2=unit if unit in DISTRICTS else None,
        date=day.isoformat(), certainty=certainty, source_side=side,
        negated=negated and kind == "capture",
        evidence=Evidence(doc, f"{kind} of {name} by {actor}", index * 10, index * 10 + 5),
        id=f"{doc}#{index + 1}",
    )


def load_profile_text(name: str) -> str:
    return read_profile_text(name)[0]


@settings(max_examples=150, deadline=None)
@given(st.lists(report_specs, max_size=6), st.lists(report_specs, min_size=1, max_size=4),
       st.integers(min_value=0, max_value=30))
def test_events_dated_after_a_day_never_change_the_answer_for_that_day(
        reports: list[tuple[str, list]], later: list[tuple[str, list]], offset: int) -> None:
    day = START + timedelta(days=offset)
    events = [make_event(spec, f"r{i}", j) for i, (_, specs) in enumerate(reports)
              for j, spec in enumerate(specs)]
    extra = [make_event((k, a, u, max(o, offset + 1), c, s, n), f"x{i}", j)
             for i, (_, specs) in enumerate(later) for j, (k, a, u, o, c, s, n) in
             enumerate(specs)]
    docs = {f"r{i}": DocumentInfo(f"r{i}", outlet) for i, (outlet, _) in enumerate(reports)}
    docs.update({f"x{i}": DocumentInfo(f"x{i}", outlet) for i, (outlet, _) in enumerate(later)})
    before = compute_timeline(UNITS, events, PROFILE, docs, geography=GEOGRAPHY)
    after = compute_timeline(UNITS, events + extra, PROFILE, docs, geography=GEOGRAPHY)
    for unit in DISTRICTS:
        one, two = interval_on(before[unit], day), interval_on(after[unit], day)
        assert one is not None and two is not None
        assert one.answer() == two.answer()
        assert one.reason == two.reason


def _workspace(root: Path) -> Workspace:
    profile = root / "profile-kunduz-capital.toml"
    profile.parent.mkdir(parents=True, exist_ok=True)
    text = load_profile_text("afghanistan-2021")
    profile.write_text(text.replace('national_capital = "AF0101"',
                                    f'national_capital = "{CAPITAL}"'), encoding="utf-8")
    ws = Workspace.init(root / "ws", str(profile))
    assert ws.profile.national_capital == CAPITAL
    with ws.begin() as conn:
        upsert_places(conn, [Place("AF19", "Kunduz", "admin1", admin1="AF19"),
                             Place("AF09", "Baghlan", "admin1", admin1="AF09")])
        upsert_places(conn, [Place(pid, name, "admin2", parent_id=pid[:4], admin1=pid[:4],
                                   admin2=pid) for pid, name in DISTRICTS.items()])
    return ws


WIRE = ("The Taliban said on Monday they had taken the district after two days of fighting "
        "with government forces who withdrew towards the provincial capital overnight")


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.lists(report_specs, min_size=1, max_size=6), st.randoms(use_true_random=False),
       st.lists(st.booleans(), min_size=6, max_size=6))
def test_ingest_order_does_not_change_the_timeline_and_incremental_equals_full(
        reports: list[tuple[str, list]], shuffle: object, wire_copy: list[bool]) -> None:
    stored = []
    for i, (outlet, specs) in enumerate(reports):
        # Some reports are copies of one wire story, to exercise the copy clusters.
        text = (WIRE + f" ({outlet})") if wire_copy[i] else f"Report {i}: " + " ".join(
            f"word{i}x{k}" for k in range(30))
        doc = Document(id=f"doc{i}", text=text, content_hash=f"hash{i}", outlet=outlet,
                       published=(START + timedelta(days=45)).isoformat())
        stored.append((doc, [make_event(spec, doc.id, j) for j, spec in enumerate(specs)]))
    orders = [list(stored), list(stored)]
    shuffle.shuffle(orders[1])  # type: ignore[attr-defined]
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for n, order in enumerate(orders):
            ws = _workspace(Path(tmp) / str(n))
            for doc, events in order:
                with ws.begin() as conn:
                    add_document(conn, doc)
                    replace_events(conn, doc.id, events)
                    recompute_documents(conn, ws.profile, [doc.id])
            with ws.connect() as conn:
                incremental = load_intervals(conn)
            with ws.begin() as conn:
                recompute_all(conn, ws.profile)
            with ws.connect() as conn:
                assert load_intervals(conn) == incremental
            results.append(incremental)
            ws.engine.dispose()
    assert results[0] == results[1]
    assert set(results[0]) == set(DISTRICTS)
    assert all(ivs[0].start == date.fromisoformat(START.isoformat()) for ivs in results[0].values())
