"""Calling every route of the application with the seeded ids, and judging what came back.

Generic on purpose, like tests/gate/test_anonymous_roles.py: routes come from `create_app()`
and request bodies from its OpenAPI schema as they are when the sweep runs, so a route added
later is walked without touching this file. Ids, registers and purposes in paths, queries and
bodies are filled from the seeded group being attacked.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from fastapi import FastAPI
from sqlalchemy import Connection, func, select

from accord.gate.models import AuditEntry
from accord.register.registry import Registry
from accord.store.base import Base
from security.accounts import Caller
from security.seed import Group

SKIP_PATHS = {"/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc", "/healthz"}
# Posts about the caller's own sign-in; walking them would only end the caller's session.
OWN_SESSION = {"/sign-in", "/sign-in/code", "/sign-out", "/account/sessions/end-others"}
# Bookkeeping that changes on every call whoever calls: not the seeded records.
UNWATCHED_TABLES = {
    "audit_entries",
    "audit_entry_subjects",
    "audit_head",
    "sign_in_sessions",
    "sign_in_throttles",
    "api_tokens",
    "users",
    "user_roles",
    "teams",
    "team_memberships",
}
TEXT = "Entered by the cross-organisation sweep: a plausible note of enough length."


@dataclass(frozen=True)
class Call:
    method: str
    path: str  # the route's template, for reports
    url: str
    query: dict[str, str]
    body: Any


def routes(app: FastAPI) -> list[tuple[str, str]]:
    return sorted(set(_routes(app.routes)))


def _routes(found: list[Any]) -> Iterator[tuple[str, str]]:
    """(method, path) of every route, descending into included routers."""
    for route in found:
        if hasattr(route, "effective_candidates"):  # an included router (FastAPI >= 0.16x)
            yield from _routes(route.effective_candidates())
            continue
        original = getattr(route, "original_route", route)
        path = getattr(route, "path", None) or getattr(original, "path", "")
        for method in sorted(getattr(original, "methods", None) or ()):
            if method != "HEAD" and path and path not in SKIP_PATHS:
                yield method, path
        if hasattr(original, "routes") and not hasattr(original, "methods"):  # a plain router
            yield from _routes(original.routes)


def _id_for(name: str, group: Group) -> str | None:
    for fragment, value in group.ids.items():
        if fragment in name:
            return value
    return None


# Optional body fields worth filling: they aim a call at a record or a person. Others stay
# out, so a body is refused for what it does, not for a made-up value.
AIMING = {"case_id", "subject_id", "record_id", "meeting_id", "register", "organisation"}
AIMING |= {"controller", "email", "user_id", "assigned_user", "details"}
# Values a plausible caller would send, by field name.
PLAIN = {
    "given_name": "Sweep",
    "family_name": "Person",
    "name": "Sweep Person",
    "crime_number": "4417999/26",
    "crime_type": "burglary",
    "captured_by": "PC 1000",
    "role": "victim",
    "kind": "note",
    "channel": "phone",
    "method": "phone",
    "state": "withdrawn",
    "approve": True,
    "email": "sweep@example.org",
    "date_of_birth": "1980-01-01",
    "crime_date": str(date.today() - timedelta(days=2)),
}


class Bodies:
    """Plausible request bodies from the OpenAPI schema, aimed at one seeded group."""

    def __init__(self, app: FastAPI, registry: Registry) -> None:
        self.schema = app.openapi()
        self.registry = registry

    def operation(self, method: str, path: str) -> dict[str, Any]:
        found: dict[str, Any] = self.schema["paths"].get(path, {}).get(method.lower(), {})
        return found

    def call(self, method: str, path: str, group: Group, caller: Caller, me: str) -> Call:
        op = self.operation(method, path)
        url = re.sub(r"\{([^}]+)\}", lambda m: self._path_value(m.group(1), group), path)
        aim = _Aim(self.registry, group, caller, path, me)
        query = {}
        for param in op.get("parameters", []):
            if param["in"] == "query" and (param.get("required") or param["name"] in AIMING):
                query[param["name"]] = self._value(param["name"], param.get("schema", {}), aim)
        body = None
        content = op.get("requestBody", {}).get("content", {})
        if "application/json" in content:
            body = self._value("", content["application/json"]["schema"], aim)
        return Call(method, path, url, query, body)

    def _path_value(self, name: str, group: Group) -> str:
        if "register" in name:
            return group.register
        return _id_for(name, group) or str(uuid.uuid4())

    def _resolve(self, schema: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in schema:
            name = schema["$ref"].rsplit("/", 1)[-1]
            schema = self.schema["components"]["schemas"][name]
        if "anyOf" in schema:
            options = [s for s in schema["anyOf"] if s.get("type") != "null"]
            return self._resolve(options[0]) if options else {"type": "null"}
        return schema

    def _value(self, name: str, schema: dict[str, Any], aim: _Aim) -> Any:
        schema = self._resolve(schema)
        kind = schema.get("type")
        if kind == "object" and "properties" in schema:
            required = set(schema.get("required", []))
            return {
                key: self._value(key, sub, aim)
                for key, sub in schema["properties"].items()
                if key in required or key in AIMING
            }
        if kind == "array":
            if name in ("fields", "category"):
                return ["name", "address"]
            return [self._value(name, schema.get("items", {}), aim)]
        aimed = aim.value(name)
        if aimed is not None:
            return aimed
        if name == "details" and kind == "object":
            return {"text": TEXT} if aim.path.endswith("/events") else {"name": "Sweep Person"}
        if name in PLAIN and PLAIN[name] in schema.get("enum", [PLAIN[name]]):
            return PLAIN[name]
        return _plain(schema)


def _plain(schema: dict[str, Any]) -> Any:
    kind, fmt, enum = schema.get("type"), schema.get("format"), schema.get("enum")
    if enum:
        return enum[0]
    if kind == "boolean":
        return True
    if kind in ("integer", "number"):
        return 1
    if kind == "object":
        return {}
    if fmt == "uuid":
        return str(uuid.uuid4())
    if fmt == "date":
        return str(date.today() + timedelta(days=1))
    if fmt == "date-time":
        return (datetime.now(UTC) - timedelta(minutes=1)).isoformat()
    return TEXT[: schema.get("maxLength", len(TEXT))]


@dataclass
class _Aim:
    """Values that point a call at the seeded group."""

    registry: Registry
    group: Group
    caller: Caller
    path: str
    me: str  # the caller's own id: assigning a record to oneself is an attack too

    def value(self, name: str) -> Any:
        group, target = self.group, self.group.target
        owner = target.owner_organisation if target else None
        if name.endswith("_id") or name == "assigned_user":
            if name in ("user_id", "assigned_user"):
                return self.me
            return _id_for(name, group) or str(uuid.uuid4())
        aimed = {
            "register": group.register,
            "controller": owner,
            "organisation": owner,
            "owner_agency": self.caller.organisation,
            "purpose": self._purpose(),
            "record_type": group.record_type,
            "recipient": self._recipient(),
            "service": self._service(),
            "panel": target.service if target else None,
        }
        return aimed.get(name)

    def _service(self) -> str:
        target = self.group.target
        if target is not None and target.service:
            return target.service
        return self.registry.get(self.group.register).services[0].id

    def _purpose(self) -> str:
        register = self.registry.get(self.group.register)
        if "consent" in self.path:
            with_consent = [p.id for p in register.purposes if p.consent is not None]
            if self.group.consent_purpose in with_consent:
                return self.group.consent_purpose
            if with_consent:
                return with_consent[0]
        return register.record_type(self.group.record_type).purposes[0]

    def _recipient(self) -> str | None:
        """A recipient a sharing rule of the right kind names for the group's owner."""
        target = self.group.target
        if target is None:
            return None
        kind = "referral_with_consent" if "referrals-on" in self.path else "disclosure_risk_of_harm"
        register = self.registry.get(self.group.register)
        rules = [r for r in register.sharing if target.owner_organisation in r.from_organisations]
        for rule in sorted(rules, key=lambda r: r.kind.value != kind):
            if rule.recipients:
                return rule.recipients[0]
        return None


