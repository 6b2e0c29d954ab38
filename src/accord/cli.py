"""The `accord` command. Each domain's manifest names the Typer sub-apps it contributes."""

from __future__ import annotations

import importlib

import typer

from accord import demo
from accord.domains import manifests

app = typer.Typer(
    help="accord: privacy-notice-enforcing casework and data sharing.", no_args_is_help=True
)
app.command("demo")(demo.run)
app.command("serve")(importlib.import_module("accord.web.serve").run)

for _domain in manifests():
    for _command in _domain.commands:
        app.add_typer(importlib.import_module(_command.module).app, name=_command.name)


def main() -> None:
    from pydantic import ValidationError

    from accord.settings import InsecureSettingsError, settings_problem

    try:
        app()
    except (InsecureSettingsError, ValidationError) as error:
        # a person starting accord gets a paragraph on what to set, not a traceback
        typer.echo(settings_problem(error), err=True)
        raise SystemExit(2) from None
