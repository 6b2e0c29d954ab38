"""All loaded registers, with lookups across them (an organisation may appear in several).

`current_registry()` loads the registers of the folder being served (`serving(...)`, which the
application sets per request from its own settings) or else the folder settings name, once per
folder per process; tests and tools that need other registers call `use_registry(...)` to swap
them in for a block.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path

from accord.register.errors import NotInRegisters
from accord.register.load import load_all
from accord.register.schema import Organisation, Register, Role
from accord.settings import get_settings


@dataclass(frozen=True)
class Registry:
    registers: dict[str, Register]
    # Where the registers were read from (None when a test or tool built the registry).
    directory: Path | None = None

    def get(self, register_id: str) -> Register:
        try:
            return self.registers[register_id]
        except KeyError:
            raise NotInRegisters("register", register_id) from None

    def missing(self, register_id: str) -> str:
        """Why `register_id` is not loaded: where registers were looked for and how to point
        at them. For the command line; API answers do not name server paths."""
        loaded = ", ".join(sorted(self.registers)) or "none"
        if self.directory is None:
            return f"no register {register_id!r} is loaded (loaded: {loaded})"
        found = "no register files (*.yaml) there" if not self.registers else f"found {loaded}"
        return (
            f"no register {register_id!r} is loaded: looked in {self.directory} ({found}); "
            f"set {REGISTERS_DIR_ENV} to the folder holding the register files"
        )

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
        raise NotInRegisters("organisation", organisation_id)

    def role(self, register_id: str, role_id: str) -> Role:
        return self.get(register_id).role(role_id)

    @classmethod
    def from_directory(cls, directory: Path) -> Registry:
        return cls(load_all(directory), directory)


REGISTERS_DIR_ENV = "ACCORD_REGISTERS_DIR"
_override: list[Registry] = []
_loaded: dict[Path, Registry] = {}
# The registers folder of the application serving the current request (None: settings').
_serving: ContextVar[Path | None] = ContextVar("accord_registers_dir", default=None)


def load_registry(directory: Path) -> Registry:
    """The registers in `directory`, read and validated once per process."""
    directory = directory.resolve()
    if directory not in _loaded:
        _loaded[directory] = Registry.from_directory(directory)
    return _loaded[directory]


def current_registry() -> Registry:
    if _override:
        return _override[-1]
    return load_registry(_serving.get() or get_settings().registers_dir)


@contextmanager
def serving(directory: Path) -> Iterator[None]:
    """Read registers from `directory` for the block (an application's own folder). Loaded
    lazily, so a broken register fails the request that needs it, not the start-up."""
    token = _serving.set(directory)
    try:
        yield
    finally:
        _serving.reset(token)


@contextmanager
def use_registry(registry: Registry) -> Iterator[Registry]:
    _override.append(registry)
    try:
        yield registry
    finally:
        _override.pop()
