"""`frontlines explain` as text: a unit's history, the reports behind it, and why.

Presentation only. `timeline_store.explain` gathers an `Explanation` (the
unit's intervals, the events and documents behind them, the analyst's
decisions); this module turns it into lines a person reads in a terminal.
"""

from __future__ import annotations

from .profile import Profile
from .timeline import CONTESTED, BaselineEntry, interval_on
from .timeline_store import EventDetail, Explanation


def render_explanation(explanation: Explanation, profile: Profile) -> list[str]:
    """The explanation as lines of plain text for a person."""
    place = explanation.place
    lines = [f"{place.name} ({place.id}), {place.level}"
             + (f" in {place.admin1}" if place.admin1 and place.admin1 != place.id else "")]
    if explanation.note:
        lines.append(explanation.note)
    if explanation.members:
        lines.append(f"Aggregated from {len(explanation.members)} units: the state held by a "
                     "majority of them, 'contested' when none has one.")
    ivs = explanation.intervals
    seen_in_state: set[str] = set()
    if explanation.day is not None:
        current = interval_on(ivs, explanation.day)
        if current is not None:
            lines.append(f"On {explanation.day.isoformat()}: {current.state} ({current.status}, "
                         f"confidence {current.confidence:.2f}) since {current.since.isoformat()}")
    lines.append("")
    for index, iv in enumerate(ivs):
        end = iv.end.isoformat() if iv.end else "now"
        lines.append(f"{iv.start.isoformat()} → {end}: {iv.state} ({iv.status}, confidence "
                     f"{iv.confidence:.2f})" + ("" if iv.since == iv.start
                                                 else f", {iv.state} since {iv.since.isoformat()}"))
        lines.append(f"  why: {iv.reason}")
        if iv.rule:
            lines.append(f"  rule: {iv.rule} — no report names this unit; the reports the rule "
                         "rests on:")
        nxt = ivs[index + 1] if index + 1 < len(ivs) else None
        if iv.state == CONTESTED and nxt is not None and not explanation.members:
            if nxt.state == iv.holder:
                lines.append(f"  then: no change of hands followed within "
                             f"{explanation.contested_days} days of the last fighting; back to "
                             f"{iv.holder} on {nxt.start.isoformat()}")
            elif nxt.state != CONTESTED:
                lines.append(f"  then: {nxt.state} from {nxt.start.isoformat()}")
        # Within one state, show each report once: where it first counted.
        if index == 0 or ivs[index - 1].state != iv.state:
            seen_in_state = set()
        fresh = [e for e in iv.event_ids if e not in seen_in_state]
        seen_in_state.update(fresh)
        shown = fresh if not explanation.members else fresh[:10]
        if len(fresh) < len(iv.event_ids):
            lines.append(f"  (+ {len(iv.event_ids) - len(fresh)} report(s) listed above)")
        for event_id in shown:
            detail = explanation.details.get(event_id)
            if detail is not None:
                lines.extend("  " + line for line in _describe_event(detail))
            elif event_id in explanation.baselines:
                lines.extend("  " + line for line in _describe_baseline(
                    explanation.baselines[event_id]))
        if len(shown) < len(fresh):
            lines.append(f"  … and {len(fresh) - len(shown)} more events")
    if explanation.pins:
        lines.append("")
        lines.append("Analyst pins:")
        for pin in explanation.pins:
            lines.append(f"  #{pin.id} {pin.unit_id}: {pin.state} from {pin.start} to "
                         f"{pin.end or 'open'} {pin.note}")
    if explanation.rejected:
        lines.append("")
        lines.append("Rejected by an analyst (ignored):")
        for decision, detail in explanation.rejected:
            lines.append(f"  #{decision.id} {decision.event_id}: {decision.note}")
            if detail is not None:
                lines.extend("    " + line for line in _describe_event(detail))
    if explanation.trail:
        lines.append("")
        lines.append("Decision trail (who, when, why; states before → after):")
        for entry in explanation.trail:
            what = entry.event_id or f"{entry.unit_id} {entry.state or ''}".strip()
            if entry.action == "pin":
                what += f" from {entry.start} to {entry.end or 'open'}"
            lines.append(f"  {entry.at[:19]} {entry.action} #{entry.decision_id} {what} by "
                         f"{entry.who}" + (f": {entry.why}" if entry.why else ""))
            for unit_id in sorted(set(entry.before) | set(entry.after)):
                lines.append(f"    {unit_id}: {entry.before.get(unit_id, '?')} → "
                             f"{entry.after.get(unit_id, '?')}")
    if explanation.unplaced:
        lines.append("")
        lines.append("Not placed on the timeline:")
        for detail, why in explanation.unplaced:
            lines.append(f"  ({why})")
            lines.extend("  " + line for line in _describe_event(detail))
    return lines


def _describe_baseline(entry: BaselineEntry) -> list[str]:
    return [f"[{entry.ref}] baseline file {entry.file}, row {entry.row}: {entry.state} as of "
            f"{entry.as_of.isoformat()}", f"  source: {entry.source}"]


def _describe_event(detail: EventDetail) -> list[str]:
    ev = detail.event
    flags = []
    if ev.negated:
        flags.append("negated")
    if ev.probability < 1.0:  # the extractor is unsure the sentence says this
        flags.append(f"probability {ev.probability:.2f}")
    head = (f"[{ev.id}] {ev.date or 'no date'} ({ev.date_precision}, {ev.date_basis}): "
            f"{ev.kind} by {ev.actor} at {ev.place_name} — {ev.certainty}"
            + (f", {', '.join(flags)}" if flags else ""))
    source = f"source: {ev.source or 'unattributed'} [{ev.source_side}]"
    where = f"in {detail.outlet or ev.evidence.document_id}"
    if detail.published:
        where += f", published {detail.published}"
    return [head, f"  {source}; {where}", f"  “{ev.evidence.sentence.strip()}”"]
