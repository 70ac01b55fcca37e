"""Stage 2, `linking.PlaceLinker`: one place and one role for each name of a sentence.

Specification:

- a name standing for several places is resolved by the words around it (a
  level word, a province named nearby, the provinces the report talked about);
- its *role* says what the name does in its sentence: ``event`` (it may be
  where something happened), ``context`` (it only says where another place
  lies), ``relation`` (a landmark after a relational word), ``speaker`` (who
  speaks or serves), ``facility`` (a facility in it is meant);
- "the capital of X" means X's capital;
- words of a person's name, an honorific or a dateline are no place;
- `Discourse` remembers what the report talked about, and `resolve_anaphor`
  finds what "the provincial capital", "the district", "the city" and "it"
  stand for.

The stage is fed `SentenceMentions` built straight from the gazetteer: it
needs no `MentionFinder`.
"""

from __future__ import annotations

import pytest

from frontlines.extract.linking import ROLES, Discourse, LinkedPlace, PlaceLinker
from frontlines.extract.mentions import MentionFinder
from frontlines.models import Place
from frontlines.places.gazetteer import Gazetteer
from frontlines.profile import Profile

from .conftest import CAPITALS, by_name, document, invented_places, one_sentence, sentence_mentions


@pytest.fixture
def link(gazetteer: Gazetteer, linker: PlaceLinker):  # type: ignore[no-untyped-def]
    def run(text: str, discourse: Discourse | None = None) -> list[LinkedPlace]:
        linked = linker.link(sentence_mentions(gazetteer, text), discourse or Discourse())
        assert all(lp.role in ROLES for lp in linked)
        assert all(text[lp.start : lp.end] == lp.text for lp in linked)
        return linked

    return run


# --- roles -----------------------------------------------------------------------


def test_the_province_of_a_district_of_a_province_is_context(link) -> None:
    linked = link("Insurgents seized Tarrow district of Kestria province on Sunday.")
    tarrow, kestria = by_name(linked, "Tarrow"), by_name(linked, "Kestria")
    assert (tarrow.place.id, tarrow.role) == ("XX0202", "event")
    assert (kestria.place.id, kestria.role) == ("XX02", "context")


@pytest.mark.parametrize(
    "sentence",
    [
        "Insurgents seized Marrow district of Kestria province on Sunday.",
        "Kestria's Marrow district was overrun by insurgents.",
        "Marrow district in the eastern province of Kestria fell on Sunday.",
    ],
)
def test_a_name_told_in_a_province_none_of_its_bearers_lies_in_is_that_provinces_unit_spelt_alike(
    link, sentence: str
) -> None:
    # No Marrow lies in Kestria; Kestria's Tarrow is spelt nearly alike.
    assert by_name(link(sentence), "Marrow").place.id == "XX0202"


def test_a_list_of_names_is_no_name_placed_in_a_province(link) -> None:
    # "Marrow, Kestria and Ivel": three places, not Marrow in Kestria.
    assert by_name(link("Insurgents seized Marrow, Kestria and Ivel on Sunday."), "Marrow").place.id != "XX0202"


@pytest.mark.parametrize(
    ("sentence", "place_id"),
    [
        ("Insurgents seized Marrow district of Ardenne province.", "XX0303"),  # a Marrow lies there
        ("Insurgents seized Pell district of Kestria province.", "XX0302"),  # no Kestria unit is like Pell
    ],
)
def test_a_province_corrects_only_a_name_it_does_not_hold_and_a_spelling_close_enough(
    link, sentence: str, place_id: str
) -> None:
    assert by_name(link(sentence), sentence.split()[2]).place.id == place_id


@pytest.mark.parametrize(
    "sentence",
    [
        "Insurgents seized the governor's compound in Norvale on Monday.",
        "Front fighters stormed the presidential palace in Norvale.",
        "The provincial police headquarters in Ardenne fell overnight.",
    ],
)
def test_the_seat_of_power_in_a_name_shared_by_a_province_and_its_capital_is_the_capital(
    link, sentence: str
) -> None:
    # The seat stands in the city; "in X" after it names no province around something.
    name = "Norvale" if "Norvale" in sentence else "Ardenne"
    found = by_name(link(sentence), name)
    assert found.place.level != "admin1" and found.role == "event"


def test_a_seat_of_power_in_a_place_called_a_province_stays_in_the_province(link) -> None:
    found = by_name(link("Insurgents stormed police headquarters in Norvale province."), "Norvale")
    assert (found.place.id, found.role) == ("XX01", "context")


