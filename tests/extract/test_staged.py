"""`staged.v1`: the chain of stages, and replacing one stage without re-implementing the others.

Specification:

- `StagedExtractor.candidates` runs the first five stages once; `events_from`
  lets a decision stage judge them; `extract_batch` gives one list of events
  per document, in order;
- a plug-in replaces one stage: a decision stage registered with
  `register_stage("decision", NAME)` and named in `ExtractionConfig.stages`,
  or any stage object passed in a custom `Stages`; the other stages go on
  working unchanged;
- every event carries its `probability` (in [0, 1]) and the `model` (version)
  that judged it;
- `merge_duplicates` makes one claim of a report saying the same thing twice,
  keeping the highest probability; claims, denials and negated statements stay
  apart;
- `same_episode_dates` dates an undated event at a place by the dated one at
  the same place in the same sentence.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence
from datetime import date
from pathlib import Path

import pytest

from frontlines.extract import (
    DEFAULT_EXTRACTOR,
    ExtractionConfig,
    available_extractors,
    extract_document,
    extract_documents,
    get_extractor,
    register,
)
from frontlines.extract.attribution import Attribution, Attributor
from frontlines.extract.dates import ResolvedDate
from frontlines.extract.decision import Candidate, LogisticDecision
from frontlines.extract.frames import Frame, FrameBuilder
from frontlines.extract.linking import Discourse, LinkedPlace, PlaceLinker
from frontlines.extract.mentions import MentionFinder, SentenceMentions, TriggerMention
from frontlines.extract.model import builtin_model
from frontlines.extract.staged import (
    STAGE_NAMES,
    StagedExtractor,
    Stages,
    merge_duplicates,
    register_stage,
    same_episode_dates,
    stage_factory,
)
from frontlines.models import Event, Evidence, Place
from frontlines.places.gazetteer import Gazetteer
from frontlines.profile import Profile, load_profile

from .conftest import PUBLISHED, document, tiny_model


@pytest.fixture(scope="module")
def extractor(gazetteer: Gazetteer, profile: Profile) -> StagedExtractor:
    return StagedExtractor(gazetteer, profile)


def summary(events: list[Event]) -> list[tuple[str, str, str, str | None]]:
    return sorted((e.kind, e.actor, e.place_id, e.date) for e in events)


# --- a decision stage of a plug-in ---------------------------------------------------------


class AcceptEveryFrame:
    """A decision stage that takes every frame for an event of its trigger's class, surely."""

    version = "test-accept-all.v1"

    def __init__(self, gazetteer: Gazetteer, profile: Profile):
        self.profile = profile
        self.seen: list[int] = []

    def decide(self, candidates: Sequence[Candidate]) -> list[tuple[str, float]]:
        self.seen.append(len(candidates))
        return [(c.frame.trigger_class, 1.0) for c in candidates]


@pytest.fixture
def accept_all() -> Iterator[list[AcceptEveryFrame]]:
    """`test-accept-all.v1` registered as a decision stage for the test; the instances it made."""
    from frontlines.extract import staged

    made: list[AcceptEveryFrame] = []

    @register_stage("decision", "test-accept-all.v1")
    def factory(gazetteer: Gazetteer, profile: Profile) -> AcceptEveryFrame:
        made.append(AcceptEveryFrame(gazetteer, profile))
        return made[-1]

    yield made
    staged._STAGES.pop(("decision", "test-accept-all.v1"), None)


ACCEPT_ALL = ExtractionConfig(stages={"decision": "test-accept-all.v1"})
TWO_PLACES = "Insurgents seized Tarrow district of Kestria province on Sunday."


