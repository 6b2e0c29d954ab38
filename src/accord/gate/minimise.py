"""Data minimisation at the edge: keep only the categories a decision allows."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

from accord.gate.types import Decision

V = TypeVar("V")


def minimise(decision: Decision, values: Mapping[str, V]) -> dict[str, V]:
    """`values` keyed by category id, less every category the decision does not allow.

    A refused decision allows nothing; keys that are not categories are dropped too (fail
    closed: a caller that wants a non-personal field such as a status adds it afterwards).
    """
    if not decision.allowed:
        return {}
    return {key: value for key, value in values.items() if key in decision.categories}
