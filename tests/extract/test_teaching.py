"""`teaching`: general facts of the language of control, in an invented country.

Specification:

- `data/teaching.toml` holds a profile, a map and templates; `load_teaching`
  builds the profile, a gazetteer (the first district of each province its
  capital) and one sentence per template and place type, every placeholder
  filled, rotating deterministically over places, phrasings and sides;
- the country is invented: no place or actor of a real profile;
- `teaching_examples` runs the sentences through the same stages as any
  report and labels each frame with its template's class when it is about the
  template's place, "none" otherwise; computed once, handed out as a copy;
- a sentence of an event class must give the stages a frame, or it teaches
  nothing.
"""

from __future__ import annotations

from collections import Counter

import pytest

from frontlines.extract.frames import FRAME_CLASSES
from frontlines.extract.model import NONE_CLASS
from frontlines.extract.staged import StagedExtractor
from frontlines.extract.teaching import (
    CLASSES,
    PLACE_TYPES,
    TEACHING_WEIGHT,
    Teaching,
    load_teaching,
    teaching_examples,
)
from frontlines.models import Document
from frontlines.profile import builtin_profiles, load_profile


@pytest.fixture(scope="module")
def teaching() -> Teaching:
    return load_teaching()


def test_the_invented_country_has_provinces_with_capitals_and_towns(teaching: Teaching) -> None:
    gazetteer = teaching.gazetteer
    provinces = gazetteer.admin_units("admin1")
    assert len(provinces) >= 2
    for province in provinces:
        capital = gazetteer.capital_of(province.id)
        assert capital == f"{province.id}01"
        assert gazetteer.places[capital].admin1 == province.id
    assert any(p.level == "populated_place" for p in gazetteer.places.values())


def test_the_profile_is_invented_with_sides_to_fight(teaching: Teaching) -> None:
    profile = teaching.profile
    assert profile.name == "teaching"
    assert len(profile.sides) == 2
    assert profile.default_actor in profile.actor_ids
    assert profile.government in profile.actor_ids


def test_no_actor_of_a_real_profile_is_in_it(teaching: Teaching) -> None:
    names = {actor.name.lower() for actor in teaching.profile.actors}
    for name in builtin_profiles():
        real = load_profile(name)
        assert not {a.id for a in real.actors} & set(teaching.profile.actor_ids), name
        assert not {a.name.lower() for a in real.actors} & names, name
        assert real.country != teaching.profile.country


def test_every_sentence_is_filled_in_and_about_a_known_place_and_actor(teaching: Teaching) -> None:
    assert teaching.sentences
    for sentence in teaching.sentences:
        assert "{" not in sentence.text and "}" not in sentence.text, sentence.text
        assert sentence.text[0].isupper()
        assert sentence.label in CLASSES
        assert sentence.place_id in teaching.gazetteer.places
        assert sentence.actor in teaching.profile.actor_ids


def test_every_class_and_place_type_is_taught(teaching: Teaching) -> None:
    labels = Counter(s.label for s in teaching.sentences)
    assert set(labels) == set(CLASSES)
    levels = {teaching.gazetteer.places[s.place_id].level for s in teaching.sentences}
    assert levels == {"admin1", "admin2", "populated_place"}
    assert set(PLACE_TYPES) == {"district", "province", "capital", "town"}


def test_each_template_is_said_of_every_place_type(teaching: Teaching) -> None:
    # One sentence per template and place type, in turn.
    sentences = teaching.sentences
    assert len(sentences) % len(PLACE_TYPES) == 0
    for start in range(0, len(sentences), len(PLACE_TYPES)):
        group = sentences[start : start + len(PLACE_TYPES)]
        assert len({s.label for s in group}) == 1
        places = [teaching.gazetteer.places[s.place_id] for s in group]
        capitals = set(teaching.gazetteer.capitals.values())
        district, province, capital, town = places
        assert district.level == "admin2" and district.id not in capitals
        assert province.level == "admin1"
        assert capital.id in capitals
        assert town.level == "populated_place"


def test_loading_is_deterministic(teaching: Teaching) -> None:
    load_teaching.cache_clear()
    again = load_teaching()
    assert again.sentences == teaching.sentences


def test_teaching_examples_are_labelled_frames(teaching: Teaching) -> None:
    examples = teaching_examples()
    assert examples
    labels = Counter(label for _, label in examples)
    assert set(labels) <= set(CLASSES)
    assert set(FRAME_CLASSES) <= set(labels)  # every kind of event is taught
    assert all(features and features[0] == "bias" for features, _ in examples)


def test_teaching_examples_are_computed_once_and_handed_out_as_a_copy() -> None:
    first = teaching_examples()
    first.clear()
    assert teaching_examples() != []
    assert teaching_examples() == teaching_examples()


def test_the_teaching_weight_is_a_weight(teaching: Teaching) -> None:
    assert 0.0 < TEACHING_WEIGHT <= 1.0


def test_a_none_sentence_states_no_event_about_its_place(teaching: Teaching) -> None:
    extractor = StagedExtractor(teaching.gazetteer, teaching.profile)
    for sentence in teaching.sentences:
        if sentence.label != NONE_CLASS:
            continue
        doc = Document(id="teaching", text=sentence.text, content_hash="t", published="2020-06-10")
        events = [e for e in extractor.extract_batch([doc])[0] if not e.negated]
        assert [e for e in events if sentence.place_id in (e.place_id, e.admin2)] == [], sentence.text


def test_every_event_sentence_gives_the_stages_a_frame(teaching: Teaching) -> None:
    extractor = StagedExtractor(teaching.gazetteer, teaching.profile)
    silent = []
    for sentence in teaching.sentences:
        if sentence.label == NONE_CLASS:
            continue
        doc = Document(id="teaching", text=sentence.text, content_hash="t", published="2020-06-10")
        if not extractor.candidates(doc):
            silent.append(sentence.text)
    assert silent == []
