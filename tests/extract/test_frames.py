"""Stage 3, `frames.FrameBuilder`: a trigger and its arguments — who did what to which place.

Specification:

- the trigger's *voice* says where its place stands: the object of an active
  verb ("captured X"), the subject of a passive one ("X was captured", "X
  fell"); a place found there is the frame's `selected` place, and every other
  event-like place of the sentence gets a frame too (not selected, found
  "nearest") so the decision stage can still weigh it;
- a list of places ("A, B and C fell") gives one frame each;
- a negated statement gives a `negated` frame (evidence against);
- a statement not asserted — a plan, a threat, an attempt, a modal, a
  condition, a question — gives no frame at all;
- roles: the *doer* is the subject of an active verb or the agent of a passive
  one; from it and the trigger come who gains, attacks and leaves; "drove X out
  of P" makes X the loser; "accepted the surrender of" makes the subject the
  side that gains; a gain by the government's side is a recapture.

The builder is fed the sentence's mentions and linked places (what its
signature asks); the other stages' objects are only used to make those.
"""

from __future__ import annotations

import pytest

from frontlines.extract.frames import FRAME_CLASSES, Frame, FrameBuilder
from frontlines.extract.linking import Discourse, PlaceLinker
from frontlines.extract.mentions import MentionFinder
from frontlines.profile import Profile

from .conftest import one_sentence


@pytest.fixture(scope="module")
def builder(profile: Profile, linker: PlaceLinker) -> FrameBuilder:
    return FrameBuilder(profile, linker)


@pytest.fixture
def frames_of(finder: MentionFinder, linker: PlaceLinker, builder: FrameBuilder):  # type: ignore[no-untyped-def]
    def run(text: str, discourse: Discourse | None = None) -> list[Frame]:
        discourse = discourse or Discourse()
        sentence = one_sentence(finder, text)
        linked = linker.link(sentence, discourse)
        frames = builder.build(sentence, linked, discourse, sentence.triggers)
        for frame in frames:
            assert frame.trigger_class in FRAME_CLASSES
            assert frame.sentence is sentence
        return frames

    return run


def selected(frames: list[Frame]) -> list[Frame]:
    return [f for f in frames if f.selected]


def only_selected(frames: list[Frame]) -> Frame:
    chosen = selected(frames)
    assert len(chosen) == 1, [(f.place.id, f.found_by) for f in frames]
    return chosen[0]


# --- voice ------------------------------------------------------------------------------


def test_the_object_of_an_active_verb_is_selected(frames_of) -> None:
    frame = only_selected(frames_of("The Ash Front captured Brennick district on Monday."))
    assert (frame.place.id, frame.found_by, frame.negated) == ("XX0102", "object", False)
    assert (frame.doer, frame.gainer, frame.attacker, frame.leaver) == ("front", "front", "front", "government")
    assert frame.rule_kind == "capture" and frame.trigger_class == "gain"


@pytest.mark.parametrize(
    "sentence",
    [
        "Brennick district was captured by the Ash Front.",
        "Brennick fell to the Ash Front on Sunday.",
        "Brennick district is now held by the Ash Front.",
        "Brennick district is under the control of the Ash Front.",
    ],
)
def test_the_subject_of_a_passive_verb_is_selected_and_its_agent_is_the_doer(frames_of, sentence: str) -> None:
    frame = only_selected(frames_of(sentence))
    assert (frame.place.id, frame.found_by) == ("XX0102", "subject")
    assert frame.doer == "front" and frame.gainer == "front"


def test_a_place_before_an_active_verb_is_not_its_object(frames_of) -> None:
    frames = frames_of("In Tarrow, the Ash Front captured Cobble.")
    assert [f.place.id for f in selected(frames)] == ["xx:cobble"]


def test_other_places_are_paired_with_the_nearest_trigger_but_not_selected(frames_of) -> None:
    frames = frames_of("Insurgents seized Tarrow district of Kestria province on Sunday.")
    assert [(f.place.id, f.selected, f.found_by) for f in frames] == [
        ("XX0202", True, "object"),
        ("XX02", False, "nearest"),
    ]


def test_a_landmark_is_never_a_frame_place(frames_of) -> None:
    assert frames_of("Insurgents attacked a checkpoint 40 km from Ivel.") == []


def test_a_gain_by_the_governments_side_is_a_recapture(frames_of) -> None:
    by_army = only_selected(frames_of("Soldiers retook Ivel district."))
    assert (by_army.rule_kind, by_army.gainer, by_army.leaver) == ("recapture", "government", "front")
    by_militia = only_selected(frames_of("Cobble was captured by the Vale Militia last week."))
    assert (by_militia.rule_kind, by_militia.gainer) == ("recapture", "militia")


def test_the_capital_of_a_province_is_the_frame_place(frames_of) -> None:
    frame = only_selected(frames_of("The Ash Front captured the capital of Kestria."))
    assert frame.place.id == "XX0201" and frame.seat


# --- negation -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "sentence",
    [
        "The Ash Front did not capture Brennick.",
        "The Ash Front has not yet taken Brennick district.",
        "The Ash Front never captured Brennick district.",
        "Brennick district has not fallen to the Ash Front.",
    ],
)
def test_a_negated_statement_gives_a_negated_frame(frames_of, sentence: str) -> None:
    frame = only_selected(frames_of(sentence))
    assert frame.place.id == "XX0102"
    assert frame.negated
    assert frame.gainer == "front"


@pytest.mark.parametrize(
    "sentence",
    [
        "Brennick district was not captured by the Ash Front.",
        "Brennick district was never captured by the Ash Front.",
    ],
)
def test_a_negated_passive_gives_a_negated_frame_of_its_subject(frames_of, sentence: str) -> None:
    frame = only_selected(frames_of(sentence))
    assert (frame.place.id, frame.negated, frame.doer) == ("XX0102", True, "front")


# --- irrealis: no frame at all -------------------------------------------------------------


@pytest.mark.parametrize(
    "sentence",
    [
        "The Ash Front plans to capture Brennick.",  # a plan
        "The Ash Front threatened to seize Brennick.",  # a threat
        "The Ash Front vowed to retake Tarrow district.",  # a vow
        "Insurgents are trying to capture Tarrow district.",  # an attempt
        "The Ash Front is expected to capture Tarrow district.",  # an expectation
        "The Ash Front could capture Brennick soon.",  # a modal
        "Tarrow district may fall to the Ash Front.",  # a modal
        "The Ash Front may have captured Tarrow district.",  # a modal of the past
        "If Brennick falls, Sallow will be next.",  # a condition
        "Should Tarrow fall, the road to Lumen would be open.",  # an inverted condition
        "Has Brennick fallen to the Ash Front?",  # a question
        "Would the Ash Front capture Tarrow district?",  # a question
        "The deal would have allowed the Ash Front to enter Tarrow district.",  # a counterfactual
        "Front fighters died in efforts to flee and withdraw from Tarrow district.",  # coordinated
        "A truce could allow the Ash Front to take over Tarrow district.",  # a modal over a causative
    ],
)
def test_what_is_not_asserted_gives_no_frame(frames_of, sentence: str) -> None:
    assert frames_of(sentence) == []