def test_a_registered_decision_stage_replaces_the_models(accept_all, gazetteer: Gazetteer,
                                                          profile: Profile) -> None:
    built_in = extract_document(document(TWO_PLACES), gazetteer, profile)
    replaced = extract_document(document(TWO_PLACES), gazetteer, profile, config=ACCEPT_ALL)
    assert len(accept_all) == 1 and accept_all[0].seen == [2]
    # The model takes only the district; a stage that accepts every frame takes the
    # province named as context too.
    assert summary(built_in) == [("capture", "front", "XX0202", "2021-06-20")]
    assert summary(replaced) == [
        ("capture", "front", "XX02", "2021-06-20"),
        ("capture", "front", "XX0202", "2021-06-20"),
    ]
    # Everything the other stages give is unchanged: place, actor, date, evidence.
    district = next(e for e in replaced if e.place_id == "XX0202")
    same = built_in[0]
    for field in ("kind", "actor", "opponent", "admin1", "admin2", "date", "date_basis", "certainty",
                  "evidence", "source"):
        assert getattr(district, field) == getattr(same, field), field
    assert {(e.probability, e.model) for e in replaced} == {(1.0, "test-accept-all.v1")}
    assert same.model == builtin_model().version


def test_a_registered_decision_stage_through_the_extractor_registry(accept_all, gazetteer: Gazetteer,
                                                                     profile: Profile) -> None:
    docs = [document(TWO_PLACES, doc_id="a"), document("", doc_id="b"),
            document("Soldiers retook Ivel district.", doc_id="c")]
    batches = extract_documents(docs, gazetteer, profile, DEFAULT_EXTRACTOR, ACCEPT_ALL)
    assert [len(events) for events in batches] == [2, 0, 1]
    assert [e.evidence.document_id for events in batches for e in events] == ["a", "a", "c"]


def test_a_stage_name_nobody_registered_is_refused(gazetteer: Gazetteer, profile: Profile) -> None:
    config = ExtractionConfig(stages={"decision": "nobody-made-this.v1"})
    with pytest.raises(KeyError, match="unknown decision stage 'nobody-made-this.v1'"):
        extract_document(document(TWO_PLACES), gazetteer, profile, config=config)
    with pytest.raises(ValueError, match="unknown stage 'spelling'"):
        register_stage("spelling", "x.v1")
    assert STAGE_NAMES == (
        "mentions", "linking", "frames", "attribution", "dating", "collapse", "statements", "decision"
    )


def test_a_decision_stage_object_can_be_given_directly(gazetteer: Gazetteer, profile: Profile) -> None:
    decision = AcceptEveryFrame(gazetteer, profile)
    extractor = StagedExtractor(gazetteer, profile, decision=decision)
    events = extractor.extract_batch([document(TWO_PLACES)])[0]
    assert {e.place_id for e in events} == {"XX0202", "XX02"}


def test_a_plugin_decision_stage_on_real_names(afghan_gazetteer: Gazetteer, accept_all) -> None:
    profile = load_profile("afghanistan-2021")
    text = "The Taliban captured Imam Sahib district of Kunduz province on Sunday."
    events = extract_document(document(text), afghan_gazetteer, profile, config=ACCEPT_ALL)
    assert ("capture", "taliban", "AF1905", "2021-06-20") in summary(events)
    assert {e.model for e in events} == {"test-accept-all.v1"}


# --- stage objects of a plug-in, in a custom `Stages` ---------------------------------------


class DistrictsOnlyLinker(PlaceLinker):
    """A linker for a map of districts only: a town stands for its district."""

    def link(self, sentence: SentenceMentions, discourse: Discourse) -> list[LinkedPlace]:
        linked = super().link(sentence, discourse)
        for lp in linked:
            if lp.place.level == "populated_place" and lp.place.admin2:
                lp.place = self.places[lp.place.admin2]
        return linked


class WireAttributor(Attributor):
    """Every sentence comes from one news wire, an independent source."""

    def attribute(self, sentence: str, discourse: Discourse) -> Attribution:
        return Attribution("the Kestria Wire", frozenset({"independent"}))


def custom_stages(gazetteer: Gazetteer, profile: Profile) -> Stages:
    linker = DistrictsOnlyLinker(gazetteer, profile)
    return Stages(MentionFinder(gazetteer, profile), linker, FrameBuilder(profile, linker), WireAttributor(profile))