def test_the_centre_of_a_district_of_a_province_is_the_districts_not_the_provinces_capital(link) -> None:
    linked = link("The centre of Tarrow district of Kestria was overrun on Sunday.")
    kestria = by_name(linked, "Kestria")
    assert (kestria.role, kestria.as_capital) == ("context", False)
    assert by_name(link("Insurgents seized the centre of Kestria province."), "Kestria").as_capital


def test_a_possessive_province_is_context(link) -> None:
    linked = link("Kestria's Tarrow district was overrun by insurgents.")
    assert by_name(linked, "Kestria").role == "context"
    assert by_name(linked, "Tarrow").role == "event"


@pytest.mark.parametrize(
    ("sentence", "name"),
    [
        ("Insurgents attacked a checkpoint 40 km from Ivel.", "Ivel"),
        ("Clashes erupted near Lumen on Monday.", "Lumen"),
        ("Insurgents blocked the road to Lumen.", "Lumen"),
        # A line of advance is named for where it leads, not where it is.
        ("Soldiers advanced in the direction of Lumen.", "Lumen"),
        ("Insurgents attacked in the Tarrow direction on Monday.", "Tarrow"),
        ("Soldiers repelled attacks in the Tarrow-Ivel direction.", "Tarrow"),
        ("Soldiers repelled attacks in the Tarrow-Ivel direction.", "Ivel"),
        ("Heavy fighting went on along the Pell axis.", "Pell"),
        # What the army defends it holds: neither left nor taken.
        ("Soldiers pulled out of Brennick to concentrate on the defence of Ivel.", "Ivel"),
        # A hyphen joins the names of one compound, which go on as landmarks.
        ("Soldiers pulled out of Brennick to concentrate on the defence of the Ivel-Pell area.", "Pell"),
    ],
)
def test_a_landmark_after_a_relational_word_is_a_relation(link, sentence: str, name: str) -> None:
    landmark = by_name(link(sentence), name)
    assert landmark.role == "relation"
    assert landmark.relation


def test_the_relation_word_is_kept(link) -> None:
    assert by_name(link("Clashes erupted near Lumen on Monday."), "Lumen").relation == "near"


@pytest.mark.parametrize(
    ("sentence", "name", "place_id"),
    [
        ("The governor of Kestria said the situation was calm.", "Kestria", "XX02"),
        ("The governor of Norvale said the situation was calm.", "Norvale", "XX01"),
        ("The Tarrow police chief said insurgents attacked Cobble.", "Tarrow", "XX0202"),
        # A body named after its province: "Provincial" starts no longer name.
        ("The chairman of the Kestria Provincial Assembly said the city was calm.", "Kestria", "XX02"),
        ("The Kestria Provincial Council said the city was calm.", "Kestria", "XX02"),
    ],
)
def test_who_speaks_or_serves_is_a_speaker(link, sentence: str, name: str, place_id: str) -> None:
    speaker = by_name(link(sentence), name)
    assert (speaker.role, speaker.place.id) == ("speaker", place_id)


def test_the_place_of_a_facility_is_a_facility(link) -> None:
    assert by_name(link("Insurgents shelled Lumen airport on Monday."), "Lumen").role == "facility"


def test_a_place_where_something_happened_is_an_event(link) -> None:
    linked = link("The Tarrow police chief said insurgents attacked Cobble.")
    cobble = by_name(linked, "Cobble")
    assert (cobble.place.id, cobble.role) == ("xx:cobble", "event")


def test_a_list_after_a_landmark_goes_on_as_landmarks(link) -> None:
    linked = link("Insurgents blocked the road between Tarrow and Ivel.")
    assert [lp.role for lp in linked] == ["relation", "relation"]


# --- which place ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "place_id"),
    [
        ("Insurgents captured Norvale province.", "XX01"),
        ("Insurgents captured Norvale district.", "XX0101"),
        ("Insurgents captured Norvale.", "XX0101"),  # a capital is in the news more than a province
    ],
)
def test_level_words_choose_among_namesakes(link, sentence: str, place_id: str) -> None:
    assert by_name(link(sentence), "Norvale").place.id == place_id


def test_the_capital_of_a_province_is_its_capital(link, linker: PlaceLinker) -> None:
    kestria = by_name(link("The Ash Front captured the capital of Kestria."), "Kestria")
    assert kestria.place.id == "XX02" and kestria.as_capital
    event_place = linker.event_place(kestria)
    assert event_place is not None and event_place.id == "XX0201"