@pytest.mark.parametrize(
    ("sentence", "kind"),
    [
        ("Shelling forced the garrison to surrender Pell district.", "surrender"),
        # What was allowed or enabled, in a past told as fact, happened.
        ("The soldiers ran out of ammunition, allowing the insurgents to overrun Pell district.", "capture"),
        ("The truce enabled the Ash Front to take over Pell district.", "capture"),
    ],
)
def test_a_caused_event_is_asserted(frames_of, sentence: str, kind: str) -> None:
    assert [(f.place.id, f.trigger.kind) for f in selected(frames_of(sentence))] == [("XX0302", kind)]


# --- lists ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "sentence",
    [
        "Brennick, Sallow and Tarrow fell to the Ash Front on Sunday.",
        "The Ash Front captured Brennick, Sallow and Tarrow districts on Sunday.",
    ],
)
def test_a_list_of_places_gives_a_frame_each(frames_of, sentence: str) -> None:
    frames = frames_of(sentence)
    assert [f.place.id for f in selected(frames)] == ["XX0102", "XX0103", "XX0202"]
    assert {f.gainer for f in frames} == {"front"}


def test_an_including_list_after_the_trigger_gives_a_frame_each(frames_of) -> None:
    frames = frames_of("The Ash Front has captured three districts, including Brennick, Sallow and Tarrow.")
    assert [(f.place.id, f.found_by) for f in selected(frames)] == [
        ("XX0102", "list"),
        ("XX0103", "list"),
        ("XX0202", "list"),
    ]


def test_two_triggers_each_take_their_own_place(frames_of) -> None:
    frames = frames_of("Insurgents surrounded Lumen and captured Tarrow.")
    assert [(f.place.id, f.trigger.kind) for f in selected(frames)] == [
        ("XX0201", "siege"),
        ("XX0202", "capture"),
    ]


# --- who gains, attacks, leaves --------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "gainer"),
    [
        ("Soldiers drove the Ash Front out of Tarrow on Friday.", "government"),
        ("Militiamen pushed the Ash Front out of Ivel district.", "militia"),
        ("Soldiers forced the Ash Front out of Ivel district.", "government"),
    ],
)
def test_driving_someone_out_of_a_place_makes_them_the_loser(frames_of, sentence: str, gainer: str) -> None:
    frame = only_selected(frames_of(sentence))
    assert frame.trigger.kind == "recapture"
    assert (frame.doer, frame.gainer, frame.leaver) == (gainer, gainer, "front")
    assert frame.rule_kind == "recapture"


def test_accepting_the_surrender_of_a_place_makes_the_subject_gain_it(frames_of) -> None:
    frame = only_selected(frames_of("The Ash Front accepted the surrender of Pell district."))
    assert (frame.place.id, frame.trigger_class) == ("XX0302", "surrender")
    assert (frame.doer, frame.gainer, frame.leaver) == ("front", "front", "government")
    assert frame.actor_for("surrender") == "front"


def test_surrendering_a_place_to_someone_makes_them_gain_it(frames_of) -> None:
    frame = only_selected(frames_of("Soldiers have surrendered Pell district to the Ash Front."))
    assert (frame.doer, frame.gainer, frame.leaver) == ("government", "front", "government")


def test_losing_a_place_to_someone(frames_of) -> None:
    frame = only_selected(frames_of("Soldiers lost Tarrow district to the Ash Front."))
    assert (frame.doer, frame.gainer, frame.leaver, frame.rule_kind) == (
        "government", "front", "government", "capture",
    )


def test_withdrawing_names_who_leaves(frames_of) -> None:
    frame = only_selected(frames_of("Soldiers withdrew from Sallow district on Saturday."))
    assert frame.trigger_class == "withdrawal"
    assert frame.actor_for("withdrawal") == "government"
    assert frame.gainer == "front"


@pytest.mark.parametrize(
    ("sentence", "leaver"),
    [
        # Who is made to act acts: named, or else the side the one who forced fought.
        ("The Ash Front attacked Tarrow district, forcing its defenders to flee.", "government"),
        ("Soldiers shelled the insurgents in Tarrow district, forcing them to retreat.", "front"),
        ("The Ash Front forced government troops to abandon Tarrow district.", "government"),
        ("After days of fighting the army compelled the Ash Front to withdraw from Tarrow district.", "front"),
        # However long the object, and when the causative opens a clause of its own.
        (
            "Officials said the insurgents forced the remaining defenders of the long-contested "
            "district of Tarrow to flee.",
            "government",
        ),
        ("The Ash Front overran the hills, forcing the defenders of Tarrow district to flee.", "government"),
    ],
)
def test_a_causative_makes_its_object_the_one_who_left(frames_of, sentence: str, leaver: str) -> None:
    frames = [f for f in frames_of(sentence) if f.selected and f.trigger_class == "withdrawal"]
    assert [(f.place.id, f.leaver) for f in frames] == [("XX0202", leaver)]


@pytest.mark.parametrize(
    ("sentence", "place_id"),
    [
        ("The governor of Kestria province surrendered to the Ash Front.", "XX0201"),  # the seat
        ("The police chief of Tarrow district surrendered to the insurgents with 20 men.", "XX0202"),
    ],
)
def test_officials_surrendering_surrender_where_they_hold_office(frames_of, sentence: str,
                                                                  place_id: str) -> None:
    frame = only_selected(frames_of(sentence))
    assert (frame.place.id, frame.trigger_class, frame.gainer) == (place_id, "surrender", "front")


def test_an_official_saying_others_surrendered_gives_no_place(frames_of) -> None:
    assert selected(frames_of("The governor of Kestria said 30 soldiers surrendered to the Ash Front.")) == []


def test_the_local_capital_is_that_of_the_province_whose_assembly_speaks(frames_of) -> None:
    frame = only_selected(frames_of(
        "The chairman of the Kestria Provincial Assembly said the local capital fell to the Ash Front."))
    assert (frame.place.id, frame.trigger_class) == ("XX0201", "gain")


