"""What the domains give the gate is found once, and a request arriving meanwhile waits."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from types import ModuleType, SimpleNamespace
from typing import Any

import pytest
from sqlalchemy.orm import Session

from accord.gate import facts, targets
from accord.gate.types import Target

TARGET = Target("r", "x-case", "org-a", record_id=uuid.uuid4())


def _resolve(_: Session, *, register: str, record_id: uuid.UUID) -> Target | None:
    return TARGET if record_id == TARGET.record_id else None


class _Held:
    """A discovery that blocks in the middle until released."""

    def __init__(self, module: Any) -> None:
        self.module = module
        self.started = threading.Event()
        self.release = threading.Event()

    def __call__(self, _name: str) -> Iterator[ModuleType]:
        self.started.set()
        assert self.release.wait(10)
        yield self.module


def _while_discovering(held: _Held, first: Any, second: Any) -> list[Any]:
    """Run `first` (which discovers) and, once discovery has begun, `second`; return what
    `second` saw."""
    seen: list[Any] = []
    one = threading.Thread(target=first)
    one.start()
    assert held.started.wait(10)
    two = threading.Thread(target=lambda: seen.append(second()))
    two.start()
    two.join(0.2)  # a lookup that does not wait has answered by now
    held.release.set()
    one.join(10)
    two.join(10)
    return seen


def test_a_target_asked_for_during_discovery_is_found(monkeypatch: pytest.MonkeyPatch) -> None:
    held = _Held(SimpleNamespace(RESOLVERS={"x-case": _resolve}))
    monkeypatch.setattr(targets, "domain_modules", held)
    monkeypatch.setattr(targets, "_discovered", [])
    monkeypatch.setattr(targets, "_resolvers", {})

    def lookup() -> Target | None:
        assert TARGET.record_id is not None
        return targets.resolve(
            None,  # type: ignore[arg-type]  # the resolver reads no session
            register="r",
            record_type="x-case",
            record_id=TARGET.record_id,
        )

    assert _while_discovering(held, lookup, lookup) == [TARGET]


def test_facts_asked_for_during_discovery_are_all_there(monkeypatch: pytest.MonkeyPatch) -> None:
    def subject_targets(_: Session, *, subject_id: uuid.UUID) -> list[Target]:
        return [TARGET]

    held = _Held(SimpleNamespace(SUBJECT_TARGETS=subject_targets))
    monkeypatch.setattr(facts, "domain_modules", held)
    monkeypatch.setattr(facts, "_providers", [])

    def lookup() -> list[Target]:
        return facts.subject_targets(None, subject_id=uuid.uuid4())  # type: ignore[arg-type]

    assert _while_discovering(held, lookup, lookup) == [[TARGET]]
