"""No command shows or changes another organisation's records when run as one of its people.

Every command of the CLI that acts as someone (`--as EMAIL`, or `--register/--role/
--organisation`) is run, with the seeded records' ids as arguments, as a person holding each
role of each shipped register in each organisation the sweep walks. Commands open their own
connections, so these people are real committed accounts and each run is judged against the
committed store.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import typer
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from accord.cli import app as cli
from security.accounts import Caller, email_for, make_user
from security.conftest import World
from security.seed import Group
from security.test_cross_organisation import CALLERS, _teams
from security.walk import allowed_entries, personal, revealed, snapshot, touched

# Run again on PostgreSQL by `make test-pg`: the stores these tests make follow the suite's database.
pytestmark = pytest.mark.store

USERS = [c for c in CALLERS if c.kind == "user"]
PREFIX = "cli."


def commands(command: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    children = getattr(command, "commands", None)
    if children:
        for name, child in children.items():
            yield from commands(child, (*path, name))
    else:
        yield path, command


def arguments(command: Any, caller: Caller, group: Group) -> list[str] | None:
    """Arguments acting as the caller on the group; None for a command nobody runs as someone."""
    options = {opt for param in command.params for opt in param.opts}
    if "--as" not in options and not ("--role" in options and "--register" in options):
        return None  # an operator command: it never runs as a signed-in role
    args: list[str] = []
    for param in command.params:
        name, flag = param.name, param.opts[0]
        if name == "as_email":
            value: str | None = email_for(caller, PREFIX)
        elif name in ("register", "register_id"):
            value = caller.register
        elif name == "role":
            value = caller.role
        elif name in ("org", "organisation"):
            value = caller.organisation
        elif name == "outcome":
            value = "appropriate"
        elif name == "note":
            value = "Reviewed by the cross-organisation sweep."
        elif name.endswith("_id") or name in ("subject", "pair"):
            value = next((v for k, v in group.ids.items() if k in name), None)
            if value is None:
                return None
        elif param.required:
            return None  # e.g. a file to import: nothing plausible to give
        else:
            continue
        args.extend([value] if not flag.startswith("-") else [flag, value])
    return args


@pytest.fixture(scope="module")
def people(world: World) -> None:
    """Every caller as a committed account (no password: commands take `--as`)."""
    with Session(world.engine) as session:
        for caller in USERS:
            make_user(session, world.registry, caller, _teams(caller), PREFIX, password=None)


@pytest.mark.parametrize("caller", USERS, ids=[c.label for c in USERS])
def test_no_command_reveals_or_changes_another_organisations_records(
    world: World, people: None, caller: Caller
) -> None:
    runner = CliRunner()
    root = typer.main.get_command(cli)
    others = [g for g in world.groups if not g.may_see(world.registry, caller)]
    problems, ran = [], []
    seen: set[tuple[str, ...]] = set()
    with world.engine.connect() as connection:
        # one snapshot around the caller's commands: only `access decide` writes, and a change
        # is reported with every command that ran
        before = snapshot(connection)
        connection.commit()
        for path, leaf in commands(root):
            for aim in (g for g in world.groups if g.aimed):
                args = arguments(leaf, caller, aim)
                if args is None or (*path, *args) in seen:
                    continue
                seen.add((*path, *args))
                audited = allowed_entries(connection)
                connection.commit()
                result = runner.invoke(cli, [*path, *args])
                where = f"accord {' '.join(path)} ({aim.name})"
                ran.append(where)
                read = allowed_entries(connection) > audited
                connection.commit()
                for group in world.groups:
                    shown = revealed(result.output, group)
                    if shown and group in others:
                        problems.append(f"{where}: shows {group.name} {shown}")
                    elif personal(result.output, group) and not read:
                        problems.append(f"{where}: showed {group.name} without an audit entry")
        after = snapshot(connection)
    for group in others:
        problems += [f"{group.name} {c} by one of {ran}" for c in touched(before, after, group)]
    assert ran
    assert sorted(set(problems)) == []