@pytest.mark.parametrize(
    "sentence",
    ["Tarrow district was abandoned to the Ash Front on Sunday.",
     "Tarrow district was left to the Ash Front after a week of fighting."],
)
def test_a_place_left_to_someone_was_not_left_by_them(frames_of, sentence: str) -> None:
    frame = only_selected(frames_of(sentence))
    assert (frame.trigger_class, frame.leaver, frame.gainer) == ("withdrawal", "government", "front")


def test_an_abandoned_place_was_left_by_whoever_held_it(frames_of) -> None:
    frame = only_selected(frames_of("Tarrow district was abandoned on Monday."))
    # Places are held by the profile's start state unless a report says otherwise.
    assert frame.leaver == "government"


@pytest.mark.parametrize(
    "sentence",
    [
        "The Ash Front attacked Cobble.",
        "Soldiers repelled an attack by the Ash Front on Cobble.",
        # The owner of a counter-attack or an offensive attacked, whoever repelled it.
        "Soldiers repelled counterattacks by the Ash Front on Cobble.",
        "Soldiers repulsed the offensive of the Ash Front on Cobble.",
        "Soldiers beat back a counter-offensive by insurgents on Cobble.",
        # "attacks from" where no attacker follows: not the speaker named later.
        '"The Ash Front has launched attacks from three sides on Cobble," soldiers in the town said.',
    ],
)
def test_the_attacker_of_a_clash(frames_of, sentence: str) -> None:
    frame = only_selected(frames_of(sentence))
    assert (frame.place.id, frame.trigger_class, frame.actor_for("clash")) == ("xx:cobble", "clash", "front")


def test_a_place_partly_taken_is_an_assault_not_a_fall(frames_of) -> None:
    frame = only_selected(frames_of("Insurgents seized parts of Tarrow district."))
    assert frame.partial
    assert frame.trigger.kind == "capture" and frame.trigger_class == "siege"
    assert frame.rule_kind == "siege"


def test_a_siege_takes_the_landmark_its_own_words_point_at(frames_of) -> None:
    frame = only_selected(frames_of("The Ash Front has laid siege to Lumen."))
    assert (frame.place.id, frame.trigger_class) == ("XX0201", "siege")


@pytest.mark.parametrize(
    ("sentence", "place_id"),
    [
        ("Front fighters marched into Tarrow district unopposed.", "XX0202"),
        ("Front fighters rolled into Cobble on Monday.", "xx:cobble"),
        ("Soldiers drove the Ash Front from Ivel district.", "XX0203"),
        ("Soldiers forced the insurgents to withdraw from Ivel district.", "XX0203"),
    ],
)
def test_a_trigger_ending_in_a_preposition_takes_the_place_after_it(
    frames_of, sentence: str, place_id: str
) -> None:
    # "marched into X", "drove them from X": the relational word ends the trigger, and X is its place.
    assert [f.place.id for f in selected(frames_of(sentence))] == [place_id]


def test_a_withdrawal_to_a_place_did_not_leave_it(frames_of) -> None:
    assert [f.place.id for f in selected(frames_of("Soldiers retreated to Lumen on Monday."))] == []


# --- words standing for places, and what the report said before ----------------------------


def test_the_district_is_the_one_the_report_talked_about(frames_of, linker: PlaceLinker) -> None:
    discourse = Discourse()
    linker.remember(linker.places["XX0203"], discourse)
    frame = only_selected(frames_of("Insurgents captured the district on Monday.", discourse))
    assert (frame.place.id, frame.found_by) == ("XX0203", "anaphor")
    assert frame.linked is not None and frame.linked.role == "anaphor" and frame.linked.text == "the district"


def test_a_withdrawal_with_no_place_follows_up_the_event_just_told(frames_of) -> None:
    discourse = Discourse(last_event_place="XX0202", last_event_sentence=3, sentence_index=4)
    frame = only_selected(frames_of("Soldiers retreated after a day of fighting.", discourse))
    assert (frame.place.id, frame.found_by, frame.linked) == ("XX0202", "follow-up", None)
    assert frame.leaver == "government"


def test_a_withdrawal_long_after_the_event_follows_nothing_up(frames_of) -> None:
    discourse = Discourse(last_event_place="XX0202", last_event_sentence=0, sentence_index=9)
    assert frames_of("Soldiers retreated after a day of fighting.", discourse) == []


@pytest.mark.parametrize(
    "sentence",
    [
        "Residents fled Tarrow district on Monday.",
        # People moved out by others are no forces withdrawing.
        "The army evacuated civilians from Tarrow district.",
        "Soldiers evacuated the mission staff from Tarrow district.",
    ],
)
def test_civilians_fleeing_are_no_withdrawal(frames_of, sentence: str) -> None:
    assert selected(frames_of(sentence)) == []


@pytest.mark.parametrize(
    "sentence",
    [
        "Insurgents attacked Tarrow district on Monday and captured it by nightfall.",
        "The Ash Front attacked Tarrow district and seized it on Sunday.",
    ],
)
def test_the_fight_that_took_a_place_is_no_event_of_its_own(frames_of, sentence: str) -> None:
    assert [(f.place.id, f.trigger_class) for f in selected(frames_of(sentence))] == [("XX0202", "gain")]


def test_a_fight_dated_apart_from_the_fall_stays_an_event(frames_of) -> None:
    """The place was contested first: the timeline shows it."""
    frames = selected(frames_of(
        "Fighting for Tarrow district started on Sunday night, and on Tuesday the Ash Front seized it."))
    assert sorted(f.trigger_class for f in frames if f.place.id == "XX0202") == ["clash", "gain"]


def test_foreign_troops_leaving_the_country_leave_no_place_of_it(frames_of) -> None:
    frames = selected(frames_of(
        "Tarrow district fell as foreign troops finished pulling out of the war-weary country."))
    assert [f.trigger_class for f in frames] == ["gain"]


def test_opponents_come_from_the_profiles_sides(builder: FrameBuilder) -> None:
    assert builder.opponent("front") == "government"
    assert builder.opponent("militia") == "front"  # the militia fights on the government's side
    assert builder.opponent(None) is None
    assert builder.on_government_side("militia") and not builder.on_government_side("front")


@pytest.mark.parametrize(
    "sentence",
    [
        "Insurgents captured Tarrow district and killed three civilians in Lumen.",
        "Insurgents captured Tarrow district on Friday and then shelled Lumen.",
        "Insurgents captured Tarrow district and threatened Lumen.",
        "Insurgents captured Tarrow district and thus completed their hold on Kestria province.",
    ],
)
def test_a_second_verb_phrase_is_no_object_of_the_first_verb(frames_of, sentence: str) -> None:
    assert [f.place.id for f in selected(frames_of(sentence))] == ["XX0202"]


