"""`accord db ...`: schema migrations."""

from __future__ import annotations

import typer

from accord.console import console
from accord.settings import get_settings
from accord.store import migrate

app = typer.Typer(help="Database schema.", no_args_is_help=True)


@app.command()
def upgrade(
    target: str = typer.Argument("heads", help="Alembic revision (default: all heads)."),
) -> None:
    """Migrate the database to the latest schema."""
    url = get_settings().database_url
    migrate.upgrade(url, target)
    console.print(f"[green]schema up to date[/green] ({url.split('@')[-1]})")