def test_a_city_with_its_province_in_apposition_is_the_city(link, linker: PlaceLinker) -> None:
    linked = link("Lumen, the capital of Kestria, fell to the Ash Front.")
    lumen, kestria = by_name(linked, "Lumen"), by_name(linked, "Kestria")
    assert lumen.role == "event" and lumen.place.id == "XX0201"
    assert kestria.role == "context" and not kestria.as_capital


@pytest.mark.parametrize(
    ("sentence", "place_id"),
    [
        ("Insurgents captured Marrow district of Ardenne province.", "XX0303"),
        ("Insurgents captured Marrow district of Norvale province.", "XX0104"),
        ("In Ardenne province, insurgents captured Marrow district.", "XX0303"),
    ],
)
def test_a_province_named_nearby_tells_namesake_districts_apart(link, sentence: str, place_id: str) -> None:
    marrow = by_name(link(sentence), "Marrow")
    assert marrow.place.id == place_id
    assert marrow.ambiguous


def test_the_provinces_the_report_talked_about_tell_namesakes_apart(link, linker: PlaceLinker) -> None:
    for province, expected in (("XX03", "XX0303"), ("XX01", "XX0104")):
        discourse = Discourse()
        linker.remember(linker.places[province], discourse)
        assert by_name(link("Insurgents captured Marrow on Monday.", discourse), "Marrow").place.id == expected


@pytest.mark.parametrize(
    "sentence",
    [
        "Mr. Tarrow said the road was open.",  # an honorific: a person
        "Commander Abdul Ivel said the road was open.",  # a capitalised word before: a person's name
        "Lumen, June 21 (Wire) - The road was open.",  # a dateline
    ],
)
def test_names_that_are_no_place(link, sentence: str) -> None:
    assert [lp.text for lp in link(sentence)] == []


def test_a_titles_abbreviation_is_no_place_even_where_a_place_bears_its_letters(profile: Profile) -> None:
    places = [*invented_places(), Place("xx:col", "Col", "populated_place", parent_id="XX0202",
                                        admin1="XX02", admin2="XX0202", population=900)]
    gazetteer = Gazetteer(places, capitals=CAPITALS)
    linker = PlaceLinker(gazetteer, profile)
    text = "Col. Ardo Vess said insurgents had taken Lumen."
    linked = linker.link(sentence_mentions(gazetteer, text), Discourse())
    assert [lp.text for lp in linked] == ["Lumen"]
    # The village itself, named as a place, still is one.
    text = "Insurgents took Col on Monday."
    assert [lp.text for lp in linker.link(sentence_mentions(gazetteer, text), Discourse())] == ["Col"]


# --- memory and words standing for places ------------------------------------------------


def test_discourse_remembers_provinces_and_the_last_district_and_city(linker: PlaceLinker) -> None:
    discourse = Discourse()
    linker.remember(linker.places["XX0202"], discourse)
    linker.remember(linker.places["xx:lumen"], discourse)
    assert discourse.provinces["XX02"] == 2
    assert discourse.last_province == "XX02"
    assert discourse.last_district == "XX0202"
    assert discourse.last_city == "xx:lumen"
    # A name that only says who speaks counts for its province, not as a place to refer back to.
    linker.remember(linker.places["XX0303"], discourse, local=False)
    assert discourse.last_province == "XX03"
    assert discourse.last_district == "XX0202"


def test_the_title_is_remembered(gazetteer: Gazetteer, linker: PlaceLinker) -> None:
    discourse = Discourse()
    linker.remember_title(gazetteer.find_mentions("Insurgents take Tarrow"), discourse)
    assert discourse.last_district == "XX0202" and discourse.last_province == "XX02"


def test_the_provincial_capital_is_the_capital_of_the_province_named(gazetteer: Gazetteer,
                                                                     linker: PlaceLinker) -> None:
    text = "In Kestria province, insurgents entered the provincial capital."
    linked = linker.link(sentence_mentions(gazetteer, text), Discourse())
    place = linker.resolve_anaphor("the provincial capital", linked, text.index("the provincial"), Discourse())
    assert place is not None and place.id == "XX0201"


def test_the_provincial_capital_in_apposition_is_the_place_just_named(gazetteer: Gazetteer,
                                                                      linker: PlaceLinker) -> None:
    text = "Insurgents entered Lumen, the provincial capital."
    linked = linker.link(sentence_mentions(gazetteer, text), Discourse())
    at = text.index("the provincial")
    place = linker.resolve_anaphor("the provincial capital", linked, at, Discourse())
    assert place is not None and place.id == linked[0].place.id