def plan(
    app: FastAPI,
    bodies: Bodies,
    groups: list[Group],
    caller: Caller,
    me: str,
    registry: Registry,
) -> Iterator[Call]:
    """Every call to make: reads aimed at every seeded group (a read the caller may make is
    checked for its audit entry), then writes aimed at the groups the caller may not have."""
    every = routes(app)
    reads = [(m, p) for m, p in every if m == "GET"]
    writes = [(m, p) for m, p in every if m != "GET" and p not in OWN_SESSION]
    foreign = [g for g in groups if not g.may_see(registry, caller)]
    for method, path in [*reads, *writes]:
        seen: set[tuple[str, str]] = set()
        for group in groups if method == "GET" else foreign:
            call = bodies.call(method, path, group, caller, me)
            key = (call.url, repr((call.query, call.body)))
            if key not in seen:
                seen.add(key)
                yield call


# --- judging --------------------------------------------------------------------------------


def revealed(text: str, group: Group) -> list[str]:
    """The group's values and ids that a response holds."""
    lowered = text.lower()
    return personal(text, group) + [i for i in sorted(group.secret_ids) if i in lowered]


def personal(text: str, group: Group) -> list[str]:
    """The group's identifying or sealed values that a response holds (ids aside)."""
    lowered = text.lower()
    return [v for v in group.values if v.lower() in lowered]


def allowed_entries(connection: Connection) -> int:
    query = select(func.count()).select_from(AuditEntry).where(AuditEntry.outcome == "allowed")
    return int(connection.execute(query).scalar_one())


Row = tuple[str, ...]


def snapshot(connection: Connection) -> dict[str, dict[Row, Row]]:
    """Every row of every watched table, keyed by primary key, as text."""
    found: dict[str, dict[Row, Row]] = {}
    for table in Base.metadata.sorted_tables:
        if table.name in UNWATCHED_TABLES:
            continue
        keys = [c.name for c in table.primary_key.columns]
        rows = {}
        for row in connection.execute(select(table)).mappings():
            rows[tuple(str(row[k]) for k in keys)] = tuple(str(v) for v in row.values())
        found[table.name] = rows
    return found


def touched(
    before: dict[str, dict[Row, Row]], after: dict[str, dict[Row, Row]], group: Group
) -> list[str]:
    """Rows of the group added, changed or removed between two snapshots."""
    marks = group.secret_ids | {i.replace("-", "") for i in group.secret_ids}

    def mine(row: Row | None) -> bool:
        return row is not None and any(m in value for value in row for m in marks)

    changes = []
    for table, rows in after.items():
        old = before.get(table, {})
        for key in old.keys() | rows.keys():
            was, now = old.get(key), rows.get(key)
            if was != now and (mine(was) or mine(now)):
                change = "added" if was is None else "removed" if now is None else "changed"
                changes.append(f"{table} row {change}")
    return sorted(set(changes))
