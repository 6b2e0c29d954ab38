"""`accord users ...`: people who sign in, their roles and teams."""

from __future__ import annotations

import typer
from rich.table import Table
from sqlalchemy.orm import Session

from accord.accounts import service, sessions, totp
from accord.accounts.cli import db, fail
from accord.accounts.errors import AccountError
from accord.accounts.models import User
from accord.console import console, err_console

app = typer.Typer(help="People who sign in, and their roles.", no_args_is_help=True)


def _person(session: Session, ref: str) -> User:
    """The account named by id or email address; exits saying why when there is none."""
    try:
        return service.get_user(session, ref=ref)
    except AccountError as exc:
        raise fail(exc) from None


@app.command("create")
def create_user(
    email: str = typer.Option(..., help="Email address (the sign-in name)."),
    name: str = typer.Option(..., help="Full name."),
    org: str = typer.Option(..., "--org", help="Organisation id from the registers."),
    password: str | None = typer.Option(
        None, help="Password (12+ characters); omit for single sign-on only.", hide_input=True
    ),
    prompt_password: bool = typer.Option(
        False, "--prompt-password", help="Ask for the password instead of taking it as an option."
    ),
) -> None:
    """Create an account."""
    if prompt_password:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    with db() as session:
        try:
            user = service.create_user(
                session, email=email, name=name, organisation=org, password=password
            )
        except AccountError as exc:
            raise fail(exc) from None
        console.print(f"[green]created[/green] {user.email} ({user.id})", highlight=False)


@app.command("list")
def list_users(
    org: str | None = typer.Option(None, "--org", help="Only this organisation."),
) -> None:
    """List accounts with their roles (never passwords or secrets)."""
    with db() as session:
        table = Table("email", "name", "organisation", "roles", "security codes", "active")
        table.add_column("id", no_wrap=True, min_width=36)
        for user in service.list_users(session, organisation=org):
            roles = ", ".join(f"{g.register}:{g.role_id}" for g in user.roles) or "-"
            table.add_row(
                user.email,
                user.name,
                user.organisation,
                roles,
                "on" if user.totp_confirmed else "off",
                "yes" if user.active else "no",
                str(user.id),
            )
        console.print(table)


@app.command("add-role")
def add_role(
    user: str = typer.Argument(..., help="User id or email address."),
    register: str = typer.Option(..., help="Register id, e.g. lvws."),
    role: str = typer.Option(..., help="A role from that register's roles: list."),
) -> None:
    """Give a person a role from a register."""
    with db() as session:
        try:
            person = service.get_user(session, ref=user)
            service.add_role(session, user=person, register=register, role=role)
        except AccountError as exc:
            raise fail(exc) from None
        console.print(
            f"[green]granted[/green] {register}:{role} to {person.email}", highlight=False
        )


@app.command("remove-role")
def remove_role(
    user: str = typer.Argument(..., help="User id or email address."),
    register: str = typer.Option(...),
    role: str = typer.Option(...),
) -> None:
    """Take a role away."""
    with db() as session:
        person = _person(session, user)
        if not service.remove_role(session, user=person, register=register, role=role):
            err_console.print(f"{person.email} does not have {register}:{role}", highlight=False)
            raise typer.Exit(1)
        console.print(
            f"[green]removed[/green] {register}:{role} from {person.email}", highlight=False
        )


@app.command("add-team")
def add_team(
    user: str = typer.Argument(..., help="User id or email address."),
    team: str = typer.Option(..., help="Team id within the person's organisation."),
    name: str | None = typer.Option(None, help="Team name, when the team is new."),
) -> None:
    """Put a person in a team (created on first use)."""
    with db() as session:
        person = _person(session, user)
        found = service.add_to_team(session, user=person, team=team, name=name)
        console.print(f"[green]added[/green] {person.email} to {found.slug}", highlight=False)


@app.command("disable")
def disable(user: str = typer.Argument(..., help="User id or email address.")) -> None:
    """Disable an account and end all its sessions at once."""
    with db() as session:
        person = _person(session, user)
        service.set_active(session, user=person, active=False)
        console.print(f"[yellow]disabled[/yellow] {person.email}; sessions ended", highlight=False)


@app.command("enable")
def enable(user: str = typer.Argument(..., help="User id or email address.")) -> None:
    """Re-enable a disabled account."""
    with db() as session:
        person = _person(session, user)
        service.set_active(session, user=person, active=True)
        console.print(f"[green]enabled[/green] {person.email}", highlight=False)


@app.command("set-password")
def set_password(
    user: str = typer.Argument(..., help="User id or email address."),
    password: str = typer.Option(
        ..., prompt=True, hide_input=True, confirmation_prompt=True, help="New password."
    ),
) -> None:
    """Set a new password (asked for, not echoed) and end the person's sessions."""
    with db() as session:
        try:
            person = service.get_user(session, ref=user)
            service.set_password(session, user=person, password=password)
        except AccountError as exc:
            raise fail(exc) from None
        console.print(
            f"[green]password set[/green] for {person.email}; sessions ended", highlight=False
        )


@app.command("reset-codes")
def reset_codes(user: str = typer.Argument(..., help="User id or email address.")) -> None:
    """Turn off a person's security codes (lost phone); they can set them up again."""
    with db() as session:
        person = _person(session, user)
        totp.remove(session, user=person)
        sessions.revoke_all(session, user_id=person.id)
        console.print(f"[yellow]security codes off[/yellow] for {person.email}", highlight=False)