def test_the_provincial_capital_without_a_province_named_is_that_of_the_report(linker: PlaceLinker) -> None:
    discourse = Discourse()
    linker.remember(linker.places["XX03"], discourse)
    place = linker.resolve_anaphor("the provincial capital", [], 10, discourse)
    assert place is not None and place.id == "XX0301"


def test_the_district_and_the_city_are_the_ones_remembered(linker: PlaceLinker) -> None:
    discourse = Discourse()
    linker.remember(linker.places["XX0202"], discourse)
    linker.remember(linker.places["xx:lumen"], discourse)
    district = linker.resolve_anaphor("the district", [], 0, discourse)
    city = linker.resolve_anaphor("the city", [], 0, discourse)
    assert district is not None and district.id == "XX0202"
    assert city is not None and city.id == "xx:lumen"


def test_it_is_the_place_of_the_last_event(linker: PlaceLinker) -> None:
    discourse = Discourse(last_event_place="XX0203")
    place = linker.resolve_anaphor("it", [], 0, discourse)
    assert place is not None and place.id == "XX0203"
    assert linker.resolve_anaphor("it", [], 0, Discourse()) is None


def test_a_capital_district_is_a_seat_and_a_small_town_is_not(linker: PlaceLinker) -> None:
    places = linker.places
    assert linker.is_seat(places["XX0201"])
    assert not linker.is_seat(places["XX0202"])
    assert not linker.is_seat(places["xx:cobble"])
    assert linker.is_seat(places["xx:lumen"])  # a sizeable town in the capital district


def test_a_capitalised_word_the_gazetteer_does_not_know_names_an_unknown_place(linker: PlaceLinker) -> None:
    assert linker.names_unknown_place("insurgents captured Grimsholt port and")
    assert not linker.names_unknown_place("insurgents and soldiers fought for")


# --- a place as a whole ------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "phrase"),
    [
        ("All districts of Kestria have fallen to the insurgents.", "All districts of Kestria"),
        ("The Ash Front seized all 3 districts of Kestria.", "all 3 districts of Kestria"),
        ("Every district in Kestria is now held by the insurgents.", "Every district in Kestria"),
        ("Insurgents took the entire province of Kestria on Monday.", "entire province of Kestria"),
        ("The whole of Kestria fell to the Ash Front.", "whole of Kestria"),
        ("All of Kestria's districts were overrun.", "All of Kestria's districts"),
        ("All Kestria districts are in the hands of the Front.", "All Kestria districts"),
    ],
)
def test_a_province_named_through_all_its_parts_is_the_province_itself(
    link, sentence: str, phrase: str
) -> None:
    (whole,) = [lp for lp in link(sentence) if lp.place.id == "XX02"]
    assert (whole.role, whole.text) == ("event", phrase)


@pytest.mark.parametrize(
    "sentence",
    [
        "Insurgents seized two districts of Kestria on Monday.",  # a count, not all
        "All of Kestria's police were put on alert.",  # all of something else
    ],
)
def test_some_parts_or_other_things_of_a_province_are_not_the_province(link, sentence: str) -> None:
    (kestria,) = [lp for lp in link(sentence) if lp.place.id == "XX02"]
    assert (kestria.text, kestria.role) == ("Kestria", "context")


def test_a_capital_saying_something_is_its_government_speaking(link) -> None:
    assert by_name(link("Insurgents took Brennick on Monday, Lumen admitted."), "Lumen").role == "speaker"
    assert by_name(link("Lumen has denied that Brennick fell."), "Lumen").role == "speaker"


def test_people_of_a_place_saying_something_leave_the_place_a_place(link) -> None:
    assert by_name(link("Residents of Lumen said the insurgents had left."), "Lumen").role != "speaker"


# --- one report, one place per name ---------------------------------------------------


def test_a_name_shared_by_two_places_is_the_one_near_the_others(gazetteer: Gazetteer, linker: PlaceLinker) -> None:
    discourse = Discourse()
    sentence = sentence_mentions(gazetteer, "Insurgents took Brennick, Sallow and Marrow on Sunday.")
    linker.survey([sentence], discourse)
    assert by_name(linker.link(sentence, discourse), "Marrow").place.id == "XX0104"  # in Norvale
    discourse = Discourse()
    sentence = sentence_mentions(gazetteer, "Insurgents took Pell and Marrow on Sunday.")
    linker.survey([sentence], discourse)
    assert by_name(linker.link(sentence, discourse), "Marrow").place.id == "XX0303"  # in Ardenne


