"""Stage 6, `decision`: is a frame an event, of which kind, how likely.

Specification:

- `frame_features` describes a frame by general facts about its sentence —
  the trigger's kind and voice, how the place was found, its role and level,
  what stands between, negation, hedges, who is the doer — never by the
  sentence's own words; the features come in two groups, ``structure`` and
  ``cues``;
- `choose` makes a frame an event when the odds that it is one (1 - P(none))
  reach the threshold; its kind is then the likeliest, and its probability that
  of this kind; a negated, selected change of hands is kept whatever its odds,
  as evidence against one;
- `LogisticDecision` applies a `DecisionModel` at a threshold (the model's own
  unless given) and carries the model's version.

The frames here are built by hand: the decision needs no other stage.
"""

from __future__ import annotations

import math

import pytest

from frontlines.extract.attribution import NO_ATTRIBUTION
from frontlines.extract.dates import ResolvedDate
from frontlines.extract.decision import Candidate, LogisticDecision, choose, frame_features, relative_level
from frontlines.extract.frames import Frame, partial_place
from frontlines.extract.linking import LinkedPlace
from frontlines.extract.mentions import ActorMention, SentenceMentions, TriggerMention
from frontlines.extract.model import NONE_CLASS
from frontlines.places.gazetteer import Gazetteer

from .conftest import PUBLISHED_DATE, tiny_model

WHEN = ResolvedDate(PUBLISHED_DATE, "day", "publication")


@pytest.fixture
def make_frame(gazetteer: Gazetteer):  # type: ignore[no-untyped-def]
    def make(
        text: str,
        trigger: str,
        place: str,
        *,
        kind: str = "capture",
        voice: str = "active",
        place_id: str | None = None,
        selected: bool = True,
        negated: bool = False,
        found_by: str = "object",
        doer: str | None = "front",
        role: str = "event",
    ) -> Frame:
        t_start = text.index(trigger)
        p_start = text.index(place)
        hit = TriggerMention(t_start, t_start + len(trigger), kind, voice, "test")
        actors = [ActorMention(0, len("The Ash Front"), "front")] if text.startswith("The Ash Front") else []
        sentence = SentenceMentions(0, 0, len(text), text, [], [hit], actors)
        where = gazetteer.places[place_id or "XX0202"]
        linked = LinkedPlace(p_start, p_start + len(place), place, where, role)
        frame = Frame(sentence, hit, where, linked, found_by, selected, (0, len(text)), negated,
                      doer=doer, gainer=doer, attacker=doer, leaver="government")
        frame.partial = partial_place(text, p_start)
        return frame

    return make


# --- features --------------------------------------------------------------------------


def test_the_features_describe_the_structure_of_a_frame(make_frame) -> None:
    frame = make_frame("The Ash Front captured Tarrow district.", "captured", "Tarrow")
    features = frame_features(frame, NO_ATTRIBUTION, WHEN, False, False)
    assert features[0] == "bias"
    for expected in (
        "tkind=capture",
        "tkind|voice=capture|active",
        "found=object",
        "selected=1",
        "level=unit",  # the map's own units, whatever their level is called
        "role=event",
        "pos|voice=after|active",
        "dist=0",
        "doer|tclass=other|gain",
    ):
        assert expected in features


def test_words_are_never_features(make_frame) -> None:
    captured = make_frame("The Ash Front captured Tarrow district.", "captured", "Tarrow")
    seized = make_frame("The Ash Front seized Ivel district.", "seized", "Ivel", place_id="XX0203")
    assert frame_features(captured, NO_ATTRIBUTION, WHEN, False, False) == frame_features(
        seized, NO_ATTRIBUTION, WHEN, False, False
    )
    joined = " ".join(frame_features(captured, NO_ATTRIBUTION, WHEN, False, False)).lower()
    assert "tarrow" not in joined and "ash" not in joined and "captured" not in joined


def test_a_frame_not_selected_says_so(make_frame) -> None:
    frame = make_frame("The Ash Front captured Tarrow district.", "captured", "Tarrow", selected=False,
                       found_by="nearest")
    features = frame_features(frame, NO_ATTRIBUTION, WHEN, False, False)
    assert "selected=0" in features and "found=nearest" in features and "selected=1" not in features


def test_the_doers_side_and_a_missing_doer(make_frame) -> None:
    frame = make_frame("Soldiers retook Tarrow district.", "retook", "Tarrow", kind="recapture", doer="government")
    assert "doer|tclass=gov|gain" in frame_features(frame, NO_ATTRIBUTION, WHEN, True, True)
    nobody = make_frame("Tarrow district fell.", "fell", "Tarrow", voice="passive", doer=None, found_by="subject")
    features = frame_features(nobody, NO_ATTRIBUTION, WHEN, None, None)
    assert "doer=none|gain" in features and "gainer=none" in features


