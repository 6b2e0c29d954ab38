"""Read-only views of rows: a frozen dataclass filled from the row's same-named columns."""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

V = TypeVar("V")


def view_of(view: type[V], row: object, **computed: Any) -> V:
    """`view` with each field taken from `row`'s attribute of that name, except those given
    in `computed` (a converted or looked-up value)."""
    assert dataclasses.is_dataclass(view)
    values = {
        field.name: getattr(row, field.name)
        for field in dataclasses.fields(view)
        if field.name not in computed
    }
    return view(**values, **computed)
