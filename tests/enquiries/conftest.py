from __future__ import annotations

from collections.abc import Iterator

import pytest

from accord.register.registry import Registry
from factories.registers import using


@pytest.fixture(autouse=True)
def lvws() -> Iterator[Registry]:
    """Enquiries are taken under the LVWS register."""
    with using("lvws") as registry:
        yield registry
