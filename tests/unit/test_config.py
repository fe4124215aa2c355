"""Settings.from_env refuses values that cannot work, naming the variable."""

from __future__ import annotations

from pathlib import Path

import pytest
from herald.config import ConfigError, Settings
from herald.delivery_process import deliver


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("HERALD_SHUTDOWN_DRAIN", "inf"),
        ("HERALD_SHUTDOWN_GRACE", "1e400"),  # inf too
        ("HERALD_LEASE_SECONDS", "nan"),
        ("HERALD_SEND_WAIT_SECONDS", "-inf"),
        ("HERALD_WEBHOOK_TIMEOUT", "NaN"),
        ("HERALD_LOG_LEVEL", "verbose"),
        ("HERALD_LOG_LEVEL", "warn"),
        ("HERALD_RATE_LIMITS", "sms=inf/s"),
        ("HERALD_RATE_LIMITS", "sms=nan/s"),
        ("HERALD_RATE_LIMITS", "sms=5/s:inf"),
        ("HERALD_RATE_LIMITS", "sms=5/s:nan"),
        ("HERALD_CALLER_RATE_LIMIT", "10/s:inf"),
        ("HERALD_CALLER_RATE_LIMIT", "nan/s"),
        ("HERALD_TRANSACTIONAL_RESERVE", "2"),
        ("HERALD_TRANSACTIONAL_RESERVE", "1"),
        ("HERALD_TRANSACTIONAL_RESERVE", "-0.1"),
        ("HERALD_TRANSACTIONAL_RESERVE", "nan"),
        # gRPC's options are C ints: 2**31 was an OverflowError traceback at start.
        ("HERALD_MAX_MESSAGE_BYTES", "2147483648"),
        ("HERALD_MAX_MESSAGE_BYTES", "99999999999999999999"),
        ("HERALD_MAX_ATTACHMENT_BYTES", "2147483648"),
        ("HERALD_WORKERS", "2147483648"),
        ("HERALD_MAX_STREAMS_PER_CALLER", "9223372036854775808"),
        ("HERALD_CONCURRENCY_LIMITS", "email=2147483648"),
        # The email channel failed on these at start with a traceback (InvalidHeaderDefect,
        # IndexError, HeaderParseError); a Reply-To went out as it was.
        ("HERALD_EMAIL_FROM", "not an address"),
        ("HERALD_EMAIL_FROM", ""),
        ("HERALD_EMAIL_FROM", "@example.com"),
        ("HERALD_EMAIL_FROM", "a@example.com, b@example.com"),
        ("HERALD_EMAIL_FROM", "a@example.com\nBcc: b@example.com"),
        ("HERALD_EMAIL_REPLY_TO", "not an address"),
        ("HERALD_EMAIL_REPLY_TO", "Support <support>"),
        # Every SMS (push) failed PROVIDER_ERROR, InvalidUrlClientError.
        ("HERALD_TWILIO_BASE_URL", "not a url"),
        ("HERALD_TWILIO_BASE_URL", "127.0.0.1:8080"),
        ("HERALD_TWILIO_BASE_URL", "ftp://127.0.0.1"),
        ("HERALD_TWILIO_BASE_URL", "http://127.0.0.1:99999"),
        ("HERALD_FCM_BASE_URL", "not a url"),
        ("HERALD_FCM_BASE_URL", "https://"),
    ],
)
def test_a_value_that_cannot_work_is_a_configuration_error(name: str, value: str) -> None:
    with pytest.raises(ConfigError, match=name):
        Settings.from_env({name: value})