@pytest.mark.parametrize(
    ("text", "cue"),
    [
        ("The Ash Front reportedly captured Tarrow district.", "hedge"),
        ("Has the Ash Front captured Tarrow district?", "question"),
        ("The Ash Front captured Tarrow district", "no_final_stop"),
        ("The Ash Front captured Tarrow district back in 2019.", "historical"),
        ("The Ash Front captured parts of Tarrow district.", "partial|tclass=siege"),
    ],
)
def test_cues_of_the_sentence(make_frame, text: str, cue: str) -> None:
    frame = make_frame(text, "captured", "Tarrow")
    features = frame_features(frame, NO_ATTRIBUTION, WHEN, False, False)
    assert cue in features
    assert cue not in frame_features(frame, NO_ATTRIBUTION, WHEN, False, False, groups=frozenset({"structure"}))


def test_the_feature_groups_can_be_chosen(make_frame) -> None:
    frame = make_frame("The Ash Front reportedly captured Tarrow district.", "captured", "Tarrow")
    structure = frame_features(frame, NO_ATTRIBUTION, WHEN, False, False, groups=frozenset({"structure"}))
    cues = frame_features(frame, NO_ATTRIBUTION, WHEN, False, False, groups=frozenset({"cues"}))
    assert cues == ["bias", "hedge"]
    assert "tkind=capture" in structure and "hedge" not in structure


# --- choosing -------------------------------------------------------------------------------


def test_an_event_when_its_odds_reach_the_threshold(make_frame) -> None:
    frame = make_frame("The Ash Front captured Tarrow district.", "captured", "Tarrow")
    probabilities = {"none": 0.4, "gain": 0.35, "siege": 0.25}
    assert choose(probabilities, frame, 0.6) == ("gain", 0.35)
    assert choose(probabilities, frame, 0.61) == (NONE_CLASS, 0.4)


def test_a_negated_change_of_hands_is_kept_as_evidence_against(make_frame) -> None:
    frame = make_frame("The Ash Front did not capture Tarrow district.", "capture", "Tarrow", negated=True)
    assert choose({"none": 0.9, "gain": 0.06, "siege": 0.04}, frame, 0.5) == ("gain", 0.06)
    # Only a selected one: a place merely nearby is judged like any other.
    nearby = make_frame("The Ash Front did not capture Tarrow district.", "capture", "Tarrow", negated=True,
                        selected=False, found_by="nearest")
    assert choose({"none": 0.9, "gain": 0.06, "siege": 0.04}, nearby, 0.5) == (NONE_CLASS, 0.9)


def test_a_logistic_decision_applies_its_model(make_frame) -> None:
    model = tiny_model(threshold=0.5)
    decision = LogisticDecision(model)
    assert decision.threshold == 0.5 and decision.version == model.version
    frame = make_frame("The Ash Front captured Tarrow district.", "captured", "Tarrow")
    features = frame_features(frame, NO_ATTRIBUTION, WHEN, False, False)
    candidate = Candidate(frame, features, WHEN, NO_ATTRIBUTION)
    ((kind, probability),) = decision.decide([candidate])
    # Reckoned by hand: P(event) = softmax(-0.5 + 1.5 = 1, 0.5 - 1.5 = -1) = 1 / (1 + e^-2);
    # P(gain | event) = e^2 / (e^2 + 2).
    p_event = 1 / (1 + math.exp(-2))
    p_gain = math.exp(2) / (math.exp(2) + 2)
    assert kind == "gain"
    assert probability == pytest.approx(p_event * p_gain)
    scores = decision.scores(candidate)
    assert set(scores) == {"none", "gain", "siege", "withdrawal"}
    assert sum(scores.values()) == pytest.approx(1.0)


def test_a_threshold_given_overrides_the_models(make_frame) -> None:
    frame = make_frame("The Ash Front captured Tarrow district.", "captured", "Tarrow")
    candidate = Candidate(frame, frame_features(frame, NO_ATTRIBUTION, WHEN, False, False), WHEN, NO_ATTRIBUTION)
    assert LogisticDecision(tiny_model(), threshold=0.99).decide([candidate])[0][0] == NONE_CLASS
    assert LogisticDecision(tiny_model(), threshold=0.0).decide([candidate])[0][0] == "gain"


def test_a_hedge_lowers_the_odds(make_frame) -> None:
    decision = LogisticDecision(tiny_model())

    def odds(text: str) -> float:
        frame = make_frame(text, "captured", "Tarrow")
        candidate = Candidate(frame, frame_features(frame, NO_ATTRIBUTION, WHEN, False, False), WHEN,
                              NO_ATTRIBUTION)
        return 1 - decision.scores(candidate)["none"]

    assert odds("The Ash Front reportedly captured Tarrow district.") < odds("The Ash Front captured Tarrow district.")


@pytest.mark.parametrize(
    ("level", "map_level", "relative"),
    [
        ("admin2", "admin2", "unit"),  # an Afghan district
        ("admin3", "admin3", "unit"),  # a Ukrainian hromada
        ("admin2", "admin3", "above-unit"),  # a raion
        ("admin1", "admin3", "admin1"),
        ("populated_place", "admin3", "populated_place"),
    ],
)
def test_a_level_is_described_as_the_map_sees_it(level: str, map_level: str, relative: str) -> None:
    """One decision model serves every profile: it learns "the map's own unit",
    not "admin2", so a hromada is judged like an Afghan district."""
    assert relative_level(level, map_level) == relative