def test_custom_stages_replace_linking_and_attribution(gazetteer: Gazetteer, profile: Profile,
                                                       extractor: StagedExtractor) -> None:
    text = "Insurgents captured Cobble on Monday, an army spokesman said."
    built_in = extractor.extract_batch([document(text)])[0]
    assert [(e.place_id, e.source, e.source_side, e.certainty) for e in built_in] == [
        ("xx:cobble", "an army spokesman", "government", "confirmed")
    ]
    custom = StagedExtractor(gazetteer, profile, stages=custom_stages(gazetteer, profile))
    (event,) = custom.extract_batch([document(text)])[0]
    assert (event.place_id, event.admin2) == ("XX0202", "XX0202")
    assert (event.source, event.source_side, event.certainty) == ("the Kestria Wire", "independent", "reported")
    # Mentions, frames, dating and the decision are the built-in ones.
    assert (event.kind, event.actor, event.date, event.date_basis) == ("capture", "front", "2021-06-21", "relative")
    assert 0.0 < event.probability <= 1.0 and event.model == builtin_model().version


def test_a_registered_stage_object_replaces_one_stage(gazetteer: Gazetteer, profile: Profile) -> None:
    from frontlines.extract import staged

    register_stage("attribution", "test-wire.v1")(lambda g, p: WireAttributor(p))
    try:
        assert isinstance(stage_factory("attribution", "test-wire.v1")(gazetteer, profile), WireAttributor)
        config = ExtractionConfig(stages={"attribution": "test-wire.v1"})
        (event,) = extract_document(document("Insurgents captured Cobble on Monday."), gazetteer, profile,
                                    config=config)
        assert (event.place_id, event.source, event.source_side) == ("xx:cobble", "the Kestria Wire", "independent")
    finally:
        staged._STAGES.pop(("attribution", "test-wire.v1"), None)


class RecordingLinker(PlaceLinker):
    """A linker that notes every word standing for a place it was asked to resolve."""

    def __init__(self, gazetteer: Gazetteer, profile: Profile):
        super().__init__(gazetteer, profile)
        self.resolved: list[str] = []

    def resolve_anaphor(self, phrase: str, linked: list[LinkedPlace], before: int,
                        discourse: Discourse) -> Place | None:
        self.resolved.append(phrase)
        return super().resolve_anaphor(phrase, linked, before, discourse)


def test_a_registered_linking_stage_is_the_one_frames_use(gazetteer: Gazetteer, profile: Profile) -> None:
    from frontlines.extract import staged

    made: list[RecordingLinker] = []

    def factory(g: Gazetteer, p: Profile) -> RecordingLinker:
        made.append(RecordingLinker(g, p))
        return made[-1]

    register_stage("linking", "test-recording.v1")(factory)
    try:
        text = "Soldiers reached Tarrow district on Monday. Insurgents captured the district on Tuesday."
        config = ExtractionConfig(stages={"linking": "test-recording.v1"})
        events = extract_document(document(text), gazetteer, profile, config=config)
        assert [e.place_id for e in events] == ["XX0202"]
        assert made and "the district" in made[-1].resolved
    finally:
        staged._STAGES.pop(("linking", "test-recording.v1"), None)


# --- candidates, decisions, events ------------------------------------------------------------


def test_candidates_then_a_decision_give_the_events(extractor: StagedExtractor) -> None:
    doc = document("Insurgents seized Tarrow district on Sunday. Soldiers retook Ivel district on Monday.")
    candidates = extractor.candidates(doc)
    assert [(c.frame.place.id, c.frame.trigger.kind) for c in candidates] == [
        ("XX0202", "capture"),
        ("XX0203", "recapture"),
    ]
    assert all(c.features and c.features[0] == "bias" for c in candidates)
    assert [c.date.date.isoformat() for c in candidates if c.date.date] == ["2021-06-20", "2021-06-21"]
    decision = LogisticDecision(builtin_model())
    assert extractor.events_from(doc, candidates, decision) == extractor.extract_batch([doc])[0]


def test_a_report_without_text_has_no_candidates(extractor: StagedExtractor) -> None:
    assert extractor.candidates(document("")) == []
    assert extractor.candidates(document("  \n ")) == []
    assert extractor.extract_batch([document("")]) == [[]]