def test_withdrawing_from_the_district_just_named(frames_of) -> None:
    frames = frames_of("Tarrow district was seized by the Ash Front on Friday, and soldiers withdrew from the district.")
    assert [(f.place.id, f.trigger_class) for f in selected(frames)] == [("XX0202", "gain"), ("XX0202", "withdrawal")]


# --- causatives, modals and attacks from afar -------------------------------------------


def test_forced_to_leave_without_an_object_is_the_subjects_withdrawal(frames_of) -> None:
    frame = only_selected(frames_of("Government troops were forced to withdraw from Brennick on Monday."))
    assert (frame.place.id, frame.trigger_class, frame.leaver) == ("XX0102", "withdrawal", "government")


def test_forcing_someone_out_makes_them_the_loser(frames_of) -> None:
    frame = only_selected(frames_of("Soldiers forced the insurgents to withdraw from Brennick on Monday."))
    assert (frame.place.id, frame.trigger_class, frame.gainer) == ("XX0102", "gain", "government")


@pytest.mark.parametrize(
    "sentence",
    [
        "Soldiers could eventually be forced to withdraw from Brennick.",
        "Government troops may have to abandon Sallow district.",
    ],
)
def test_a_modal_over_a_causative_states_nothing(frames_of, sentence: str) -> None:
    assert selected(frames_of(sentence)) == []


@pytest.mark.parametrize(
    "sentence",
    [
        "Police arrested two men over the rocket attack on Lumen.",
        "A suicide attack in Brennick killed four people.",
    ],
)
def test_an_attack_from_afar_or_by_a_bomber_is_no_fight_for_ground(frames_of, sentence: str) -> None:
    assert frames_of(sentence) == []


def test_an_ambush_is_a_fight_started_by_its_authors(frames_of) -> None:
    frame = only_selected(frames_of("Soldiers ambushed a convoy of insurgents in Sallow district on Friday."))
    assert (frame.place.id, frame.trigger_class, frame.attacker) == ("XX0103", "clash", "government")


@pytest.mark.parametrize(
    "sentence",
    [
        "Brennick district was de-occupied on Friday.",
        "Crowds gathered after the liberation of Brennick district.",
        "Soldiers liberated Brennick district on Friday.",
    ],
)
def test_liberation_is_a_regain_by_the_government_side(frames_of, sentence: str) -> None:
    frame = only_selected(frames_of(sentence))
    assert (frame.place.id, frame.trigger_class, frame.gainer) == ("XX0102", "gain", "government")


@pytest.mark.parametrize(
    "sentence",
    [
        "The army announced its withdrawal from Brennick district.",
        "Soldiers had to give up Brennick district on Friday.",
    ],
)
def test_a_withdrawal_told_as_a_noun_or_a_loss(frames_of, sentence: str) -> None:
    frame = only_selected(frames_of(sentence))
    assert (frame.place.id, frame.trigger_class, frame.leaver) == ("XX0102", "withdrawal", "government")


def test_leaving_a_place_in_some_state_is_no_withdrawal(frames_of) -> None:
    frames = frames_of("Insurgents took Sallow, leaving Brennick district the only town in army hands.")
    assert not [f for f in selected(frames) if f.place.id == "XX0102" and f.trigger_class == "withdrawal"]


@pytest.mark.parametrize(
    "sentence",
    [
        "Government troops said on Monday that they had captured Brennick district.",
        "An army spokesman said it had captured Brennick district.",
    ],
)
def test_a_pronoun_in_what_a_side_says_is_that_side(frames_of, sentence: str) -> None:
    frame = only_selected(frames_of(sentence))
    assert (frame.place.id, frame.trigger_class, frame.gainer) == ("XX0102", "gain", "government")


def test_a_noun_of_change_under_a_modal_is_a_thought(frames_of) -> None:
    assert selected(frames_of("The fall of Brennick would be a major blow to the army.")) == []
    (frame,) = selected(frames_of("The fall of Brennick on Friday was a major blow to the army."))
    assert frame.place.id == "XX0102"


def test_entering_a_place_while_fighting_goes_on_there_is_partial(frames_of) -> None:
    frame = only_selected(frames_of("Insurgents entered Brennick on Monday, and clashes are under way there."))
    assert frame.partial
    assert not only_selected(frames_of("Insurgents entered Brennick on Monday.")).partial


@pytest.mark.parametrize(
    "sentence",
    [
        "Norvale, June 20 (Wire) - Front fighters captured Brennick after days of laying siege to it.",
        "Brennick was besieged and captured by the Ash Front.",
    ],
)
def test_a_siege_that_ended_in_the_fall_told_with_it_is_no_event_of_its_own(frames_of, sentence: str) -> None:
    assert [f.trigger_class for f in selected(frames_of(sentence)) if f.place.id == "XX0102"] == ["gain"]


def test_a_siege_dated_apart_from_the_fall_stays(frames_of) -> None:
    frames = frames_of("Front fighters besieged Brennick on Monday and captured it on Friday.")
    assert sorted(f.trigger_class for f in selected(frames) if f.place.id == "XX0102") == ["gain", "siege"]


def test_workers_fleeing_are_no_withdrawal(frames_of) -> None:
    frames = frames_of("Insurgents entered Brennick, and office workers were fleeing the town.")
    assert not [f for f in frames if f.trigger_class == "withdrawal"]


def test_where_people_fled_to_is_no_place_they_left(frames_of) -> None:
    frames = frames_of("Soldiers fled to the Norvale provincial capital of Norvale on Sunday.")
    assert not [f for f in selected(frames) if f.trigger_class == "withdrawal" and f.place.id == "XX0101"]


def test_the_seat_named_first_in_a_list_of_what_was_taken_is_the_whole_place(frames_of) -> None:
    frame = only_selected(
        frames_of("Insurgents captured the district centre, the police headquarters and an army base in Tarrow.")
    )
    assert (frame.place.id, frame.partial) == ("XX0202", False)
    frame = only_selected(frames_of("Insurgents captured the police headquarters and an army base in Tarrow."))
    assert frame.partial  # no seat of the district's authority among them


def test_the_words_before_a_place_told_in_an_earlier_clause_are_that_clauses(frames_of) -> None:
    frames = frames_of("Soldiers pulled out of a base in Tarrow, a district that fell to the Ash Front in May.")
    (fell,) = [f for f in selected(frames) if f.trigger_class == "gain"]
    assert (fell.place.id, fell.partial) == ("XX0202", False)


def test_a_part_named_with_a_possessive_is_partial(frames_of) -> None:
    frame = only_selected(frames_of("Insurgents seized Lumen City's entrance on Sunday."))
    assert (frame.place.id, frame.partial, frame.trigger_class) == ("XX0201", True, "siege")


