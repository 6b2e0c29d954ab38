"""What falls due in the next N days, by organisation, service, record type and action."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from accord.register.registry import Registry, current_registry
from accord.retention import stores
from accord.retention.run import rule_text


@dataclass(frozen=True)
class PlanLine:
    register: str
    organisation: str
    service: str | None
    record_type: str
    action: str
    rule: str
    count: int


def plan(
    session: Session,
    *,
    days: int = 0,
    now: datetime | None = None,
    registry: Registry | None = None,
) -> list[PlanLine]:
    """Counts of records due by now + `days` (ids and register ids only: no personal data)."""
    registry = registry or current_registry()
    before = (now or datetime.now(UTC)) + timedelta(days=days)
    lines: dict[tuple[str, str, str | None, str, str, str], int] = {}

    def add(
        register: str, organisation: str, service: str | None, record_type: str, n: int
    ) -> None:
        try:
            rule = registry.get(register).record_type(record_type).retention
        except KeyError:
            rule = None
        action = rule.action.value if rule is not None else "none"
        key = (register, organisation, service, record_type, action, rule_text(rule))
        lines[key] = lines.get(key, 0) + n

    for declaration in stores.clocked():
        for count in declaration.plan(session, before=before):
            add(count.register, count.organisation, count.service, count.record_type, count.count)
    for swept in stores.swept():
        for register in registry.registers.values():
            if swept.holds(register):
                for count in swept.plan_counts(session, register, before):
                    add(count.register, count.organisation, None, count.record_type, count.count)
    return [
        PlanLine(r, o, s, t, a, rule, n)
        for (r, o, s, t, a, rule), n in sorted(
            lines.items(), key=lambda kv: [str(x) for x in kv[0]]
        )
    ]