def test_events_carry_a_probability_and_the_models_version(extractor: StagedExtractor) -> None:
    text = (
        "Insurgents seized Tarrow district on Sunday. Soldiers retook Ivel district on Monday. "
        "The Ash Front has laid siege to Lumen, residents said. Soldiers withdrew from Sallow district."
    )
    events = extractor.extract_batch([document(text)])[0]
    assert {e.kind for e in events} >= {"capture", "recapture", "siege", "withdrawal"}
    for event in events:
        assert 0.0 <= event.probability <= 1.0
        assert event.model == builtin_model().version
        assert event.extractor == "staged.v1"
        assert f"p={event.probability:.2f}" in (event.explanation or "")


def test_a_model_of_ones_own_and_its_threshold(tmp_path: Path, gazetteer: Gazetteer, profile: Profile) -> None:
    model = tiny_model()
    path = tmp_path / "tiny.json"
    model.save(path)
    doc = document(TWO_PLACES)
    by_path = extract_document(doc, gazetteer, profile, config=ExtractionConfig(model=str(path)))
    assert by_path and {e.model for e in by_path} == {model.version}
    given = StagedExtractor(gazetteer, profile, decision=LogisticDecision(model)).extract_batch([doc])[0]
    assert [e.to_dict() for e in given] == [e.to_dict() for e in by_path]
    strict = extract_document(doc, gazetteer, profile, config=ExtractionConfig(model=str(path), threshold=0.999))
    assert strict == []


def test_a_claim_denied_in_the_same_sentence_gives_both(extractor: StagedExtractor) -> None:
    text = "The Ash Front claimed it had captured Tarrow, but the defence ministry denied the claim."
    events = extractor.extract_batch([document(text)])[0]
    assert sorted((e.certainty, e.source, e.source_side) for e in events) == [
        ("claimed", "The Ash Front", "front"),
        ("denied", "the defence ministry", "government"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "The Ash Front's claim to have captured Tarrow is a lie, army spokesman Ivo Dren said.",
        "Front statements that its fighters had seized Tarrow district were baseless, the army said.",
    ],
)
def test_a_claim_called_untrue_stands_and_is_denied(extractor: StagedExtractor, text: str) -> None:
    events = extractor.extract_batch([document(text)])[0]
    assert sorted((e.place_id, e.certainty == "denied") for e in events) == [("XX0202", False), ("XX0202", True)]


@pytest.mark.parametrize(
    "text",
    [
        "The Ash Front said it had taken Tarrow district. An army spokesman said soldiers were still in "
        "the district and would drive the insurgents out.",
        "The Ash Front said it had taken Tarrow district, but the governor said the resistance would continue.",
        "Front fighters said they had seized Tarrow district on Monday. The army did not concede, saying its units were "
        "still fighting.",
    ],
)
def test_the_losers_holding_out_denies_a_claimed_fall(extractor: StagedExtractor, text: str) -> None:
    events = extractor.extract_batch([document(text)])[0]
    assert sorted((e.place_id, e.certainty == "denied") for e in events if e.kind == "capture") == [
        ("XX0202", False), ("XX0202", True)
    ]


def test_another_speaker_holding_out_in_the_claims_sentence_denies_it(extractor: StagedExtractor) -> None:
    text = "The Ash Front claims to have seized Tarrow district, the army says its units are still in the district."
    events = extractor.extract_batch([document(text)])[0]
    assert sorted(e.certainty == "denied" for e in events if e.kind == "capture") == [False, True]