# --- attributes, reference and idiom ----------------------------------------------------


@pytest.mark.parametrize(
    "sentence",
    [
        "Government troops moved towards the recently captured town of Brennick.",
        "Soldiers shelled the occupied Brennick on Monday.",
    ],
)
def test_a_participle_before_its_noun_is_an_attribute_not_the_subjects_act(frames_of, sentence: str) -> None:
    frame = only_selected(frames_of(sentence))
    assert frame.trigger.voice == "attributive"
    assert (frame.place.id, frame.trigger_class, frame.gainer) == ("XX0102", "gain", "front")


def test_an_attributive_participle_keeps_a_side_fused_into_it(frames_of) -> None:
    frame = only_selected(frames_of("Front fighters reached the government-liberated town of Brennick."))
    assert frame.gainer == "government"


def test_scare_quotes_leave_a_trigger_phrase_whole(frames_of) -> None:
    frame = only_selected(frames_of('Front fighters said they had "full control" over Brennick.'))
    assert (frame.place.id, frame.trigger_class, frame.gainer) == ("XX0102", "gain", "front")


def test_the_troops_refer_back_to_the_side_last_named(frames_of) -> None:
    frame = only_selected(frames_of("The troops pulled out of Brennick.", Discourse(last_actor="government")))
    assert (frame.trigger_class, frame.leaver) == ("withdrawal", "government")
    frame = only_selected(frames_of("The troops entered Brennick.", Discourse(last_actor="government")))
    assert frame.gainer == "government"


@pytest.mark.parametrize(
    ("sentence", "gainer"),
    [
        ("Front fighters raised their flag over Brennick on Sunday.", "front"),
        ("Government troops hoisted the national flag in the town of Brennick.", "government"),
        ("Brennick was returned to government forces on Monday.", "government"),
        ("Government troops freed Brennick after a week of fighting.", "government"),
    ],
)
def test_idioms_of_taking_a_place(frames_of, sentence: str, gainer: str) -> None:
    frame = only_selected(frames_of(sentence))
    assert (frame.place.id, frame.trigger_class, frame.gainer) == ("XX0102", "gain", gainer)


def test_a_white_flag_is_no_flag_of_conquest(frames_of) -> None:
    frames = frames_of("Soldiers raised a white flag over Brennick.")
    assert not [f for f in selected(frames) if f.trigger_class == "gain"]


def test_a_participle_with_its_agent_is_passive_without_an_auxiliary(frames_of) -> None:
    frame = only_selected(frames_of("Brennick, seized by government troops on Monday, was calm."))
    assert (frame.place.id, frame.trigger.voice, frame.gainer) == ("XX0102", "passive", "government")


@pytest.mark.parametrize(
    "sentence",
    [
        "Brennick was surrounded and then captured by Front fighters.",
        "Brennick was besieged for weeks and overrun by the Ash Front.",
        "Brennick was attacked, and seized by the Ash Front.",
    ],
)
def test_coordinated_passives_share_their_subject(frames_of, sentence: str) -> None:
    gains = [f for f in selected(frames_of(sentence)) if f.trigger_class == "gain"]
    assert [(f.place.id, f.gainer) for f in gains] == [("XX0102", "front")]


@pytest.mark.parametrize(
    "sentence",
    [
        "Some forty soldiers were killed or captured near Brennick.",
        "Dozens of soldiers have been wounded and captured around Tarrow district.",
    ],
)
def test_people_captured_are_prisoners_not_a_place_taken(frames_of, sentence: str) -> None:
    assert not [f for f in selected(frames_of(sentence)) if f.trigger_class == "gain"]


@pytest.mark.parametrize(
    "sentence",
    [
        "The police chief of Tarrow district and his men joined the Ash Front last night.",
        "Soldiers defending Tarrow district have taken the Ash Front's side.",
        "The Tarrow garrison went over to the insurgents.",
    ],
)
def test_defenders_going_over_to_the_enemy_surrender_their_post(frames_of, sentence: str) -> None:
    frames = [f for f in frames_of(sentence) if f.trigger_class == "surrender"]
    assert [(f.place.id, f.gainer) for f in frames] == [("XX0202", "front")]


@pytest.mark.parametrize(
    "sentence",
    [
        "Hundreds of young men in Tarrow district joined the Ash Front.",  # recruits, not a post
        "Soldiers joined the fighting in Tarrow district.",  # no side joined
        "Government troops in Tarrow district joined the Vale Militia on Monday.",  # an ally
    ],
)
def test_joining_is_a_defection_only_of_defenders_to_a_side(frames_of, sentence: str) -> None:
    assert not [f for f in frames_of(sentence) if f.trigger_class == "surrender"]


def test_a_surrender_with_no_place_of_its_own_is_where_the_sentence_says_a_place_fell(frames_of) -> None:
    frames = frames_of("The police chief and his men surrendered to the Ash Front after Lumen fell.")
    (surrender,) = [f for f in frames if f.trigger_class == "surrender"]
    assert (surrender.place.id, surrender.gainer) == ("XX0201", "front")
    # Not to an attribute ("the occupied X" tells no change), nor among two places taken.
    assert not [f for f in frames_of("The surrender of the occupied Lumen was reported.")
                if f.trigger_class == "surrender" and f.found_by == "follow-up"]
    frames = frames_of("The garrison surrendered after Lumen fell and Tarrow was captured by the Ash Front.")
    assert not [f for f in frames if f.trigger_class == "surrender" and f.found_by == "follow-up"]


@pytest.mark.parametrize(
    ("sentence", "gainer"),
    [
        ("Front fighters were reinforced and captured Tarrow district.", "front"),  # an object follows
        ("Front fighters took the eastern side of Tarrow district.", "front"),  # a side of a place
    ],
)
def test_a_coordinated_or_side_word_leaves_an_active_taking_alone(frames_of, sentence: str, gainer: str) -> None:
    (frame,) = [f for f in selected(frames_of(sentence)) if f.trigger_class == "gain"]
    assert (frame.place.id, frame.gainer) == ("XX0202", gainer)


def test_a_causative_ends_with_its_clause(frames_of) -> None:
    frames = frames_of("The army forced the insurgents out of Brennick and plans to retake Tarrow district.")
    assert not [f for f in selected(frames) if f.place.id == "XX0202"]


def test_a_seat_held_elsewhere_makes_no_part_whole(frames_of) -> None:
    frames = frames_of("Front fighters, who already hold the district centre of Ivel, seized parts of Tarrow district.")
    (tarrow,) = [f for f in selected(frames) if f.place.id == "XX0202"]
    assert tarrow.partial


