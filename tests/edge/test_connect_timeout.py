"""A database server that does not answer is given up on after a few seconds."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import event

from accord.store.engine import CONNECT_TIMEOUT_SECONDS, make_engine


class CapturedError(Exception):
    pass


def _connect_params(url: str, **kwargs: Any) -> dict[str, Any]:
    engine = make_engine(url, **kwargs)
    seen: dict[str, Any] = {}

    @event.listens_for(engine, "do_connect")
    def capture(_dialect: Any, _record: Any, _args: Any, params: dict[str, Any]) -> None:
        seen.update(params)
        raise CapturedError

    with pytest.raises(CapturedError):
        engine.connect()
    engine.dispose()
    return seen


def test_postgresql_connections_time_out() -> None:
    params = _connect_params("postgresql+psycopg://accord@192.0.2.1/accord")
    assert params["connect_timeout"] == CONNECT_TIMEOUT_SECONDS


def test_a_caller_may_choose_its_own_timeout() -> None:
    params = _connect_params(
        "postgresql+psycopg://accord@192.0.2.1/accord", connect_args={"connect_timeout": 3}
    )
    assert params["connect_timeout"] == 3
