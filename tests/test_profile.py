"""Profiles: the conflict lives in data, and bad profiles fail with the field named."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from frontlines.profile import ProfileError, builtin_profiles, load_profile, parse_profile

SMALL_PROFILE = """
name = "testland-2030"
country = "MM"
government = "junta"

[start]
date = 2030-01-01
state = "unknown"

[[actors]]
id = "junta"
aliases = ["the military", "Tatmadaw"]

[[actors]]
id = "resistance"
aliases = ["PDF", "People's Defence Force"]
"""


def test_builtin_afghanistan_profile_has_the_offensive_start_state() -> None:
    profile = load_profile("afghanistan-2021")
    assert profile.country == "AF"
    assert profile.government == "government"
    assert profile.start_date == date(2021, 5, 1)
    assert profile.start_state == "government"
    taliban = profile.actor("taliban")
    assert {"Taliban", "insurgents", "militants", "Islamic Emirate", "Mujahideen"} <= set(
        taliban.aliases
    )
    government = profile.actor("government")
    assert {"Afghan forces", "security forces", "ANDSF", "Afghan National Army", "police",
            "commandos", "government forces"} <= set(government.aliases)


def test_a_profile_names_its_national_capital_and_default_actor() -> None:
    afghanistan = load_profile("afghanistan-2021")
    assert afghanistan.national_capital == "AF0101"
    assert afghanistan.default_actor == "taliban"
    assert load_profile("ukraine-2022").national_capital == "UA8000000"
    assert parse_profile(SMALL_PROFILE.replace('government = "junta"', 'government = "junta"\nnational_capital = "MM01"'), "t").national_capital == "MM01"
    assert parse_profile(SMALL_PROFILE, "t").national_capital is None


def test_builtin_profiles_are_listed_and_all_valid() -> None:
    names = builtin_profiles()
    assert "afghanistan-2021" in names and "ukraine-2022" in names
    for name in names:
        assert load_profile(name).name == name


def test_a_user_profile_for_another_conflict_needs_no_code(tmp_path: Path) -> None:
    path = tmp_path / "myanmar.toml"
    path.write_text(SMALL_PROFILE, encoding="utf-8")
    profile = load_profile(str(path))
    assert profile.country_name == "Myanmar"
    assert profile.actor_ids == ("junta", "resistance")
    assert profile.start_state == "unknown"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (('country = "MM"', 'country = "XX"'), "country"),
        (('government = "junta"', 'government = "nobody"'), "government"),
        (('state = "unknown"', 'state = "martians"'), "start.state"),
        (("date = 2030-01-01", 'date = "first of may"'), "start.date"),
        (("date = 2030-01-01", "date = 0001-01-01"), "start.date.: 0001-01-01 is out of range"),
        (('id = "junta"', 'id = "Junta Forces"'), "actors[0].id"),
        (('aliases = ["PDF"', 'aliases = ["the military"'), "alias"),
    ],
)
def test_bad_profiles_name_the_field(change: tuple[str, str], field: str) -> None:
    text = SMALL_PROFILE.replace(*change)
    with pytest.raises(ProfileError, match=field.replace("[", r"\[").replace("]", r"\]")):
        parse_profile(text, "my.toml")


def test_unknown_profile_name_lists_the_builtins() -> None:
    with pytest.raises(ProfileError, match="afghanistan-2021"):
        load_profile("atlantis")


def test_a_profile_chooses_its_name_folding() -> None:
    """`[names] folding` names rule sets of `places.names.RULE_SETS`; none: the base only."""
    assert load_profile("afghanistan-2021").folding == ("persian",)
    assert load_profile("ukraine-2022").folding == ("east-slavic",)
    assert parse_profile(SMALL_PROFILE).folding == ()
    both = parse_profile(SMALL_PROFILE + '\n[names]\nfolding = ["persian", "east-slavic"]\n')
    assert both.folding == ("persian", "east-slavic")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (SMALL_PROFILE + '[names]\nfolding = ["klingon"]', r"names\.folding.*'klingon'.*persian"),
        (SMALL_PROFILE + '[names]\nfolding = "persian"', r"names\.folding"),
        (SMALL_PROFILE + '[names]\nfoldings = ["persian"]', r"names\.foldings"),
        ('names = "persian"\n' + SMALL_PROFILE, r"'names'"),
    ],
)
def test_a_bad_name_folding_names_the_field(text: str, message: str) -> None:
    with pytest.raises(ProfileError, match="my.toml.*" + message):
        parse_profile(text, "my.toml")


def test_a_profile_says_the_map_level_and_the_word_for_each_level() -> None:
    """`[levels]`: the level the map is drawn at and what reports call each
    level's units; Ukraine draws hromadas, Afghanistan districts."""
    ukraine = load_profile("ukraine-2022").levels
    assert ukraine.map == "admin3"
    assert [ukraine.word(level) for level in ("admin1", "admin2", "admin3")] == [
        "oblast", "raion", "hromada"]
    assert ukraine.word("admin3", plural=True) == "hromadas"
    afghanistan = load_profile("afghanistan-2021").levels
    assert afghanistan.map == "admin2"
    assert (afghanistan.word("admin1"), afghanistan.word("admin2")) == ("province", "district")
    irregular = parse_profile(SMALL_PROFILE + '\n[levels]\nadmin2 = ["township", "townships"]\n'
                              'admin3 = ["village tract", "village tracts"]\n')
    assert irregular.levels.word("admin3", plural=True) == "village tracts"


