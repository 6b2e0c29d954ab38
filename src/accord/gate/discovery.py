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
from types import ModuleType

import accord


def domain_modules(name: str) -> Iterator[ModuleType]:
    """Each `accord.<package>.<name>` module that exists, imported, in package-name order."""
    for module in sorted(pkgutil.iter_modules(accord.__path__), key=lambda m: m.name):
        if not module.ispkg:
            continue
        qualified = f"accord.{module.name}.{name}"
        if importlib.util.find_spec(qualified) is not None:
            yield importlib.import_module(qualified)
