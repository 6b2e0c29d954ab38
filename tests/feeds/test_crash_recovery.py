"""`accord feeds ingest` killed at every step: the next run leaves both stores agreeing.

Agreeing means: the analytical table and the sealed identifiers hold the same records with
the same row digests, every lineage batch id names a stored batch, no batch is left
unfinished and no undo table is left behind, and the batch counts are those of a run that
was never interrupted. A second kill, inside the repair itself, is survived too.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.analytics.tables import TableSpec
from accord.feeds.models import COMPLETE, FeedBatch, FeedIdentity
from accord.store.engine import make_engine
from accord.store.faults import CRASH_STATUS

from .conftest import OXFORDSHIRE_CARE, care_row, write_rows
from .crashes import fresh_store, run_accord

# Run again on PostgreSQL by `make test-pg`: the stores these tests make follow the suite's database.
pytestmark = pytest.mark.store

CARE = OXFORDSHIRE_CARE
SPEC = TableSpec.from_contract(CARE)
# Every step of an ingest, in order (accord.feeds.ingest, accord.analytics.engine).
INGEST_STEPS = [
    "feeds.ingest.batch-pending",
    "analytics.apply.after-undo",
    "feeds.ingest.after-analytics",
    "feeds.ingest.before-commit",
    "feeds.ingest.after-commit",
    "feeds.ingest.after-undo",
]
COUNTS = (
    "rows_in",
    "rows_inserted",
    "rows_updated",
    "rows_unchanged",
    "rows_quarantined",
    "records_deleted",
)


def _files(folder: Path) -> tuple[Path, Path]:
    first = [care_row(f"C{i}", last_name=f"Name{i}") for i in range(10)]
    # C1 changes, C9 leaves (a tenth: within what a snapshot may remove), C10 arrives and
    # C11's row is quarantined (a date that is not one).
    second = [care_row(f"C{i}", last_name=f"Name{i}") for i in range(9)]
    second[1] = care_row("C1", last_name="Name1", risk_factor="exploitation")
    second += [care_row("C10", last_name="Name10"), care_row("C11", referral_date="soon")]
    return (
        write_rows(folder / "care-1.csv", CARE, first),
        write_rows(folder / "care-2.csv", CARE, second),
    )


def _ingest(path: Path) -> list[str]:
    return ["feeds", "ingest", CARE.partner, CARE.dataset, str(path)]


@dataclass(frozen=True)
class Stores:
    analytical: set[tuple[str, str]]  # (record_id, row digest)
    relational: set[tuple[str, str]]
    lineage: set[str]  # batch ids named by either store
    batches: dict[str, dict[str, Any]]  # file name -> state and counts
    undo_tables: list[str]


def _read(env: dict[str, str]) -> Stores:
    engine = make_engine(env["ACCORD_DATABASE_URL"])
    try:
        with Session(engine) as session:
            batches = session.scalars(select(FeedBatch)).all()
            identifiers = session.execute(
                select(FeedIdentity.record_id, FeedIdentity.row_digest, FeedIdentity.batch_id)
            ).all()
            by_file = {
                b.file_name: {"id": str(b.id), "state": b.state}
                | {c: getattr(b, c) for c in COUNTS}
                for b in batches
            }
    finally:
        engine.dispose()
    with duckdb.connect(env["ACCORD_ANALYTICS_PATH"]) as con:
        rows = con.execute(
            f'SELECT record_id, _row_digest, _batch_id FROM "{SPEC.name}"'  # noqa: S608
        ).fetchall()
        undo = [
            r[0]
            for r in con.execute(
                "SELECT table_name FROM information_schema.tables"
                " WHERE table_name LIKE '%\\_\\_undo\\_\\_%' ESCAPE '\\'"
            ).fetchall()
        ]
    return Stores(
        analytical={(r[0], r[1]) for r in rows},
        relational={(r[0], r[1]) for r in identifiers},
        lineage={r[2] for r in rows} | {str(r[2]) for r in identifiers},
        batches=by_file,
        undo_tables=undo,
    )


def _assert_consistent(stores: Stores, expected: Stores) -> None:
    assert stores.analytical == stores.relational
    assert stores.analytical == expected.analytical
    assert stores.lineage <= {b["id"] for b in stores.batches.values()}
    assert all(b["state"] == COMPLETE for b in stores.batches.values())
    assert stores.undo_tables == []
    assert set(stores.batches) == set(expected.batches)
    for name, batch in expected.batches.items():
        got = stores.batches[name]
        assert {c: got[c] for c in COUNTS} == {c: batch[c] for c in COUNTS}, name


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory: pytest.TempPathFactory) -> Stores:
    """Both files ingested with no crash: what every recovered run must match."""
    folder = tmp_path_factory.mktemp("uninterrupted")
    first, second = _files(folder)
    with fresh_store(folder / "store") as env:
        assert run_accord(_ingest(first), env) == 0
        assert run_accord(_ingest(second), env) == 0
        stores = _read(env)
    assert stores.analytical == stores.relational
    return stores


@pytest.mark.parametrize("step", INGEST_STEPS)
def test_ingest_killed_at_each_step_is_repaired_by_the_next_run(
    step: str, tmp_path: Path, uninterrupted: Stores
) -> None:
    first, second = _files(tmp_path)
    with fresh_store(tmp_path / "store") as env:
        assert run_accord(_ingest(first), env) == 0
        assert run_accord(_ingest(second), env, crash_at=step) == CRASH_STATUS
        assert run_accord(_ingest(second), env) == 0
        _assert_consistent(_read(env), uninterrupted)


def test_a_kill_during_the_repair_is_repaired_too(tmp_path: Path, uninterrupted: Stores) -> None:
    first, second = _files(tmp_path)
    with fresh_store(tmp_path / "store") as env:
        assert run_accord(_ingest(first), env) == 0
        crashed = run_accord(_ingest(second), env, crash_at="feeds.ingest.after-analytics")
        assert crashed == CRASH_STATUS
        split = _read(env)
        assert split.analytical != split.relational  # the state the repair must undo
        repair = run_accord(_ingest(second), env, crash_at="feeds.recover.after-rollback")
        assert repair == CRASH_STATUS
        assert run_accord(_ingest(second), env) == 0
        _assert_consistent(_read(env), uninterrupted)


def test_status_repairs_an_unfinished_batch_before_counting(
    tmp_path: Path, uninterrupted: Stores
) -> None:
    first, second = _files(tmp_path)
    with fresh_store(tmp_path / "store") as env:
        assert run_accord(_ingest(first), env) == 0
        crashed = run_accord(_ingest(second), env, crash_at="feeds.ingest.before-commit")
        assert crashed == CRASH_STATUS
        assert run_accord(["feeds", "status", "--register", "tvt"], env) == 0
        stores = _read(env)
        assert stores.analytical == stores.relational
        assert set(stores.batches) == {first.name}  # the unfinished batch is gone
        assert stores.undo_tables == []


def test_the_accord_command_itself_crashes_and_recovers(
    tmp_path: Path, uninterrupted: Stores
) -> None:
    """The same, once, through the installed `accord` executable in a new interpreter."""
    import sys

    accord = str(Path(sys.executable).with_name("accord"))
    first, second = _files(tmp_path)
    with fresh_store(tmp_path / "store") as env:
        assert run_accord(_ingest(first), env) == 0
        crash_env = {**env, "ACCORD_CRASH_AT": "feeds.ingest.after-analytics", "PATH": ""}
        killed = subprocess.run(
            [accord, *_ingest(second)], env=crash_env, capture_output=True, check=False
        )
        assert killed.returncode == CRASH_STATUS, killed.stderr
        assert run_accord(_ingest(second), env) == 0
        _assert_consistent(_read(env), uninterrupted)
