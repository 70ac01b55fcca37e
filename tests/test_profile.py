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
