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
    app()
