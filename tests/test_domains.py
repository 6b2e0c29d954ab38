"""Every domain package is in the one list, and every module its manifest names is served.

The application, the command line, the demo and the table metadata iterate accord.domains, so
a package left out of the list (or a module left out of its manifest) would silently serve no
routes, offer no commands or create no tables.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import typer
from fastapi import APIRouter, FastAPI
from typer.main import get_command

from accord.app import create_app
from accord.cli import app as cli_app
from accord.domains import DOMAINS, manifests
from accord.settings import Settings
from accord.store.base import Base
from accord.store.metadata import metadata

PACKAGE = Path(importlib.import_module("accord").__file__ or "").parent


def _modules(package: Path) -> set[str]:
    return {f"accord.{package.name}.{path.stem}" for path in package.glob("*.py")}


def _is_router(module: str) -> bool:
    leaf = module.rsplit(".", 1)[-1]
    return leaf in {"api", "pages", "health"} or leaf.endswith("_api")


def _is_command(module: str) -> bool:
    leaf = module.rsplit(".", 1)[-1]
    if not (leaf == "cli" or leaf.endswith("_cli") or leaf.startswith("cli_")):
        return False
    # Shared helpers of a package's commands (no Typer app of their own) are not commands.
    return isinstance(getattr(importlib.import_module(module), "app", None), typer.Typer)


def test_every_package_with_routes_commands_tables_or_a_demo_step_is_listed() -> None:
    unlisted = sorted(
        package.name
        for package in PACKAGE.iterdir()
        if package.is_dir()
        and package.name not in DOMAINS
        and any(
            _is_router(m) or _is_command(m) or m.endswith((".models", ".demo"))
            for m in _modules(package)
        )
    )
    assert unlisted == []


def test_every_router_command_model_and_demo_module_is_in_its_manifest() -> None:
    missing = []
    for domain in manifests():
        named = {
            *domain.routers,
            *(c.module for c in domain.commands),
            *([domain.demo.module] if domain.demo else []),
            *([domain.models] if domain.models else []),
        }
        for module in _modules(PACKAGE / domain.name):
            leaf = module.rsplit(".", 1)[-1]
            wanted = _is_router(module) or _is_command(module) or leaf in {"models", "demo"}
            if wanted and module not in named:
                missing.append(module)
    assert sorted(missing) == []


def test_every_module_a_manifest_names_imports_and_has_what_it_is_named_for() -> None:
    for domain in manifests():
        for module in domain.routers:
            assert isinstance(importlib.import_module(module).router, APIRouter), module
        for command in domain.commands:
            assert isinstance(importlib.import_module(command.module).app, typer.Typer)
        if domain.demo is not None:
            step = getattr(importlib.import_module(domain.demo.module), domain.demo.function)
            assert callable(step), domain.demo
        if domain.models is not None:
            importlib.import_module(domain.models)


def _served_modules(app: FastAPI) -> set[str]:
    """Modules whose routes the app serves (this FastAPI keeps each included router whole)."""
    served = set()
    for route in app.router.routes:
        included = getattr(route, "original_router", None)
        for inner in included.routes if included is not None else [route]:
            endpoint = getattr(inner, "endpoint", None)
            if endpoint is not None:
                served.add(endpoint.__module__)
    return served


def test_the_app_the_cli_and_the_metadata_serve_what_the_manifests_name(
    settings: Settings,
) -> None:
    served = _served_modules(create_app(settings))
    commands = set(get_command(cli_app).commands)  # type: ignore[attr-defined]
    tables_by_module: dict[str, set[str]] = {}
    for mapper in Base.registry.mappers:
        table = getattr(mapper.class_, "__table__", None)
        if table is not None and table.name in metadata.tables:
            tables_by_module.setdefault(mapper.class_.__module__, set()).add(table.name)
    for domain in manifests():
        for module in domain.routers:
            if importlib.import_module(module).router.routes:
                assert module in served, module
        for command in domain.commands:
            assert command.name in commands, command
        if domain.models is not None:
            assert tables_by_module.get(domain.models), f"{domain.models}: no table in metadata"
