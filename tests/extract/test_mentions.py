"""Stage 1, `mentions.MentionFinder`: what a report names, in one cheap pass.

Specification:

- every sentence carries the gazetteer names it holds, ambiguity kept, with
  offsets relative to the sentence;
- only a sentence holding a trigger phrase is read further: its triggers, its
  actors (the profile's aliases) and its date expressions; any other sentence
  keeps only its places, however many actors and dates it names;
- where two trigger phrases overlap, the longer wins; a verb used as a noun
  ("the city's fall") is no trigger;
- a profile may add trigger phrases of its own;
- the title's places are found too (they tell the reader what the report is about).
"""

from __future__ import annotations

import pytest

from frontlines.extract.mentions import MentionFinder, TriggerMention
from frontlines.places.gazetteer import Gazetteer
from frontlines.profile import Profile, parse_profile

from .conftest import PROFILE_TEXT, document, one_sentence


def test_only_trigger_sentences_are_read_for_triggers_actors_and_dates(finder: MentionFinder) -> None:
    text = (
        "Soldiers patrolled the market of Lumen on Monday. "
        "Front fighters captured Tarrow district on Sunday.\n\n"
        "The city of Lumen was calm on Tuesday."
    )
    found = finder(document(text))
    quiet, event, calm = found.sentences

    assert not quiet.has_trigger
    assert [m.text for m in quiet.places] == ["Lumen"]
    # An actor alias ("Soldiers") and a date ("on Monday") are there, but the
    # sentence holds no trigger: nobody looks at it again (unless a later
    # sentence refers back to its actors: see the staged extractor).
    assert quiet.actors == [] and quiet.dates == []

    assert event.has_trigger
    assert [(t.kind, t.voice) for t in event.triggers] == [("capture", "active")]
    assert [a.actor for a in event.actors] == ["front"]
    assert [d.text for d in event.dates] == ["on Sunday"]
    assert [m.text for m in event.places] == ["Tarrow"]

    assert not calm.has_trigger and calm.dates == []


def test_offsets_are_relative_to_the_sentence(finder: MentionFinder) -> None:
    text = "Nothing happened in Ivel. Insurgents seized Cobble on Monday."
    second = finder(document(text)).sentences[1]
    assert text[second.start : second.end] == second.text
    for span in [*second.places, *second.triggers, *second.actors, *second.dates]:
        assert 0 <= span.start < span.end <= len(second.text)
    place, trigger, actor, when = second.places[0], second.triggers[0], second.actors[0], second.dates[0]
    assert second.text[place.start : place.end] == "Cobble"
    assert second.text[trigger.start : trigger.end] == "seized"
    assert second.text[actor.start : actor.end] == "Insurgents"
    assert second.text[when.start : when.end] == "on Monday"
    # Back to document offsets with the sentence's start.
    assert text[second.start + place.start : second.start + place.end] == "Cobble"


def test_an_ambiguous_name_keeps_every_candidate_and_the_level_words(finder: MentionFinder) -> None:
    sentence = one_sentence(finder, "Insurgents captured the city of Lumen and Norvale province.")
    lumen, norvale = sentence.places
    # Lumen is a district and a city: the finder keeps both, linking chooses.
    assert set(lumen.place_ids) == {"XX0201", "xx:lumen"}
    assert lumen.level_hint == "city"
    assert {"XX01", "XX0101"} <= set(norvale.place_ids)
    assert norvale.level_hint == "province"


def test_the_title_places_are_found(finder: MentionFinder) -> None:
    found = finder(document("Insurgents captured the district on Monday.", title="Tarrow falls"))
    assert [m.place_ids for m in found.title_places] == [("XX0202",)]


