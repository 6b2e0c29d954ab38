"""The `accord` command. Each domain package contributes a Typer sub-app from its cli.py."""

from __future__ import annotations

import importlib

import typer

from accord import demo
from accord.store import cli as store_cli

app = typer.Typer(
    help="accord: privacy-notice-enforcing casework and data sharing.", no_args_is_help=True
)
app.add_typer(store_cli.app, name="db")
app.command("demo")(demo.run)
app.command("serve")(importlib.import_module("accord.web.serve").run)

# (module, command name): one line per domain that has commands.
_SUBCOMMANDS: list[tuple[str, str]] = [
    ("accord.register.cli", "register"),
    ("accord.keys.cli", "keys"),
    ("accord.accounts.users_cli", "users"),
    ("accord.accounts.tokens_cli", "tokens"),
    ("accord.feeds.cli", "feeds"),
    ("accord.linkage.cli", "link"),
    ("accord.gate.cli_audit", "audit"),
    ("accord.gate.cli_access", "access"),
    ("accord.referrals.cli", "referrals"),
    ("accord.panels.cli", "panels"),
    ("accord.backup.cli", "backup"),
    ("accord.backup.restore_cli", "restore"),
]

for _module, _name in _SUBCOMMANDS:
    app.add_typer(importlib.import_module(_module).app, name=_name)


def main() -> None:
    app()
