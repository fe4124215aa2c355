"""Settings.from_env refuses values that cannot work, naming the variable."""

from __future__ import annotations

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
