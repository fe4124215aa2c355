"""With HERALD_DELIVERY_PROCESSES the channel limits are the server's totals: each
delivering process holds an even share (dispatch/assembly.py)."""

from __future__ import annotations

import pytest
from herald.config import Settings
from herald.dispatch.assembly import share_rate
from herald.dispatch.limits import RateLimit


@pytest.mark.parametrize(
    ("limit", "processes", "share"),
    [
        (RateLimit(10.0, 20.0), 1, RateLimit(10.0, 20.0)),
        (RateLimit(10.0, 20.0), 2, RateLimit(5.0, 10.0)),
        # At least one token of burst, or a share could never send.
        (RateLimit(1.0, 1.0), 3, RateLimit(1.0 / 3, 1.0)),
    ],
)
def test_a_rate_limit_is_split_evenly(limit: RateLimit, processes: int, share: RateLimit) -> None:
    assert share_rate(limit, processes) == pytest.approx(share)


def test_processes_read_from_the_environment() -> None:
    assert Settings.from_env({}).delivery_processes == 0
    assert Settings.from_env({"HERALD_DELIVERY_PROCESSES": "3"}).delivery_processes == 3
