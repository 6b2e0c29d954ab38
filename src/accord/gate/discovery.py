"""Finding what the domains give the gate: a module of the same name in each domain package.

The gate imports no domain. A domain that holds something the gate needs (target resolvers,
facts) exposes it in `accord.<domain>.<name>`; these are imported on first use, in package
order, so the gate stays below the domains in the import graph.
"""

from __future__ import annotations

import importlib
import importlib.util
import pkgutil
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import accord


def _packages() -> list[str]:
    """accord's packages, those without an `__init__.py` (namespace packages) included."""
    names = {m.name for m in pkgutil.iter_modules(accord.__path__) if m.ispkg}
    for root in accord.__path__:
        names.update(
            entry.name
            for entry in Path(root).iterdir()
            if entry.is_dir() and entry.name.isidentifier() and any(entry.glob("*.py"))
        )
    return sorted(names)


def domain_modules(name: str) -> Iterator[ModuleType]:
    """Each `accord.<package>.<name>` module that exists, imported, in package-name order."""
    for package in _packages():
        qualified = f"accord.{package}.{name}"
        if importlib.util.find_spec(qualified) is not None:
            yield importlib.import_module(qualified)
