"""Turning (register, record type, record id) into the gate's Target, for generic routes.

The gate's own routes (access requests) name a record by id; the domain that holds the
record knows its owner, caseload and subjects. A domain exposes that by a module
`accord.<domain>.targets` holding `RESOLVERS: dict[record_type, Resolver]`; the gate finds
those modules on first use
(`gate.discovery`). Tests and tools may also `add_resolver(...)` directly.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterable, Mapping
from typing import Protocol

from sqlalchemy.orm import Session

from accord.gate.discovery import domain_modules
from accord.gate.types import Target


class Resolver(Protocol):
    def __call__(
        self, session: Session, *, register: str, record_id: uuid.UUID
    ) -> Target | None: ...


_resolvers: dict[str, Resolver] = {}
_discovered: list[bool] = []
_lock = threading.Lock()


def add_resolver(record_types: Iterable[str], resolver: Resolver) -> None:
    for record_type in record_types:
        _resolvers[record_type] = resolver


def remove_resolver(record_types: Iterable[str]) -> None:
    for record_type in record_types:
        _resolvers.pop(record_type, None)


def _discover() -> None:
    if _discovered:
        return
    # Requests run in threads: one finds the resolvers, the others wait until all are in.
    with _lock:
        if _discovered:
            return
        for module in domain_modules("targets"):
            found: Mapping[str, Resolver] = getattr(module, "RESOLVERS", {})
            for record_type, resolver in found.items():
                _resolvers.setdefault(record_type, resolver)
        _discovered.append(True)


def resolve(
    session: Session, *, register: str, record_type: str, record_id: uuid.UUID
) -> Target | None:
    """The Target for one record, or None when no domain holds such a record."""
    _discover()
    resolver = _resolvers.get(record_type)
    if resolver is None:
        return None
    target = resolver(session, register=register, record_id=record_id)
    if target is None or target.register != register or target.record_type != record_type:
        return None
    return target