@pytest.mark.parametrize(
    ("sentence", "phrase", "kind", "voice"),
    [
        ("The Ash Front captured Brennick district.", "captured", "capture", "active"),
        ("Brennick district was captured by the Ash Front.", "was captured", "capture", "passive"),
        ("Brennick fell to the Ash Front.", "fell", "capture", "passive"),
        ("The Ash Front took control of Brennick.", "took control of", "capture", "active"),
        ("Soldiers retook Ivel district.", "retook", "recapture", "active"),
        ("The Ash Front has laid siege to Lumen.", "laid siege to", "siege", "active"),
        ("Soldiers withdrew from Sallow district.", "withdrew", "withdrawal", "active"),
        ("The Ash Front accepted the surrender of Pell district.", "accepted the surrender of", "surrender",
         "active"),
        ("Lumen is still under seige.", "under seige", "siege", "passive"),  # a frequent misspelling
        ("The Tarrow garrison defected to the Ash Front.", "defected to", "surrender", "active"),
    ],
)
def test_trigger_phrases_with_their_kind_and_voice(
    finder: MentionFinder, sentence: str, phrase: str, kind: str, voice: str
) -> None:
    hits = finder.find_triggers(sentence)
    assert [(sentence[h.start : h.end], h.kind, h.voice) for h in hits] == [(phrase, kind, voice)]


def test_the_longer_of_two_overlapping_triggers_wins(finder: MentionFinder) -> None:
    sentence = "Tarrow district has fallen under Front control."
    hits = finder.find_triggers(sentence)
    assert len(hits) == 1
    assert sentence[hits[0].start : hits[0].end].startswith("fallen under")


def test_a_trigger_verb_used_as_a_noun_is_no_trigger(finder: MentionFinder) -> None:
    assert finder.find_triggers("The city's fall shocked the residents of Lumen.") == []
    assert finder.find_triggers("Lumen fell.") != []


def test_sentences_without_a_trigger_stem_are_skipped_cheaply(finder: MentionFinder) -> None:
    assert finder.find_triggers("The governor of Kestria opened a school in Lumen on Monday.") == []


def test_a_distance_after_located_is_geography_not_a_siege(finder: MentionFinder) -> None:
    assert finder.find_triggers("Cobble, located 30 kilometres south of Lumen, was quiet.") == []


@pytest.mark.parametrize(
    "sentence",
    [
        "Cobble is located 30 kilometres south of Lumen, residents said.",
        "Cobble, which is 30 km from Lumen, was captured by insurgents.",
    ],
)
def test_a_distance_that_only_says_where_a_place_lies_is_no_siege(finder: MentionFinder, sentence: str) -> None:
    assert [h.kind for h in finder.find_triggers(sentence)] in ([], ["capture"])


def test_actors_are_found_longest_alias_first(finder: MentionFinder) -> None:
    text = "The Ash Front and the Vale Militia fought soldiers near Cobble."
    actors = finder.find_actors(text)
    assert [(text[a.start : a.end], a.actor) for a in actors] == [
        ("The Ash Front", "front"),
        ("the Vale Militia", "militia"),
        ("soldiers", "government"),
    ]


PROFILE_WITH_TRIGGERS = PROFILE_TEXT.replace(
    "[start]", '[triggers]\ncapture = ["lit the ash beacon over"]\n\n[start]'
)


def test_a_profile_adds_trigger_phrases_of_its_own(gazetteer: Gazetteer) -> None:
    sentence = "After a long siege, the Ash Front lit the ash beacon over Ivel district."
    plain = MentionFinder(gazetteer, parse_profile(PROFILE_TEXT, "<plain>"))
    assert "profile-capture" not in [h.name for h in plain.find_triggers(sentence)]
    profile: Profile = parse_profile(PROFILE_WITH_TRIGGERS, "<with-triggers>")
    hits = [h for h in MentionFinder(gazetteer, profile).find_triggers(sentence) if h.name == "profile-capture"]
    assert [(sentence[h.start : h.end], h.kind, h.voice) for h in hits] == [
        ("lit the ash beacon over", "capture", "active")
    ]


