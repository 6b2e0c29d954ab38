"""Retention clocks: the trigger time and due date a row's register rule gives it.

Rows store `retention_from` (when the rule's trigger last happened) and `retention_due`
(`rule.period.after(retention_from)`); both are recomputed whenever a trigger moves, e.g. on
every contact with an engaged case. A rule whose trigger has not happened yet gives no clock.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from accord.register.registry import current_registry
from accord.register.schema import Trigger
from accord.store.base import aware


def compute(
    register_id: str, record_type: str, triggers: Mapping[Trigger, datetime | None]
) -> tuple[datetime | None, datetime | None]:
    """(retention_from, retention_due) for a row of `record_type`, given its trigger times."""
    rule = current_registry().get(register_id).record_type(record_type).retention
    if rule is None:
        return None, None
    start = triggers.get(rule.trigger)
    if start is None:
        return None, None
    start = aware(start)
    if rule.indefinite or rule.period is None:
        return start, None
    due = rule.period.after(start)
    assert isinstance(due, datetime)
    return start, due
