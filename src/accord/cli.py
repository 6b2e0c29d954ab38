"""The `accord` command. Each domain's manifest names the Typer sub-apps it contributes.

Commands load when they run: `accord --help` lists every command with its help text read
from its module's source, without importing the module (and the database, web and analysis
libraries it needs), so the list answers at once; `accord feeds ...` imports only the feeds
commands.
"""

from __future__ import annotations

import ast
import importlib
from functools import cached_property
from pathlib import Path
from typing import Any

import typer
from typer import _click as click  # the click typer builds its commands with
from typer.core import TyperCommand, TyperGroup

from accord.domains import manifests

_PACKAGE = Path(__file__).resolve().parent
# Commands at the root (module, function); the domains' sub-apps follow, in DOMAINS order.
_ROOT_COMMANDS: tuple[tuple[str, str, str], ...] = (
    ("demo", "accord.demo", "run"),
    ("serve", "accord.web.serve", "run"),
)


def _source_help(module: str, attribute: str) -> str:
    """The help a command shows in the list, read from its module's source: the `help=` of
    the Typer app assigned to `attribute` (through `a = b` and `from m import b as a`), or
    the docstring of the function so named."""
    path = _PACKAGE.joinpath(*module.split(".")[1:]).with_suffix(".py")
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"))
    except (OSError, SyntaxError):
        return ""
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == attribute:
            return ast.get_docstring(node) or ""
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                if (alias.asname or alias.name) == attribute:
                    return _source_help(node.module, alias.name)
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == attribute for t in node.targets
        ):
            if isinstance(node.value, ast.Name):
                return _source_help(module, node.value.id)
            if isinstance(node.value, ast.Call):
                return _help_keyword(node.value)
    return ""


def _help_keyword(call: ast.Call) -> str:
    for keyword in call.keywords:
        if keyword.arg == "help":
            try:
                found = ast.literal_eval(keyword.value)
            except ValueError:
                return ""
            return found if isinstance(found, str) else ""
    return ""


class LazyCommand(TyperCommand):
    """A command listed by name and help; its module is imported when it is run (or asked for
    its own help), and the real command parses the arguments and runs."""

    def __init__(self, name: str, module: str, attribute: str) -> None:
        super().__init__(name=name, help=_source_help(module, attribute), add_help_option=False)
        self.module = module
        self.attribute = attribute

    @cached_property
    def real(self) -> click.Command:
        found = getattr(importlib.import_module(self.module), self.attribute)
        if isinstance(found, typer.Typer):
            return typer.main.get_group(found)
        single = typer.Typer(add_completion=False)
        single.command(self.name)(found)
        return typer.main.get_command(single)

    def __getattr__(self, name: str) -> Any:
        """What the placeholder lacks (a group's `commands`, for a walk of the command tree)
        comes from the real command, loading it."""
        if name.startswith("_") or name in ("real", "module", "attribute"):
            raise AttributeError(name)
        return getattr(self.real, name)

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        return self.real.make_context(info_name, args, parent=parent, **extra)


class LazyGroup(TyperGroup):
    """The root group: every domain's commands, each loaded when it is run."""

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        for name, module, function in _ROOT_COMMANDS:
            self.commands[name] = LazyCommand(name, module, function)
        for domain in manifests():
            for command in domain.commands:
                self.commands[command.name] = LazyCommand(command.name, command.module, "app")


app = typer.Typer(
    cls=LazyGroup,
    help="accord: privacy-notice-enforcing casework and data sharing.",
    no_args_is_help=True,
)


@app.callback()
def root() -> None:
    """accord: privacy-notice-enforcing casework and data sharing."""


def main() -> None:
    from pydantic import ValidationError

    from accord.settings import InsecureSettingsError, settings_problem

    try:
        app()
    except (InsecureSettingsError, ValidationError) as error:
        # a person starting accord gets a paragraph on what to set, not a traceback
        typer.echo(settings_problem(error), err=True)
        raise SystemExit(2) from None