def test_a_profile_trigger_phrase_is_found_alone(gazetteer: Gazetteer) -> None:
    profile: Profile = parse_profile(PROFILE_WITH_TRIGGERS, "<with-triggers>")
    hits: list[TriggerMention] = MentionFinder(gazetteer, profile).find_triggers(
        "The Ash Front lit the ash beacon over Ivel district."
    )
    assert [h.name for h in hits] == ["profile-capture"]


def test_stand_off_fire_is_a_clash_only_where_the_profile_says_so(gazetteer: Gazetteer) -> None:
    # The lexicon leaves artillery and rockets out ("a rocket attack on X" is no
    # fight for ground); a profile whose war is told through fire on front-line
    # towns names such phrases as clashes of its own.
    sentence = "Artillery shelled Tarrow overnight, and missile strikes hit Ivel."
    plain = MentionFinder(gazetteer, parse_profile(PROFILE_TEXT, "<plain>"))
    assert [h for h in plain.find_triggers(sentence) if h.kind == "clash"] == []
    profile = parse_profile(
        PROFILE_TEXT.replace("[start]", '[triggers]\nclash = ["shelled", "missile strikes"]\n\n[start]'), "<fire>"
    )
    hits = [h for h in MentionFinder(gazetteer, profile).find_triggers(sentence) if h.kind == "clash"]
    assert [sentence[h.start : h.end] for h in hits] == ["shelled", "missile strikes"]


@pytest.mark.parametrize(
    ("sentence", "found"),
    [
        ("The army can hold only the scraps of land it has left.", False),  # what remains
        ("Soldiers guarded what they had left.", False),
        ("The advance left them well placed to strike at Lumen.", False),  # a result
        ("The commander left him in charge of Tarrow.", False),
        ("Soldiers held Tarrow for weeks. On Sunday they left.", True),
        ("The army said its soldiers had left Tarrow district.", True),
    ],
)
def test_left_closing_a_relative_clause_is_no_withdrawal(finder: MentionFinder, sentence: str,
                                                         found: bool) -> None:
    hits = [h for s in finder(document(sentence)).sentences for h in s.triggers if h.name == "retreated"]
    assert bool(hits) is found


def test_an_empty_report_has_no_sentences(finder: MentionFinder) -> None:
    assert finder(document("")).sentences == []
    assert finder(document("   \n  ")).title_places == []


def test_laying_down_its_arms_is_a_surrender(finder: MentionFinder) -> None:
    hits = finder.find_triggers("The garrison of Pell district laid down its arms before the insurgents.")
    assert [h.kind for h in hits] == ["surrender"]


def test_the_passive_of_driving_out_is_a_trigger(finder: MentionFinder) -> None:
    hits = finder.find_triggers("The Ash Front was driven out of Ivel by militiamen.")
    assert hits != []


@pytest.mark.parametrize(
    ("sentence", "actor"),
    [
        ("Pro-government fighters captured Tarrow on Sunday.", "government"),
        ("Government paratroopers captured Tarrow on Sunday.", "government"),
    ],
)
def test_a_sides_adjective_before_any_word_for_armed_men_is_that_side(
    finder: MentionFinder, sentence: str, actor: str
) -> None:
    (first, *_) = finder.find_actors(sentence)
    assert first.actor == actor and first.start == 0


@pytest.mark.parametrize(
    "sentence",
    ["US troops left the airfield on Friday.", "The last foreign soldiers left Lumen.", "Units of Turkish troops arrived."],
)
def test_someone_elses_troops_are_no_side(finder: MentionFinder, sentence: str) -> None:
    assert finder.find_actors(sentence) == []


def test_a_foreign_peoples_troops_opening_a_sentence_are_no_side(finder: MentionFinder) -> None:
    assert finder.find_actors("German troops completed their withdrawal from Lumen.") == []
    assert [a.actor for a in finder.find_actors("Soldiers completed their withdrawal from Lumen.")] == ["government"]