@pytest.mark.parametrize(
    "sentence",
    [
        "Front fighters besieged Tarrow district on Monday – and captured it on Friday.",  # dated apart
        "Soldiers besieged Tarrow district after the Ash Front captured it on Monday.",  # the other side's
    ],
)
def test_a_siege_apart_from_the_fall_stays(frames_of, sentence: str) -> None:
    assert [f for f in selected(frames_of(sentence)) if f.trigger_class == "siege"]


def test_the_subject_stands_before_a_participle_phrase_that_describes_it(frames_of) -> None:
    frames = frames_of("Brennick and other towns taken in March were handed back to government troops.")
    (frame,) = [f for f in selected(frames) if f.trigger.name == "was-returned"]
    assert (frame.place.id, frame.gainer) == ("XX0102", "government")


def test_a_name_opening_the_next_passive_clause_is_not_the_object_before(frames_of) -> None:
    frames = selected(frames_of("Front fighters captured Brennick and Tarrow was retaken by government troops."))
    assert {(f.place.id, f.gainer) for f in frames} == {("XX0102", "front"), ("XX0202", "government")}


@pytest.mark.parametrize(
    ("sentence", "gainer"),
    [
        ("A Front spokesman tweeted that all posts in Brennick had been cleared.", "front"),
        ("Government troops said Brennick had been retaken on Monday.", "government"),
        ("Brennick was retaken on Monday.", "government"),
    ],
)
def test_a_regain_told_in_the_passive_is_the_speaking_sides(frames_of, sentence: str, gainer: str) -> None:
    frame = only_selected(frames_of(sentence))
    assert (frame.place.id, frame.trigger_class, frame.gainer) == ("XX0102", "gain", gainer)


@pytest.mark.parametrize(
    "sentence",
    [
        "Heavy fighting is still raging in Brennick.",
        "Clashes with Front fighters broke out in Brennick on Sunday.",
        "Fighting was reported in Brennick overnight.",
    ],
)
def test_fighting_and_where_it_goes_on(frames_of, sentence: str) -> None:
    frame = only_selected(frames_of(sentence))
    assert (frame.place.id, frame.trigger_class) == ("XX0102", "clash")


@pytest.mark.parametrize(
    "sentence",
    [
        "Militiamen fighting the Front stand guard in Brennick.",
        "The battle presents a test for Brennick's governor.",
    ],
)
def test_a_verb_between_fighting_and_a_place_ends_the_fight_phrase(frames_of, sentence: str) -> None:
    assert not [f for f in selected(frames_of(sentence)) if f.trigger_class == "clash"]


@pytest.mark.parametrize(
    "sentence",
    [
        "The Ash Front has not been able to capture Brennick.",
        "Front fighters were never able to take Brennick.",
    ],
)
def test_inability_is_negation(frames_of, sentence: str) -> None:
    assert all(f.negated for f in selected(frames_of(sentence)))


@pytest.mark.parametrize(
    ("sentence", "gainer", "leaver"),
    [
        ("Brennick slipped out of Front control on Saturday.", "government", "front"),
        ("Brennick has fallen out of government hands.", "front", "government"),
    ],
)
def test_slipping_out_of_a_sides_control_is_that_sides_loss(
    frames_of, sentence: str, gainer: str, leaver: str
) -> None:
    frame = only_selected(frames_of(sentence))
    assert (frame.place.id, frame.trigger_class, frame.gainer, frame.leaver) == ("XX0102", "gain", gainer, leaver)


def test_a_noun_followed_by_a_name_nobody_knows_stands_for_that_name(frames_of) -> None:
    discourse = Discourse(last_city="xx:lumen", last_event_place="xx:lumen")
    assert selected(frames_of("Insurgents occupied the city Quorra after fierce fighting.", discourse)) == []


@pytest.mark.parametrize(
    "sentence",
    [
        "Government troops haven't captured Brennick.",
        "Brennick didn't fall to the insurgents.",
        "Neither Brennick nor Tarrow has fallen to the Ash Front.",
        "No government troops have entered Brennick.",
        "It is not true that the insurgents captured Brennick.",
        "Reports that Brennick had fallen to the insurgents were false.",
    ],
)
def test_other_forms_of_negation(frames_of, sentence: str) -> None:
    frames = selected(frames_of(sentence))
    assert frames and all(f.negated for f in frames)


@pytest.mark.parametrize(
    "sentence",
    [
        "Government troops have blockaded Brennick.",
        "Front fighters tightened the noose around Brennick.",
        "The insurgents have cut off Brennick from the rest of the country.",
        "Front fighters are on the outskirts of Brennick.",
        "The Ash Front's siege of Brennick entered its third week.",
        "Brennick has been under government siege for weeks.",
        "The insurgents are closing in on Norvale.",
    ],
)
def test_words_of_siege(frames_of, sentence: str) -> None:
    frames = [f for f in selected(frames_of(sentence)) if f.trigger_class == "siege"]
    assert frames and frames[0].place.id in ("XX0102", "XX0101")  # Norvale: the capital district


def test_they_is_the_side_named_last(frames_of) -> None:
    frame = only_selected(frames_of("On Monday they captured Brennick.", Discourse(last_actor="government")))
    assert frame.gainer == "government"
    frame = only_selected(frames_of("On Monday they captured Brennick."))
    assert frame.gainer == "front"  # nobody named: the profile's default actor


@pytest.mark.parametrize(
    ("sentence", "gainer", "leaver"),
    [
        ("Government troops lost Brennick on Sunday.", "front", "government"),
        ("Brennick was lost by government troops after a week of fighting.", "front", "government"),
        ("Brennick was lost to the insurgents.", "front", "government"),
        ("Brennick is no longer under Front control.", "government", "front"),
        ("The Ash Front no longer controls Brennick.", "government", "front"),
    ],
)
def test_a_loss_is_the_other_sides_gain(frames_of, sentence: str, gainer: str, leaver: str) -> None:
    frame = only_selected(frames_of(sentence))
    assert (frame.place.id, frame.trigger_class, frame.negated) == ("XX0102", "gain", False)
    assert (frame.gainer, frame.leaver) == (gainer, leaver)


@pytest.mark.parametrize(
    "sentence",
    [
        "Brennick remains under government control.",
        "Brennick is still in the hands of government troops.",
        "Government troops still hold Brennick.",
        "Brennick, one of the few towns still held by the army, was calm.",
    ],
)
def test_the_first_holder_still_holding_a_place_is_evidence_against_its_fall(frames_of, sentence: str) -> None:
    """Who held a place from the start and still does regained nothing: the
    sentence says nobody took it (a negated gain by the other side)."""
    frame = only_selected(frames_of(sentence))
    assert (frame.place.id, frame.negated, frame.gainer, frame.leaver) == ("XX0102", True, "front", "government")


