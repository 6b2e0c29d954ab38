"""The declarations every domain gives (`accord.<domain>.disposal.DECLARATIONS`), and the
check that each personal-data record type of the loaded registers is kept by one of them."""

from __future__ import annotations

import importlib
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import accord
from accord.errors import Conflict
from accord.register.registry import Registry
from accord.retention.declare import ClockedRows, Declaration, Dependent, Swept

_LOCK = threading.Lock()
_FOUND: list[Declaration] | None = None


def _disposal_modules() -> Iterator[ModuleType]:
    """Each `accord.<package>.disposal` module, in package-name order (namespace packages,
    without an `__init__.py`, included)."""
    packages = sorted(
        {path.parent.name for root in accord.__path__ for path in Path(root).glob("*/disposal.py")}
    )
    for package in packages:
        yield importlib.import_module(f"accord.{package}.disposal")


def declarations() -> list[Declaration]:
    """Every domain's declarations, in package order (found once, under a lock)."""
    global _FOUND
    with _LOCK:
        if _FOUND is None:
            found: list[Declaration] = []
            for module in _disposal_modules():
                found.extend(getattr(module, "DECLARATIONS", ()))
            _FOUND = found
        return list(_FOUND)


def clocked() -> list[ClockedRows]:
    return [d for d in declarations() if isinstance(d, ClockedRows)]


def dependants() -> list[Dependent]:
    return [d for d in declarations() if isinstance(d, Dependent)]


def swept() -> list[Swept]:
    return [d for d in declarations() if isinstance(d, Swept)]


def by_name(name: str) -> ClockedRows:
    for declaration in clocked():
        if declaration.name == name:
            return declaration
    raise KeyError(name)


@dataclass(frozen=True)
class Undeclared:
    register: str
    record_type: str

    def __str__(self) -> str:
        return f"{self.register}: {self.record_type}"


def undeclared(registry: Registry, found: list[Declaration] | None = None) -> list[Undeclared]:
    """Personal-data record types of the loaded registers that no declaration keeps and the
    register does not say are kept elsewhere."""
    found = declarations() if found is None else found
    missing = []
    for register in registry.registers.values():
        held: set[str] = set()
        for declaration in found:
            held |= declaration.holds(register)
        for record_type in register.record_types:
            if not record_type.personal_data or record_type.kept_elsewhere:
                continue
            if record_type.id not in held:
                missing.append(Undeclared(register.id, record_type.id))
    return missing


def require_declared(registry: Registry) -> None:
    """Refuse (409) a run while any record type has no declaration, naming each."""
    missing = undeclared(registry)
    if missing:
        raise Conflict(
            "no store declares how it disposes of "
            + ", ".join(str(m) for m in missing)
            + ": a retention run cannot start"
        )
