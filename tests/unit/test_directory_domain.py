"""The directory's field checks and UpdateUser masks (core/directory.py)."""

from __future__ import annotations

import pytest
from herald.core.directory import User, locale_problem, time_zone_problem, user_patch
from herald.core.errors import InvalidArgumentError


@pytest.mark.parametrize(
    "tag", ["en", "en-GB", "zh-Hant-TW", "sr-Latn-RS", "es-419", "de-CH-1996", "x-klingon"]
)
def test_bcp47_tags_pass(tag: str) -> None:
    assert locale_problem(tag) is None


@pytest.mark.parametrize("tag", ["en_GB", "e", "english", "en-", "-GB", "en GB", "a" * 36])
def test_non_bcp47_tags_fail(tag: str) -> None:
    assert locale_problem(tag) is not None


@pytest.mark.parametrize("zone", ["Europe/Copenhagen", "UTC", "America/Argentina/Buenos_Aires"])
def test_iana_zones_pass(zone: str) -> None:
    assert time_zone_problem(zone) is None


@pytest.mark.parametrize("zone", ["Mars/Base", "CEST+2", "../etc/passwd", "/etc/localtime", ""])
def test_other_zones_fail(zone: str) -> None:
    assert time_zone_problem(zone) is not None


def test_an_empty_mask_means_the_fields_given() -> None:
    patch = user_patch(User(id="u", email="a@example.com", push_tokens=("t",)), [])
    assert patch.fields == {"email", "push_tokens"}


def test_a_wildcard_mask_means_every_field() -> None:
    assert "display_name" in user_patch(User(id="u"), ["*"]).fields


def test_mask_problems_and_masked_values_are_reported_together() -> None:
    with pytest.raises(InvalidArgumentError) as caught:
        user_patch(User(id="u", phone_number="12"), ["id", "phone_number", "brand_id", "x.y"])
    assert [v.field for v in caught.value.violations] == [
        "update_mask.paths[0]",
        "update_mask.paths[2]",
        "update_mask.paths[3]",
        "user.phone_number",
    ]


def test_values_outside_the_mask_are_not_checked() -> None:
    patch = user_patch(User(id="u", email="bad", locale="fr-FR"), ["locale"])
    assert patch.fields == {"locale"}


def test_nul_characters_are_refused_once_per_field() -> None:
    with pytest.raises(InvalidArgumentError) as caught:
        user_patch(User(id="u", display_name="A\x00", webhook_url="https://x.example/\x00"), [])
    assert [v.field for v in caught.value.violations] == ["user.display_name", "user.webhook_url"]


@pytest.mark.parametrize(
    ("user_id", "problem"), [("", "is required"), (" \t", "must not be blank")]
)
def test_an_update_without_an_id_names_what_is_wrong_with_it(user_id: str, problem: str) -> None:
    with pytest.raises(InvalidArgumentError) as caught:
        user_patch(User(id=user_id, display_name="A"), [])
    assert [(v.field, v.description) for v in caught.value.violations] == [("user.id", problem)]