def test_the_same_name_is_the_same_place_throughout_a_report(gazetteer: Gazetteer, linker: PlaceLinker) -> None:
    discourse = Discourse()
    first = sentence_mentions(gazetteer, "Insurgents took Pell and Marrow on Sunday.")
    later = sentence_mentions(gazetteer, "Marrow had been quiet for months.")
    linker.survey([first, later], discourse)
    linker.link(first, discourse)
    assert by_name(linker.link(later, discourse), "Marrow").place.id == "XX0303"


@pytest.mark.parametrize(
    "sentence",
    [
        "Lumen Independent reported that insurgents took Brennick.",
        "Tarrow People's Front fighters attacked Brennick.",
    ],
)
def test_a_place_name_opening_a_longer_name_is_no_place(link, sentence: str) -> None:
    first = sentence.split()[0]
    assert all(lp.text != first for lp in link(sentence))


def test_a_place_before_a_word_saying_what_it_is_or_a_day_stays_a_place(link) -> None:
    assert by_name(link("Insurgents entered Lumen Tuesday."), "Lumen").role == "event"
    assert by_name(link("Insurgents overran the Tarrow District headquarters."), "Tarrow")


def test_the_province_means_one_named_before_not_after(gazetteer: Gazetteer, linker: PlaceLinker) -> None:
    text = "Insurgents now hold Kestria, the entire province, and reached a district of Norvale province."
    sentence = sentence_mentions(gazetteer, text)
    linked = linker.link(sentence, Discourse())
    assert linker.resolve_anaphor("the entire province", linked, text.index("the entire"), Discourse()).id == "XX02"


def test_a_province_owning_its_capital_is_context(link) -> None:
    linked = link("Insurgents seized Kestria province's capital Lumen on Sunday.")
    assert by_name(linked, "Kestria").role == "context"


@pytest.mark.parametrize(
    ("sentence", "role"),
    [
        ("The Ash Front took full control of Kestria on Monday.", "event"),
        ("Insurgents captured Kestria after a week of fighting.", "event"),
        ("Insurgents captured a town in Kestria.", "context"),  # where, not what
        ("Fighting in Kestria went on all week.", "context"),  # fighting in a province is where
    ],
)
def test_a_bare_province_is_the_province_only_as_what_was_taken(
    finder: MentionFinder, linker: PlaceLinker, sentence: str, role: str
) -> None:
    # With the sentence's triggers found, as the extractor links it.
    linked = linker.link(one_sentence(finder, sentence), Discourse())
    (kestria,) = [lp for lp in linked if lp.place.id == "XX02"]
    assert kestria.role == role


def test_a_surname_named_in_full_is_a_person_later_in_the_report(profile: Profile) -> None:
    # A village that bears a person's surname only as an old, alternate name.
    village = Place("xx:dunmore", "Dunmore", "populated_place", parent_id="XX0203", admin1="XX02",
                    admin2="XX0203", lat=10.0, lon=30.0, population=400, alt_names=("Harlan",))
    gazetteer = Gazetteer([*invented_places(), village], capitals=CAPITALS)
    linker = PlaceLinker(gazetteer, profile)
    finder = MentionFinder(gazetteer, profile)
    found = finder(document("President Edwin Harlan spoke on Monday. Insurgents captured Lumen, a blow to Harlan."))
    discourse = Discourse()
    linked = [lp for sentence in found.sentences for lp in linker.link(sentence, discourse)]
    assert [lp.place.id for lp in linked] == ["XX0201"]
    # The village's main name is still a place.
    found = finder(document("Insurgents captured Dunmore on Monday."))
    assert [lp.place.id for lp in linker.link(found.sentences[0], Discourse())] == ["xx:dunmore"]


@pytest.mark.parametrize(
    "sentence",
    [
        "Most of Kestria, bar Lumen and two districts, is under Front control.",
        "All districts except Tarrow have fallen to the insurgents.",
        "Every base other than Tarrow was abandoned.",
    ],
)
def test_a_place_after_an_exceptive_is_left_out(link, sentence: str) -> None:
    left_out = [lp for lp in link(sentence) if lp.text in ("Lumen", "Tarrow")]
    assert left_out and all(lp.role == "context" for lp in left_out)


def test_the_capital_right_after_a_provincial_capital_fell_is_that_capital(linker: PlaceLinker) -> None:
    told = Discourse(last_event_place="XX0201", last_event_sentence=3, sentence_index=4)
    capital = linker.resolve_anaphor("the capital", [], 0, told)
    assert capital is not None and capital.id == "XX0201"