@pytest.mark.parametrize(
    "text",
    [
        "The Ash Front captured Tarrow district and soldiers were still fighting near Ivel.",
        "The Ash Front said it had captured Tarrow district. Intense fighting continues across Kestria.",
        # Nobody who held the place is said to be there.
        "The Ash Front said it had taken Tarrow district. The situation is still in flux.",
        "The Ash Front said it had taken Tarrow district. Many residents are still in their homes.",
        "The Ash Front said it had taken Tarrow district. Organised resistance ended but clashes go on.",
        # A claim and another sentence's falsehood; a claim said not to be false.
        "The army said the Ash Front captured Tarrow district and its account of the battle is false.",
        "The Front's claim to have taken Tarrow district is not false, the army said.",
    ],
)
def test_fighting_going_on_denies_no_fall(extractor: StagedExtractor, text: str) -> None:
    events = extractor.extract_batch([document(text)])[0]
    assert [e.certainty for e in events if e.place_id == "XX0202" and e.kind == "capture"] in (
        ["reported"], ["claimed"], ["confirmed"]
    )


def test_a_dated_entry_dates_the_sentences_of_its_paragraph(extractor: StagedExtractor) -> None:
    """A list or timeline of dated entries: "– June 14 – TARROW. Front fighters
    took the town. ..." Sentences naming no date of their own tell that day; the
    next paragraph does not."""
    text = ("Following is a list of districts taken.\n\n"
            "– June 14 – TARROW. Front fighters said they had taken the district. Heavy fighting went on.\n\n"
            "– June 16 – BRENNICK. Front fighters overran Brennick.\n\n"
            "Soldiers later retook Ivel district.")
    events = extractor.extract_batch([document(text)])[0]
    dates = {e.place_id: (e.date, e.date_basis) for e in events if e.kind in ("capture", "recapture")}
    assert dates["XX0202"] == ("2021-06-14", "relative")
    assert dates["XX0102"] == ("2021-06-16", "relative")
    assert dates["XX0203"] == (PUBLISHED, "publication")


def test_a_claim_denied_in_the_next_sentence_gives_both(extractor: StagedExtractor) -> None:
    text = ("The Ash Front claimed it had captured Tarrow district. "
            "Officials in Kestria rejected the Front’s claim the next day.")
    events = extractor.extract_batch([document(text)])[0]
    assert sorted((e.place_id, e.certainty) for e in events) == [("XX0202", "claimed"), ("XX0202", "denied")]


def test_a_denial_two_sentences_on_or_of_nothing_claimed_denies_nothing(extractor: StagedExtractor) -> None:
    text = ("The Ash Front claimed it had captured Tarrow district. Fighting went on for days. "
            "Residents said the market was calm. The governor denied the reports.")
    events = extractor.extract_batch([document(text)])[0]
    assert [e.certainty for e in events if e.place_id == "XX0202"] == ["claimed"]


def test_the_districts_centre_is_the_district(extractor: StagedExtractor) -> None:
    text = "Insurgents attacked Tarrow district on Monday. On Tuesday they took control of the district’s centre."
    events = extractor.extract_batch([document(text)])[0]
    assert [(e.kind, e.place_id) for e in events if e.kind == "capture"] == [("capture", "XX0202")]


def test_a_negated_change_of_hands_is_kept_apart_as_evidence_against(extractor: StagedExtractor) -> None:
    text = "The Ash Front did not capture Brennick district on Monday. Insurgents seized Tarrow district."
    events = extractor.extract_batch([document(text)])[0]
    assert sorted((e.place_id, e.negated) for e in events) == [("XX0102", True), ("XX0202", False)]


def test_the_extractor_registry(gazetteer: Gazetteer, profile: Profile) -> None:
    assert DEFAULT_EXTRACTOR == "staged.v1" and "staged.v1" in available_extractors()
    assert isinstance(get_extractor("staged.v1", gazetteer, profile), StagedExtractor)

    class Silent:
        name = "test-silent.v1"

        def extract_batch(self, documents, config=None):  # type: ignore[no-untyped-def]
            return [[] for _ in documents]

    from frontlines import extract

    register("test-silent.v1")(lambda g, p: Silent())
    try:
        assert extract_documents([document(TWO_PLACES)] * 2, gazetteer, profile, "test-silent.v1") == [[], []]
    finally:
        extract._REGISTRY.pop("test-silent.v1", None)


# --- merging what a report repeats ------------------------------------------------------------


