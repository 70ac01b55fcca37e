"""A behavioural specification of extraction (issue 8, point 5).

Templated sentences of our own, crossed over trigger × voice × negation ×
hedge × place type, and what a careful analyst would code from each. The
extractor is developed against this suite: many cases fail against today's
`rules.v1`, and that is expected. Expectations are never weakened to make a
case pass; a case that is wrong is fixed, with the reason, in its template.

Why templates: rules tuned one report at a time score well on the reports
they were tuned on and badly on new ones (DESIGN.md, "Extraction"). A
template states one linguistic fact (voice, negation, irrealis mood, a
locative phrase, coordination, anaphora, the sides of the conflict) and the
fillers vary everything else, so a case fails for the fact it tests, not for
a name. None of the sentences is copied from ../shared/eval or
../shared/examples: those are third-party texts kept for measuring.

Layout:

- `templates.py`: the templates and slot fillers as named data, each group
  with a comment on the linguistic fact it tests;
- `harness.py`: a `Case` (a text and its expectation), how a case is checked
  against the events, and how templates are crossed with fillers;
- `conftest.py`: the invented country (gazetteer and profiles, built in
  memory) and the `run_case` fixture;
- one test module per capability: `test_states`, `test_changes`,
  `test_surrender_withdrawal_handover`, `test_not_events`, `test_hedges`,
  `test_locatives`, `test_coordination_reference`, `test_transliteration`,
  `test_sides`.

Two worlds:

1. **Afghanistan**: the real boundaries (`afghan_gazetteer`, session
   fixture of tests/conftest.py) with the afghanistan-2021 profile, for real
   names and the transliteration cases.
2. **An invented country** (conftest.py here): provinces, districts and
   towns with made-up names and ids `ZZ..`, and profiles with four actors
   (an insurgent front, the government, a militia on the government's side,
   and a second armed group on its own side), one profile without a default
   actor and two with different default actors. It proves that nothing is
   tied to Afghanistan or to two sides.

Kinds follow sides, not verbs: any gain by the government's side (the
government or an actor with `side = "government"`) is a recapture, any gain
by another side a capture, whatever the verb ("retook", "captured", "is now
held by"). A statement of who holds a place ("X controls P") is coded like a
gain by X, the only kinds that say who holds a place being capture and
recapture.

Each case gives the (kind, actor, place) triples that must be produced by
asserted (non-negated, non-denied) events, places about which nothing may be
asserted, and optionally the certainty; see `harness.py` for the exact
rules. Extra unrelated events are allowed. Only the public API is used:
`frontlines.extract.extract_document`.

Run it alone with

    PYTHONPATH=src .venv/bin/pytest tests/behaviour -q -p no:randomly

and count failures per module with `--tb=no -q`.
"""
