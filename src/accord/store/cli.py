"""`accord db ...`: schema migrations of the case database, and the key databases' tables."""

from __future__ import annotations

import typer

from accord.console import console
from accord.settings import get_settings
from accord.store import migrate

app = typer.Typer(help="Database schema.", no_args_is_help=True)


def _where(url: str) -> str:
    """The database's place without its credentials."""
    return url.split("@")[-1]


@app.command()
def upgrade(
    target: str = typer.Argument("heads", help="Alembic revision (default: all heads)."),
) -> None:
    """Migrate the case database to the latest schema and create the keystore's tables."""
    from accord.keys.keystore import Keystore

    settings = get_settings()
    migrate.upgrade(settings.database_url, target)
    console.print(
        f"[green]case database schema up to date[/green] ({_where(settings.database_url)})"
    )
    # The keystore and the erasure log are databases of their own with fixed tables (no
    # migrations): creating them here means a first request never has to.
    keystore = Keystore.from_settings(settings)
    try:
        keystore.engine  # noqa: B018 - opening it creates the tables
        console.print(f"[green]keystore ready[/green] ({_where(settings.keystore_url)})")
        if keystore.erasures is not None:
            keystore.erasures.engine  # noqa: B018
            console.print(f"[green]erasure log ready[/green] ({_where(keystore.erasures.url)})")
    finally:
        keystore.dispose()