def event(**fields: object) -> Event:
    base: dict[str, object] = dict(
        kind="capture", actor="front", opponent="government", place_id="XX0202", place_name="Tarrow",
        admin1="XX02", admin2="XX0202", evidence=Evidence("r1", "s", 0, 1), date="2021-06-22",
        date_basis="publication", certainty="reported", source=None, source_side="unnamed", probability=0.5,
    )
    base.update(fields)
    return Event(**base)  # type: ignore[arg-type]


def test_a_claim_repeated_is_one_event_with_the_highest_probability() -> None:
    merged = merge_duplicates([event(probability=0.6), event(probability=0.9), event(probability=0.7)])
    assert len(merged) == 1 and merged[0].probability == 0.9


def test_merging_keeps_the_best_date_and_every_source() -> None:
    merged = merge_duplicates([
        event(date="2021-06-22", date_basis="publication", source="residents", source_side="independent"),
        event(date="2021-06-21", date_basis="relative", source="a Front spokesman", source_side="front"),
        event(date="2021-06-20", date_basis="relative"),
        event(date="2021-06-19", date_basis="explicit", certainty="claimed"),
    ])
    (one,) = merged
    assert (one.date, one.date_basis) == ("2021-06-19", "explicit")
    assert one.source == "residents; a Front spokesman"
    assert one.source_side == "front"


def test_a_source_is_credited_only_to_the_sentence_that_names_it() -> None:
    police = "The district fell on Monday, said Inamuddin Rahmani, a police spokesman."
    mujahed = "Taliban spokesman Zabihullah Mujahed confirmed that the district had fallen."
    (one,) = merge_duplicates([
        event(evidence=Evidence("r1", police, 0, len(police)),
              source="Inamuddin Rahmani, a police spokesman", source_side="government"),
        event(evidence=Evidence("r1", mujahed, 200, 200 + len(mujahed)),
              source="Taliban spokesman Zabihullah Mujahed", source_side="front"),
    ])
    assert one.evidence.sentence == police
    assert one.source == "Inamuddin Rahmani, a police spokesman"
    assert one.explanation and "Zabihullah Mujahed in another sentence" in one.explanation
    # Both sides still say it: the merged claim is confirmed.
    assert one.certainty == "confirmed"


def test_the_winners_claim_and_the_losers_word_together_are_confirmed() -> None:
    (one,) = merge_duplicates([event(source_side="front", certainty="claimed"),
                               event(source_side="government", certainty="reported")])
    assert one.certainty == "confirmed"


def test_claims_denials_negations_and_other_places_stay_apart() -> None:
    events = [
        event(),
        event(certainty="denied"),
        event(negated=True),
        event(place_id="XX0203", admin2="XX0203"),
        event(kind="siege"),
        event(actor="militia"),
    ]
    assert len(merge_duplicates(events)) == len(events)


def test_a_town_and_its_district_are_one_unit_when_merging() -> None:
    town = event(place_id="xx:cobble", place_name="Cobble", probability=0.8)
    district = event(probability=0.4)
    (one,) = merge_duplicates([district, town])
    assert one.probability == 0.8


# --- one episode, one date ------------------------------------------------------------------


def frame_at(place: Place) -> Frame:
    text = "x"
    sentence = SentenceMentions(0, 0, 1, text, [])
    return Frame(sentence, TriggerMention(0, 1, "capture", "active", "test"), place, None, "object", True, (0, 1))


def test_an_undated_event_at_a_place_dated_in_the_sentence_takes_that_date(gazetteer: Gazetteer) -> None:
    tarrow, ivel, pell = (gazetteer.places[p] for p in ("XX0202", "XX0203", "XX0302"))
    friday = ResolvedDate(date(2021, 6, 18), "day", "relative")
    monday = ResolvedDate(date(2021, 6, 21), "day", "explicit")
    published = ResolvedDate(date(2021, 6, 22), "day", "publication")
    frames = [frame_at(tarrow), frame_at(tarrow), frame_at(ivel), frame_at(pell), frame_at(pell)]
    dates = [published, friday, published, monday, monday]
    # Tarrow's undated event is Friday's episode; Ivel has no date of its own in the
    # sentence and keeps the publication date; dated events keep theirs.
    assert same_episode_dates(frames, dates) == [friday, friday, published, monday, monday]
    assert same_episode_dates([], []) == []


