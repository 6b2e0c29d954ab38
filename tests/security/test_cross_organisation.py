"""No organisation reaches another's records through any route, page or command.

Records are made by their owners through the API (an LVWS police referral and its Victim
Support case with consent, a complaint and an enquiry; Hounslow MARAC cases, one shared with
a partner agency, listed at one meeting; a Hounslow outreach case with a risk-of-harm
disclosure request whose reasons are sealed). Then every role of every shipped register,
held by organisations in each kind of relation to those records, as a signed-in user and as
an API token, calls every route with the records' ids and plausible bodies. Whatever the
register does not let the caller's organisation have must never come back in a 2xx or be
changed by one, and every read the register does allow leaves an audit entry.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Connection
from sqlalchemy.orm import Session

from accord.register.registry import Registry
from security.accounts import Caller, callers, credentials
from security.conftest import World
from security.seed import RELATED
from security.walk import allowed_entries, personal, plan, revealed, snapshot, touched

# Run again on PostgreSQL by `make test-pg`: the stores these tests make follow the suite's database.
pytestmark = pytest.mark.store

ROOT = Path(__file__).resolve().parents[2]
REGISTRY = Registry.from_directory(ROOT / "registers")
CALLERS = callers(REGISTRY, RELATED)


def _teams(caller: Caller) -> list[str]:
    """A user is in every team of their register: caseload never hides a cross-org leak."""
    return [s.id for s in REGISTRY.get(caller.register).services]


def sweep(world: World, connection: Connection, db: Session, caller: Caller) -> list[str]:
    creds = credentials(db, world.client, world.registry, caller, _teams(caller))
    me = world.client.get("/api/me", headers=creds.headers).json()["id"]
    problems: list[str] = []
    others = [g for g in world.groups if not g.may_see(world.registry, caller)]
    start = last = None
    seen: set[str] = set()  # changes already named with the 2xx write that made them
    aimed = [g for g in world.groups if g.aimed]
    for call in plan(world.app, world.bodies, aimed, caller, me, world.registry):
        page = call.method == "GET" and not call.path.startswith("/api/")
        accept = "text/html" if page and caller.kind == "user" else "application/json"
        if call.method != "GET" and last is None:
            start = last = snapshot(connection)
        audited = allowed_entries(connection) if call.method == "GET" else 0
        response = world.client.request(
            call.method,
            call.url,
            params=call.query,
            json=call.body,
            headers={**creds.headers, "accept": accept},
            follow_redirects=False,
        )
        where = f"{call.method} {call.path}"
        if response.status_code >= 500:
            problems.append(f"{where}: {response.status_code}")
        if not 200 <= response.status_code < 300:
            continue
        for group in world.groups:
            shown = revealed(response.text, group)
            if shown and group in others:
                problems.append(f"{where}: reveals {group.name} {shown}")
            elif (
                personal(response.text, group)
                and call.method == "GET"
                and allowed_entries(connection) == audited
            ):
                problems.append(f"{where}: read {group.name} without an audit entry")
        if call.method != "GET":
            now = snapshot(connection)
            for group in others:
                for change in touched(last or now, now, group):
                    problems.append(f"{where}: {response.status_code} and {group.name} {change}")
                    seen.add(f"{group.name} {change}")
            last = now
    if start is not None:
        end = snapshot(connection)
        for group in others:
            for change in touched(start, end, group):
                if f"{group.name} {change}" not in seen:
                    problems.append(f"a refused write left {group.name} {change}")
    return sorted(set(problems))


@pytest.mark.parametrize("caller", CALLERS, ids=[c.label for c in CALLERS])
def test_no_route_reveals_or_changes_another_organisations_records(
    world: World, rolled_back: tuple[Connection, Session], caller: Caller
) -> None:
    connection, db = rolled_back
    assert sweep(world, connection, db, caller) == []
