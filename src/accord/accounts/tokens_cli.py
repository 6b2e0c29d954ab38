"""`accord tokens ...`: API tokens for machines; a secret is shown once, never stored."""

from __future__ import annotations

import uuid
from datetime import timedelta

import typer
from rich.table import Table

from accord.accounts import tokens
from accord.accounts.cli import db, fail
from accord.accounts.errors import AccountError
from accord.console import console

app = typer.Typer(help="API tokens for machines.", no_args_is_help=True)


@app.command("create")
def create_token(
    org: str = typer.Option(..., "--org", help="Organisation the token acts for."),
    register: str = typer.Option(..., help="Register id, e.g. lvws."),
    role: str = typer.Option(
        ...,
        help="Role from that register the organisation can hold, e.g. police-referrer "
        "(a source only submits, a commissioner sees anonymous data, a processor holds none).",
    ),
    name: str = typer.Option(..., help="What uses the token, e.g. 'Met referral feed'."),
    permission: list[str] | None = typer.Option(
        None, "--permission", help="Limit to these of the role's permissions (repeatable)."
    ),
    expires_days: int = typer.Option(365, help="Days until the token stops working (0: never)."),
) -> None:
    """Create a token; its secret is shown once and cannot be shown again."""
    with db() as session:
        try:
            issued = tokens.create_token(
                session,
                name=name,
                organisation=org,
                register=register,
                role=role,
                permissions=permission or None,
                lifetime=timedelta(days=expires_days) if expires_days > 0 else None,
            )
        except AccountError as exc:
            raise fail(exc) from None
        console.print(f"[green]created[/green] token {issued.token.id} ({issued.token.name})")
        console.print("Secret (shown once; store it now):", highlight=False)
        # Plain print: no markup or wrapping may alter the secret.
        print(issued.secret)


@app.command("revoke")
def revoke_token(token_id: str = typer.Argument(..., help="Token id.")) -> None:
    """Revoke a token at once."""
    try:
        parsed = uuid.UUID(token_id)
    except ValueError:
        raise fail(AccountError("id", f"{token_id!r} is not a token id")) from None
    with db() as session:
        try:
            token = tokens.revoke_token(session, token_id=parsed)
        except AccountError as exc:
            raise fail(exc) from None
        console.print(f"[yellow]revoked[/yellow] {token.id} ({token.name})", highlight=False)


@app.command("list")
def list_tokens(org: str | None = typer.Option(None, "--org")) -> None:
    """List tokens (never their secrets)."""
    with db() as session:
        table = Table("name", "organisation", "register:role", "state", "expires", "last used")
        table.add_column("id", no_wrap=True, min_width=36)
        for token in tokens.list_tokens(session, organisation=org):
            table.add_row(
                token.name,
                token.organisation,
                f"{token.register}:{token.role_id}",
                tokens.token_state(token),
                token.expires_at.date().isoformat() if token.expires_at else "never",
                token.last_used_at.strftime("%Y-%m-%d %H:%M") if token.last_used_at else "-",
                str(token.id),
            )
        console.print(table)
