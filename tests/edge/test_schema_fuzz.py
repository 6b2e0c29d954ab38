"""Property-based requests over the whole OpenAPI schema (schemathesis): no 5xx, and every
answer conforms to the schema it documents.

Runs against create_app() on a migrated SQLite file of its own (writes are committed there),
as a Victim Support caller holding every LVWS role its organisation may hold, so the requests
pass authentication and reach the gate and the services. Bounded by MAX_EXAMPLES per
operation so the whole run stays within a couple of minutes.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error, response_schema_conformance

from accord.accounts.deps import current_actor
from accord.app import create_app
from accord.gate.types import Actor
from accord.register.registry import current_registry
from accord.settings import Settings
from accord.store import migrate

ROOT = Path(__file__).resolve().parent.parent.parent
MAX_EXAMPLES = 15
ORGANISATION = "victim-support"


def _victim_support_actor() -> Actor:
    register = current_registry().get("lvws")
    roles = [r for r in register.roles if r.organisation in (None, ORGANISATION)]
    return Actor(
        id=uuid.uuid4(),
        kind="user",
        organisation=ORGANISATION,
        roles=frozenset(r.id for r in roles),
        permissions=frozenset(p for r in roles for p in r.permissions),
        name="Schema Fuzzer",
    )


@pytest.fixture(scope="module")
def api_schema(tmp_path_factory: pytest.TempPathFactory) -> Iterator[schemathesis.BaseSchema]:
    folder = tmp_path_factory.mktemp("fuzz")
    url = f"sqlite:///{folder / 'accord.db'}"
    migrate.upgrade(url)
    app = create_app(
        Settings(
            environment="test",
            database_url=url,
            analytics_path=folder / "analytics.duckdb",
            registers_dir=ROOT / "registers",
            token_limit=0,  # the run makes thousands of calls as one caller
        )
    )
    app.dependency_overrides[current_actor] = _victim_support_actor
    yield schemathesis.openapi.from_asgi("/openapi.json", app)
    app.state.engine.dispose()


def _failures(operation: schemathesis.APIOperation) -> str | None:
    """Run one operation's cases (valid and invalid inputs); the first failure, if any."""

    @given(
        case=st.one_of(
            operation.as_strategy(GenerationMode.POSITIVE),
            operation.as_strategy(GenerationMode.NEGATIVE),
        )
    )
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        derandomize=True,  # the same cases every run: a failure here is reproducible
        suppress_health_check=list(HealthCheck),
        database=None,
    )
    def run(case: schemathesis.Case) -> None:
        case.call_and_validate(checks=[not_a_server_error, response_schema_conformance])

    try:
        run()
    except (Exception, BaseExceptionGroup) as exc:  # a schemathesis FailureGroup is the latter
        return f"{operation.method.upper()} {operation.path}: {exc}"
    return None


def test_no_server_errors_and_answers_match_the_schema(
    api_schema: schemathesis.BaseSchema,
) -> None:
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) > 40  # every router's API is in the schema
    failures = [f for f in map(_failures, operations) if f is not None]
    assert not failures, "\n\n".join(failures)
