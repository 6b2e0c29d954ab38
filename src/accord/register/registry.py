"""All loaded registers, with lookups across them (an organisation may appear in several).

`current_registry()` loads the registers named by settings once per process; tests and tools
that need other registers call `use_registry(...)` to swap them in for a block.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from accord.register.load import load_all
from accord.register.schema import Organisation, Register, Role
from accord.settings import get_settings


@dataclass(frozen=True)
class Registry:
    registers: dict[str, Register]

    def get(self, register_id: str) -> Register:
        try:
            return self.registers[register_id]
        except KeyError:
            raise KeyError(f"no register {register_id!r}") from None

    def registers_of(self, organisation_id: str) -> list[Register]:
        """Every register in which `organisation_id` is named."""
        return [
            r
            for r in self.registers.values()
            if any(o.id == organisation_id for o in r.organisations)
        ]

    def organisation(self, organisation_id: str) -> Organisation:
        for register in self.registers_of(organisation_id):
            return register.organisation(organisation_id)
        raise KeyError(f"no organisation {organisation_id!r} in any register")

    def role(self, register_id: str, role_id: str) -> Role:
        return self.get(register_id).role(role_id)

    @classmethod
    def from_directory(cls, directory: Path) -> Registry:
        return cls(load_all(directory))


_override: list[Registry] = []
_loaded: dict[Path, Registry] = {}


def current_registry() -> Registry:
    if _override:
        return _override[-1]
    directory = get_settings().registers_dir.resolve()
    if directory not in _loaded:
        _loaded[directory] = Registry.from_directory(directory)
    return _loaded[directory]


@contextmanager
def use_registry(registry: Registry) -> Iterator[Registry]:
    _override.append(registry)
    try:
        yield registry
    finally:
        _override.pop()
