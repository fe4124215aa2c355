"""HERALD_WEBHOOK_SECRET: one signing secret or several (rotation), each a Standard
Webhooks key of 24 to 64 bytes; a mistake stops the server at start with a message
naming the setting and never the secret."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from herald.channels.registry import webhook_secrets
from herald.config import ConfigError, Settings


def key(size: int, fill: bytes = b"k") -> str:
    return "whsec_" + base64.b64encode(fill * size).decode()


NEW, OLD = key(32, b"n"), key(32, b"o")


def settings(tmp_path: Path, secret: str | None) -> Settings:
    env = {"HERALD_DATA_DIR": str(tmp_path)}
    if secret is not None:
        env["HERALD_WEBHOOK_SECRET"] = secret
    return Settings.from_env(env)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (NEW, [NEW]),
        (f"{NEW} {OLD}", [NEW, OLD]),
        (f" {NEW},{OLD} ", [NEW, OLD]),
        (f"{NEW}, {OLD}", [NEW, OLD]),
        (NEW.removeprefix("whsec_"), [NEW.removeprefix("whsec_")]),
        (key(24), [key(24)]),
        (key(64), [key(64)]),
    ],
)
def test_one_secret_or_several_newest_first(tmp_path: Path, raw: str, expected: list[str]) -> None:
    assert webhook_secrets(settings(tmp_path, raw)) == expected


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("whsec_not*base64", "secret 1 of 1 is not whsec_ followed by base64"),
        (f"{NEW} whsec_c2hvcnQ=", "secret 2 of 2 is a 5-byte key; a signing key has 24 to 64"),
        (key(23), "is a 23-byte key"),
        (key(65), "is a 65-byte key"),
        (" , ", "no secret"),
    ],
)
def test_a_bad_secret_is_a_configuration_error_that_does_not_show_it(
    tmp_path: Path, raw: str, message: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        webhook_secrets(settings(tmp_path, raw))

    assert str(caught.value).startswith("HERALD_WEBHOOK_SECRET: ")
    assert message in str(caught.value)
    for secret in raw.replace(",", " ").split():
        assert secret.removeprefix("whsec_") not in str(caught.value)


def test_without_a_setting_one_secret_is_generated_once_and_kept(tmp_path: Path) -> None:
    [generated] = webhook_secrets(settings(tmp_path, None))

    assert generated.startswith("whsec_")
    assert len(base64.b64decode(generated.removeprefix("whsec_"))) == 32
    assert (tmp_path / "webhook-secret").stat().st_mode & 0o777 == 0o600
    assert webhook_secrets(settings(tmp_path, None)) == [generated]


def test_a_spoiled_generated_secret_names_its_file(tmp_path: Path) -> None:
    (tmp_path / "webhook-secret").write_text("whsec_c2hvcnQ=\n")

    with pytest.raises(ConfigError, match=f"^{tmp_path / 'webhook-secret'}: secret 1 of 1"):
        webhook_secrets(settings(tmp_path, None))
