from __future__ import annotations

from collections.abc import Iterator

import pytest
from gate_fixtures import small_register, small_registry

from accord.register.registry import Registry, use_registry
from accord.register.schema import Register


@pytest.fixture
def register() -> Register:
    return small_register()


@pytest.fixture
def registry(register: Register) -> Iterator[Registry]:
    with use_registry(small_registry(register)) as registry:
        yield registry