@pytest.mark.parametrize(
    "sentence",
    ["Brennick is still under Front control.", "Brennick remains in the hands of the insurgents."],
)
def test_the_other_side_still_holding_a_place_is_its_gain(frames_of, sentence: str) -> None:
    frame = only_selected(frames_of(sentence))
    assert (frame.place.id, frame.negated, frame.gainer) == ("XX0102", False, "front")




@pytest.mark.parametrize(
    "sentence",
    [
        "Government troops ceded Brennick to the insurgents.",
        "Control of Brennick passed to the Ash Front after talks.",
        "Under a local deal, Brennick was handed to the insurgents.",
    ],
)
def test_giving_a_place_to_someone_is_a_handover(frames_of, sentence: str) -> None:
    frame = only_selected(frames_of(sentence))
    assert (frame.place.id, frame.trigger.kind, frame.gainer) == ("XX0102", "handover", "front")


def test_it_is_the_place_just_told_of(frames_of) -> None:
    told = Discourse(last_event_place="XX0102", last_event_sentence=0, sentence_index=1)
    frame = only_selected(frames_of("By Sunday it had fallen to the insurgents.", told))
    assert (frame.place.id, frame.found_by) == ("XX0102", "anaphor")
    named = Discourse(last_places=["XX0202"], sentence_index=5)
    frame = only_selected(frames_of("Government troops captured it on Sunday.", named))
    assert frame.place.id == "XX0202"
    assert selected(frames_of("It was reported that the insurgents had regrouped.", told)) == []


@pytest.mark.parametrize(
    ("sentence", "gainer"),
    [
        ("In Front-held Brennick, shops reopened on Monday.", "front"),
        ("Residents of army-controlled Brennick reported a quiet night.", "government"),
        ("Government troops are holding Brennick, residents said.", "government"),
        ("The insurgents still hold Brennick.", "front"),
    ],
)
def test_who_holds_a_place_is_a_state_of_control(frames_of, sentence: str, gainer: str) -> None:
    frame = only_selected(frames_of(sentence))
    assert (frame.place.id, frame.trigger_class, frame.gainer) == ("XX0102", "gain", gainer)


@pytest.mark.parametrize(
    "sentence",
    [
        "Brennick was captured by the insurgents, and so was Tarrow.",
        "Brennick fell to the insurgents on Sunday, as did Tarrow.",
        "Front fighters seized Brennick, as well as Tarrow.",
    ],
)
def test_an_elliptical_clause_repeats_the_verb_for_more_places(frames_of, sentence: str) -> None:
    gains = {(f.place.id, f.gainer) for f in selected(frames_of(sentence)) if f.trigger_class == "gain"}
    assert gains == {("XX0102", "front"), ("XX0202", "front")}


@pytest.mark.parametrize(
    "sentence",
    [
        "Brennick, which government troops captured last week, lies on the main road.",
        "Residents of Brennick, which was taken by government troops overnight, said it was quiet.",
    ],
)
def test_a_relative_pronoun_stands_for_the_place_before_it(frames_of, sentence: str) -> None:
    frame = only_selected(frames_of(sentence))
    assert (frame.place.id, frame.trigger_class, frame.gainer) == ("XX0102", "gain", "government")


@pytest.mark.parametrize(
    "sentence",
    [
        "It was government troops who captured Brennick.",
        "After capturing Brennick, government troops set up checkpoints.",
        "Government troops set up checkpoints in Lumen after capturing Brennick on Sunday.",
        "Having taken Brennick, government troops moved north.",
    ],
)
def test_the_subject_of_a_relative_or_participle_clause_is_its_antecedent(frames_of, sentence: str) -> None:
    (frame,) = [f for f in selected(frames_of(sentence)) if f.place.id == "XX0102"]
    assert (frame.trigger_class, frame.gainer) == ("gain", "government")


@pytest.mark.parametrize(
    ("sentence", "gainer"),
    [
        ("A government spokesman acknowledged the loss of Brennick.", "front"),
        ("A Front spokesman conceded the loss of Brennick to government troops.", "government"),
    ],
)
def test_the_loss_of_a_place_is_told_by_who_lost_it(frames_of, sentence: str, gainer: str) -> None:
    frame = only_selected(frames_of(sentence))
    assert (frame.place.id, frame.trigger_class, frame.gainer) == ("XX0102", "gain", gainer)


@pytest.mark.parametrize(
    "sentence",
    [
        "The defenders of Brennick gave themselves up to the insurgents.",
        "Front fighters accepted the capitulation of the Brennick garrison.",
    ],
)
def test_other_words_of_surrender(frames_of, sentence: str) -> None:
    frame = only_selected(frames_of(sentence))
    assert (frame.place.id, frame.trigger_class, frame.gainer) == ("XX0102", "surrender", "front")


@pytest.mark.parametrize(
    "sentence",
    [
        "Once Brennick falls to the insurgents, the road to Lumen will be open.",
        "The possible fall of Brennick to the insurgents worries officials.",
        "Elders are negotiating the handover of Brennick to the Ash Front.",
    ],
)
def test_a_change_only_thought_of_gives_no_frame(frames_of, sentence: str) -> None:
    assert [f for f in selected(frames_of(sentence)) if f.place.id == "XX0102"] == []


def test_once_as_formerly_leaves_the_statement_asserted(frames_of) -> None:
    frame = only_selected(frames_of("Once a government stronghold, Brennick fell to the insurgents on Sunday."))
    assert (frame.place.id, frame.gainer) == ("XX0102", "front")


def test_a_noun_of_withdrawal_after_to_is_a_verb_of_its_subject(frames_of) -> None:
    frame = only_selected(frames_of("Front fighters were forced to retreat from Brennick."))
    assert (frame.place.id, frame.trigger_class, frame.leaver) == ("XX0102", "withdrawal", "front")


@pytest.mark.parametrize(
    ("sentence", "gainer"),
    [
        ("Government troops secured Brennick after heavy fighting.", "government"),
        ("Government troops completed the capture of Brennick.", "government"),
        ("The insurgents are said to be in full control of Brennick.", "front"),
    ],
)
def test_more_ways_of_taking_and_holding(frames_of, sentence: str, gainer: str) -> None:
    frame = only_selected(frames_of(sentence))
    assert (frame.place.id, frame.trigger_class, frame.gainer) == ("XX0102", "gain", gainer)


def test_securing_something_else_is_no_taking(frames_of) -> None:
    assert selected(frames_of("The army secured the release of hostages in Brennick.")) == []