def test_without_a_levels_table_the_map_is_drawn_at_the_finest_level_imported() -> None:
    """What frontlines did before profiles named a level: no `[levels]`, no change."""
    levels = parse_profile(SMALL_PROFILE).levels
    assert levels.map is None and levels.geometry == "full"
    assert levels.map_level({"admin1", "admin2"}) == "admin2"
    assert levels.map_level({"admin1", "admin2", "admin3", "populated_place"}) == "admin3"
    assert (levels.word("admin1", plural=True), levels.word("admin2", plural=True)) == (
        "provinces", "districts")


def test_the_map_level_is_the_profiles_or_the_finest_held_above_it() -> None:
    ukraine = load_profile("ukraine-2022").levels
    assert ukraine.map_level({"admin1", "admin2", "admin3"}) == "admin3"
    assert ukraine.map_level({"admin1", "admin2"}) == "admin2"  # no hromadas imported yet
    assert ukraine.map_level(set()) is None
    afghanistan = load_profile("afghanistan-2021").levels
    assert afghanistan.map_level({"admin1", "admin2", "admin3"}) == "admin2"


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ('map = "admin4"', r"levels\.map.*'admin4'.*admin1, admin2, admin3"),
        ('admin2 = ""', r"levels\.admin2"),
        ("admin2 = 3", r"levels\.admin2"),
        ('admin2 = ["raion"]', r"levels\.admin2.*\[singular, plural\]"),
        ('geometry = "coarse"', r"levels\.geometry.*'coarse'.*full, simplified"),
        ('admin5 = "hamlet"', r"levels\.admin5.*unknown"),
    ],
)
def test_a_bad_levels_table_names_the_field(table: str, message: str) -> None:
    with pytest.raises(ProfileError, match="my.toml.*" + message):
        parse_profile(SMALL_PROFILE + "\n[levels]\n" + table + "\n", "my.toml")
    with pytest.raises(ProfileError, match=r"my.toml.*'levels'"):
        parse_profile('levels = "admin2"\n' + SMALL_PROFILE, "my.toml")


def test_a_profile_may_name_a_baseline_file_and_its_source() -> None:
    text = SMALL_PROFILE.replace("[start]\n", '[start]\nbaseline = "map-2030.csv"\n'
                                             'baseline_source = "our field team"\n')
    profile = parse_profile(text)
    assert (profile.baseline, profile.baseline_source) == ("map-2030.csv", "our field team")
    assert parse_profile(SMALL_PROFILE).baseline is None
    with pytest.raises(ProfileError, match=r"my.toml.*start\.baseline"):
        parse_profile(SMALL_PROFILE.replace("[start]\n", "[start]\nbaseline = 3\n"), "my.toml")


PLACE = '[[places]]\nname = "Nine Wells"\nlat = 21.5\nlon = 95.25\naliases = ["Nine Wells gate"]\n'


def test_a_profile_names_points_of_its_own() -> None:
    """`[[places]]`: points the gazetteer's sources lack (border crossings...),
    added with the GeoNames places and tied to their units like them."""
    (place,) = parse_profile(SMALL_PROFILE + PLACE).places
    assert (place.name, place.lat, place.lon, place.level, place.aliases) == (
        "Nine Wells", 21.5, 95.25, "crossing", ("Nine Wells gate",)
    )
    names = [p.name for p in load_profile("afghanistan-2021").places]
    assert "Sher Khan Bandar" in names and "Torkham" in names


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("lat = 21.5", "lat = 121.5"), r"places\[0\]\.lat"),
        (("lon = 95.25", 'lon = "east"'), r"places\[0\]\.lon"),
        (('name = "Nine Wells"', 'name = ""'), r"places\[0\]\.name"),
        (("lat = 21.5", 'lat = 21.5\nlevel = "fortress"'), r"places\[0\]\.level.*'fortress'"),
        (("lat = 21.5", "lat = 21.5\npopulation = 5"), r"places\[0\].*population"),
        (('aliases = ["Nine Wells gate"]', 'aliases = "Nine Wells gate"'), r"places\[0\]\.aliases"),
    ],
)
def test_a_bad_named_place_names_the_field(change: tuple[str, str], message: str) -> None:
    with pytest.raises(ProfileError, match="my.toml.*" + message):
        parse_profile(SMALL_PROFILE + PLACE.replace(*change), "my.toml")


def test_a_profile_names_other_names_of_its_units() -> None:
    """`[names] aliases`: unit id -> the names reports use that the boundary
    files lack ("Wardak" for Maidan Wardak)."""
    profile = parse_profile(SMALL_PROFILE + '[names]\naliases = { MM01 = ["Upper Valley", " Valley "] }\n')
    assert profile.unit_aliases == {"MM01": ("Upper Valley", "Valley")}
    assert load_profile("afghanistan-2021").unit_aliases["AF04"] == ("Wardak",)


@pytest.mark.parametrize(
    ("names", "message"),
    [
        ('aliases = ["Wardak"]', r"names\.aliases' must be a table"),
        ("aliases = { MM01 = [] }", r"names\.aliases\.MM01' must be a non-empty list"),
        ('aliases = { MM01 = "Valley" }', r"names\.aliases\.MM01' must be a non-empty list"),
        ('aliases = { MM01 = ["Valley", ""] }', r"names\.aliases\.MM01': every name"),
        ('nicknames = { MM01 = ["Valley"] }', r"names\.nicknames': unknown \(known: folding, aliases\)"),
    ],
)
def test_bad_unit_aliases_name_the_field(names: str, message: str) -> None:
    with pytest.raises(ProfileError, match="my.toml.*" + message):
        parse_profile(SMALL_PROFILE + "[names]\n" + names + "\n", "my.toml")


def test_a_named_place_given_twice_is_an_error() -> None:
    with pytest.raises(ProfileError, match=r"places\[1\]\.name 'Nine Wells' is given twice"):
        parse_profile(SMALL_PROFILE + PLACE + PLACE, "my.toml")
