"""The domains accord is built from, in order, and what each contributes.

Each domain package has a `manifest.py` whose `MANIFEST` names, as module paths, its HTTP
routers, its `accord` commands, its demo step and its table models. The application, the
command line, the demo and the table metadata all iterate `manifests()`: adding a domain is
its package and one entry in `DOMAINS`. Module paths (not imports) keep reading a manifest
free of side effects and of import cycles; each is imported where it is used.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

# Package names under accord, in the order their routers are included, their commands are
# listed and their demo steps run (a step may use what an earlier one made).
DOMAINS: tuple[str, ...] = (
    "web",
    "store",
    "register",
    "keys",
    "people",
    "accounts",
    "gate",
    "referrals",
    "cases",
    "enquiries",
    "panels",
    "consent",
    "disclosures",
    "notifications",
    "feeds",
    "linkage",
    "rights",
    "reports",
    "retention",
    "jobs",
    "oversight",
    "backup",
)


@dataclass(frozen=True)
class Command:
    """A Typer sub-app (`app` in `module`) served as `accord <name>`."""

    module: str
    name: str


@dataclass(frozen=True)
class DemoStep:
    """`function` in `module` takes the demo context and returns lines of summary."""

    module: str
    title: str
    function: str = "run"


@dataclass(frozen=True)
class Manifest:
    name: str  # the package: accord.<name>
    routers: tuple[str, ...] = ()  # modules exposing `router`, included in this order
    commands: tuple[Command, ...] = ()
    demo: DemoStep | None = None
    models: str | None = None  # the module defining the package's tables


def manifest(domain: str) -> Manifest:
    found = importlib.import_module(f"accord.{domain}.manifest").MANIFEST
    if not isinstance(found, Manifest) or found.name != domain:
        raise TypeError(f"accord.{domain}.manifest.MANIFEST is not the Manifest of {domain!r}")
    return found


def manifests() -> list[Manifest]:
    return [manifest(domain) for domain in DOMAINS]