def test_hills_overlooking_a_place_are_not_the_place(frames_of) -> None:
    assert selected(frames_of("Government troops took the hills overlooking Brennick.")) == []


def test_a_place_changing_hands_again_and_again_is_no_one_event(frames_of) -> None:
    assert selected(frames_of("Brennick has changed hands several times since the spring.")) == []


@pytest.mark.parametrize(
    ("sentence", "attacker"),
    [
        ("Brennick came under heavy attack by the insurgents overnight.", "front"),
        ("Brennick was attacked by government troops.", "government"),
    ],
)
def test_an_attack_on_a_place_is_a_clash_by_the_attacker(frames_of, sentence: str, attacker: str) -> None:
    frame = only_selected(frames_of(sentence))
    assert (frame.place.id, frame.trigger_class, frame.attacker) == ("XX0102", "clash", attacker)


@pytest.mark.parametrize(
    "sentence",
    [
        "The ministry denied that Brennick had fallen to the insurgents.",
        "Officials rejected Front claims to have captured Brennick.",
        "Brennick is still contested, with neither side in full control.",
    ],
)
def test_a_denied_or_unheld_statement_is_negated(frames_of, sentence: str) -> None:
    frames = selected(frames_of(sentence))
    assert frames and all(f.negated for f in frames)


@pytest.mark.parametrize(
    ("sentence", "gainer"),
    [
        ("Insurgents have held Brennick since July.", "front"),
        ("The loss of Brennick leaves government troops without a foothold.", "front"),
        ("For the Ash Front, losing Brennick was a heavy blow.", "government"),
        ("Government troops wrested Brennick back from the insurgents.", "government"),
        ("The Ash Front raised its black banner over Brennick.", "front"),
    ],
)
def test_holding_losing_and_taking_in_other_words(frames_of, sentence: str, gainer: str) -> None:
    frame = only_selected(frames_of(sentence))
    assert (frame.place.id, frame.trigger_class, frame.gainer) == ("XX0102", "gain", gainer)


def test_the_second_of_two_verbs_shares_the_subject(frames_of) -> None:
    frames = selected(frames_of("Government troops liberated Brennick but lost Tarrow."))
    assert {(f.place.id, f.gainer) for f in frames} == {("XX0102", "government"), ("XX0202", "front")}


def test_a_failed_attempt_to_take_a_place_is_a_fight_for_it(frames_of) -> None:
    frame = only_selected(frames_of("Front fighters attempted to storm Brennick but were repelled."))
    assert (frame.place.id, frame.trigger_class) == ("XX0102", "clash")
    assert selected(frames_of("Front fighters attempted to storm Brennick.")) == []


@pytest.mark.parametrize(
    ("sentence", "partial"),
    [
        ("Most of Brennick has fallen to the Ash Front.", False),
        ("Front fighters overran much of Brennick on Monday.", False),
        ("The central parts of Brennick fell to the insurgents.", False),
        ("The Ash Front now controls the bulk of Brennick.", False),
        ("Front fighters overran some areas of Brennick on Monday.", True),
        ("Parts of Brennick fell to the insurgents.", True),
        # A change of hands said to be short of complete is no fall yet.
        ("The Ash Front has almost completely gained control of Brennick.", True),
        ("Front fighters nearly captured Brennick on Monday.", True),
    ],
)
def test_most_of_a_place_changes_hands_with_it(frames_of, sentence: str, partial: bool) -> None:
    """Most of a place, or its core, is the place as a map shows it; its edges or
    some of its areas are not (an assault on it: partial)."""
    frame = only_selected(frames_of(sentence))
    assert (frame.place.id, frame.partial) == ("XX0102", partial)


def test_most_of_a_province_is_not_all_its_units(frames_of) -> None:
    """A province holds many of the map's units: most of it is not all of them."""
    frame = only_selected(frames_of("Most of Kestria province is now under Front control."))
    assert (frame.place.id, frame.partial) == ("XX02", True)


@pytest.mark.parametrize(
    "sentence",
    [
        "Officials fear Brennick may be the next to fall.",
        "The insurgents are planning an assault on Brennick, officials warned.",
    ],
)
def test_what_may_come_is_no_frame(frames_of, sentence: str) -> None:
    assert selected(frames_of(sentence)) == []


def test_they_left_the_one_place_just_named(frames_of) -> None:
    just_named = Discourse(last_places=["XX0102"], last_places_sentence=3, sentence_index=4)
    frame = only_selected(frames_of("On Tuesday they pulled out.", just_named))
    assert (frame.place.id, frame.trigger_class, frame.found_by) == ("XX0102", "withdrawal", "follow-up")


def test_the_seat_of_a_places_authority_stands_for_the_place(frames_of) -> None:
    frame = only_selected(frames_of("Front fighters raised their banner over the governor's compound in Brennick."))
    assert (frame.place.id, frame.partial, frame.trigger_class) == ("XX0102", False, "gain")
    assert only_selected(frames_of("Front fighters seized a compound in Brennick.")).partial


def test_the_subject_of_a_verb_after_a_relative_clause_is_what_the_clause_hangs_on(frames_of) -> None:
    frames = selected(frames_of(
        "Brennick, which had been under Front control since July, was retaken by government troops on Saturday."
    ))
    assert ("XX0102", "government") in {(f.place.id, f.gainer) for f in frames if f.trigger.name == "was-retaken"}


def test_a_change_only_begun_is_not_done(frames_of) -> None:
    assert selected(frames_of("Government troops have begun the liberation of Brennick.")) == []
    frame = only_selected(frames_of("Government troops completed the liberation of Brennick."))
    assert (frame.place.id, frame.gainer) == ("XX0102", "government")


def test_settlements_taken_in_a_place_are_part_of_it(frames_of) -> None:
    frame = only_selected(frames_of("Government troops retook 40 settlements in Brennick."))
    assert frame.partial


def test_a_side_suffering_a_loss_is_the_side_that_lost(frames_of) -> None:
    frame = only_selected(frames_of("The government side suffered a setback with the loss of Brennick."))
    assert (frame.place.id, frame.gainer, frame.leaver) == ("XX0102", "front", "government")


def test_the_subject_of_a_clause_that_ends_in_an_adjunct_did_it(frames_of) -> None:
    """"X said ... after taking over P": X took P, not a side named after it."""
    frames = frames_of("The Ash Front said it controls Kestria after taking over Brennick, where soldiers held out.")
    taken = [f for f in selected(frames) if f.place.id == "XX0102" and f.trigger.name == "took-over"]
    assert [(f.gainer, f.negated) for f in taken] == [("front", False)]