def test_the_edges_that_can_work_are_accepted() -> None:
    settings = Settings.from_env(
        {
            "HERALD_LOG_LEVEL": "WARNING",
            "HERALD_TRANSACTIONAL_RESERVE": "0.99",
            "HERALD_SHUTDOWN_DRAIN": "0",
            "HERALD_RATE_LIMITS": "sms=1e6/h:1e3",
        }
    )
    assert settings.log_level == "warning"
    assert settings.transactional_reserve == 0.99
    assert settings.shutdown_drain == 0.0
    assert Settings.from_env({"HERALD_TRANSACTIONAL_RESERVE": "0"}).transactional_reserve == 0.0
    largest = Settings.from_env(
        {"HERALD_MAX_MESSAGE_BYTES": "2147483647", "HERALD_CONCURRENCY_LIMITS": "email=2147483647"}
    )
    assert largest.max_message_bytes == largest.concurrency_limits["email"] == 2**31 - 1
    addresses = Settings.from_env(
        {"HERALD_EMAIL_FROM": '"Doe, J" <j@example.com>', "HERALD_EMAIL_REPLY_TO": "s@example.com"}
    )
    assert addresses.email_from == '"Doe, J" <j@example.com>'
    assert addresses.email_reply_to == "s@example.com"
    assert Settings.from_env({"HERALD_EMAIL_REPLY_TO": ""}).email_reply_to == ""
    assert Settings.from_env({}).email_from == "Herald <herald@localhost>"
    urls = Settings.from_env(
        {"HERALD_TWILIO_BASE_URL": "http://127.0.0.1:8080", "HERALD_FCM_BASE_URL": "https://[::1]"}
    )
    assert (urls.twilio_base_url, urls.fcm_base_url) == ("http://127.0.0.1:8080", "https://[::1]")


def test_delivery_process_metrics_ports_past_65535_are_a_configuration_error() -> None:
    """Delivery process k serves its metrics on HERALD_METRICS_LISTEN's port + k."""
    env = {"HERALD_METRICS_LISTEN": "127.0.0.1:65534", "HERALD_DELIVERY_PROCESSES": "2"}
    with pytest.raises(ConfigError, match=r"HERALD_METRICS_LISTEN.*HERALD_DELIVERY_PROCESSES"):
        Settings.from_env(env)
    assert Settings.from_env({**env, "HERALD_DELIVERY_PROCESSES": "1"}).delivery_processes == 1
    assert Settings.from_env({**env, "HERALD_METRICS_LISTEN": "127.0.0.1:0"}).metrics_listen


async def test_a_delivery_process_started_past_the_last_port_is_a_configuration_error() -> None:
    """`herald deliver --index 1` on its own, where HERALD_DELIVERY_PROCESSES says nothing."""
    settings = Settings.from_env({"HERALD_METRICS_LISTEN": "127.0.0.1:65535"})
    with pytest.raises(ConfigError, match=r"HERALD_METRICS_LISTEN 127\.0\.0\.1:65536"):
        await deliver(settings, 1, 1, supervised=False)


@pytest.mark.parametrize(
    "listen",
    [
        "127.0.0.1:65536",  # gRPC took the port modulo 65536: a free port
        "127.0.0.1:99999",  # ... 34463
        "127.0.0.1:-5",  # ... 65531
        "127.0.0.1",  # ... 443
        "127.0.0.1:",
        ":50051",
        "::1:50051",  # IPv6 without brackets
        "[::1]",
        "[not-v6]:50051",
        "127.0.0.1:5e4",
        "127.0.0.1:\u0665\u0660\u0660\u0665\u0661",  # digits, but not ASCII ones
    ],
)
def test_a_listen_address_that_is_not_host_and_port_is_a_configuration_error(listen: str) -> None:
    with pytest.raises(ConfigError, match=r"HERALD_LISTEN must be host:port"):
        Settings.from_env({"HERALD_LISTEN": listen})


@pytest.mark.parametrize(
    "listen", ["127.0.0.1:0", "0.0.0.0:65535", "localhost:50051", "[::1]:50051", "[::]:0"]
)
def test_a_listen_address_with_host_and_port_is_accepted(listen: str) -> None:
    assert Settings.from_env({"HERALD_LISTEN": listen}).listen == listen


@pytest.mark.parametrize("empty", ["", "  "])
def test_an_empty_data_dir_is_the_default(empty: str) -> None:
    # It was Path(""): the working directory, where the store and secrets then went.
    assert Settings.from_env({"HERALD_DATA_DIR": empty}).data_dir == Path("var")