def test_one_episode_through_the_pipeline(extractor: StagedExtractor) -> None:
    text = "Tarrow district was seized by the Ash Front on Friday, and soldiers withdrew from Tarrow district."
    events = extractor.extract_batch([document(text)])[0]
    assert sorted((e.kind, e.date) for e in events) == [("capture", "2021-06-18"), ("withdrawal", "2021-06-18")]


def test_the_same_episode_example_of_the_docstring(extractor: StagedExtractor) -> None:
    text = "Tarrow district was seized by the Ash Front on Friday, an official said, adding that soldiers had pulled back."
    events = extractor.extract_batch([document(text)])[0]
    assert ("withdrawal", "government", "XX0202", "2021-06-18") in summary(events)


@pytest.mark.parametrize(
    ("sentence", "kind"),
    [
        ("Insurgents seized parts of Tarrow district.", "siege"),
        ("Insurgents took control of some areas of Tarrow district.", "siege"),
        # Most of it is the district as a map shows it.
        ("Insurgents took control of most of Tarrow district.", "capture"),
    ],
)
def test_taking_part_of_a_place_is_an_assault_not_its_capture(extractor: StagedExtractor, sentence: str,
                                                               kind: str) -> None:
    events = extractor.extract_batch([document(sentence)])[0]
    assert [(e.kind, e.place_id) for e in events] == [(kind, "XX0202")]


# --- known bugs seen through the whole chain ------------------------------------------------


def test_a_date_is_not_given_away_to_a_trigger_that_states_nothing(extractor: StagedExtractor) -> None:
    events = extractor.extract_batch([document("Insurgents captured Tarrow district on Friday and vowed to seize Lumen.")])[0]
    assert summary(events) == [("capture", "front", "XX0202", "2021-06-18")]


def test_a_place_described_by_its_distance_is_still_captured(extractor: StagedExtractor) -> None:
    events = extractor.extract_batch([document("Cobble, which is 30 km from Lumen, was captured by insurgents.")])[0]
    assert [(e.kind, e.place_id) for e in events] == [("capture", "xx:cobble")]


def test_stages_default_is_the_built_in_chain(gazetteer: Gazetteer, profile: Profile) -> None:
    stages = Stages.default(gazetteer, profile)
    assert stages.frames.linker is stages.linking
    assert [f.name for f in dataclasses.fields(stages)] == [
        "mentions", "linking", "frames", "attribution", "dating", "collapse", "statements"
    ]


def test_places_and_dates_coordinated_alike_pair_in_order_only_when_said(extractor: StagedExtractor) -> None:
    found = extractor.extract_batch([document("Brennick and Sallow districts were captured by the "
                                              "insurgents on Friday and Saturday respectively.")])[0]
    dates = {e.place_id: e.date for e in found if e.kind == "capture"}
    assert dates == {"XX0102": "2021-06-18", "XX0103": "2021-06-19"}
    # Without "respectively", which fell when is not said: the latest either can be.
    found = extractor.extract_batch([document("Brennick and Sallow districts were captured by the "
                                              "insurgents on Friday and Saturday.")])[0]
    dates = {e.place_id: e.date for e in found if e.kind == "capture"}
    assert dates == {"XX0102": "2021-06-19", "XX0103": "2021-06-19"}


def test_an_event_of_an_earlier_year_is_another_wars(extractor) -> None:  # type: ignore[no-untyped-def]
    events = extractor.extract_batch([document("The insurgents first captured Brennick district in 2015.")])[0]
    assert events == []


def test_a_line_of_tags_is_no_prose(extractor) -> None:  # type: ignore[no-untyped-def]
    tags = "Kestria, liberation of Brennick district, Tarrow, counteroffensive, Ivel, the army, rebels"
    assert extractor.extract_batch([document(tags)])[0] == []
