"""A batch applied with an undo table can be rolled back exactly, whether or not its change
was made; one writer at a time holds the store, and a killed holder frees it."""

from __future__ import annotations

import uuid
from datetime import date
from pathlib import Path

import pyarrow as pa
import pytest

from accord.analytics.engine import AnalyticsEngine, undo_table
from accord.analytics.lock import AnalyticsBusy, lock_path, writer_lock
from accord.analytics.tables import TableSpec
from accord.synthetic.tvt import POLICE
from support.holders import writer_elsewhere

from .test_engine import rows

SPEC = TableSpec.from_contract(POLICE)


def _batch(table: pa.Table, batch_id: str) -> pa.Table:
    return table.set_column(
        table.schema.get_field_index("_batch_id"),
        "_batch_id",
        pa.array([batch_id] * table.num_rows, pa.string()),
    )


def _contents(analytics: AnalyticsEngine) -> list[tuple[str, str, str]]:
    cols = ["record_id", "_row_digest", "offence_group"]
    return sorted(tuple(r.values()) for r in analytics.read(SPEC, cols).to_pylist())


def test_rollback_restores_the_table_a_snapshot_changed(analytics: AnalyticsEngine) -> None:
    analytics.apply(SPEC, rows(["a", "b", "c"], "v1", date(2025, 1, 1)), snapshot=True)
    before = _contents(analytics)
    batch = str(uuid.uuid4())
    # b changes, c goes (absent from the snapshot), d arrives, a is unchanged
    delivery = pa.concat_tables(
        [
            rows(["a"], "v1", date(2025, 1, 1)),
            rows(["b"], "v2", date(2025, 1, 1), "drug-offences"),
            rows(["d"], "v1", date(2025, 1, 1)),
        ]
    )
    counts = analytics.apply(SPEC, _batch(delivery, batch), snapshot=True, batch_id=batch)
    assert (counts.inserted, counts.updated, counts.unchanged, counts.deleted) == (1, 1, 1, 1)
    assert _contents(analytics) != before

    assert analytics.rollback(SPEC.name, batch) is True
    assert _contents(analytics) == before
    assert analytics.rollback(SPEC.name, batch) is False  # the undo table is gone


def test_rollback_before_the_change_was_made_leaves_the_table_as_it_was(
    analytics: AnalyticsEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    analytics.apply(SPEC, rows(["a", "b"], "v1", date(2025, 1, 1)), snapshot=True)
    before = _contents(analytics)
    batch = str(uuid.uuid4())

    def stop(*_: object) -> None:
        raise RuntimeError("stopped between the undo table and the change")

    monkeypatch.setattr(analytics, "_merge", stop)
    with pytest.raises(RuntimeError):
        analytics.apply(
            SPEC, _batch(rows(["c"], "v1", date(2025, 1, 1)), batch), snapshot=True,
            batch_id=batch,
        )  # fmt: skip
    monkeypatch.undo()
    assert analytics.rollback(SPEC.name, batch) is True
    assert _contents(analytics) == before


def test_a_kept_batch_loses_only_its_undo_table(analytics: AnalyticsEngine) -> None:
    batch = str(uuid.uuid4())
    analytics.apply(
        SPEC, _batch(rows(["a"], "v1", date(2025, 1, 1)), batch), snapshot=False, batch_id=batch
    )
    analytics.discard_undo(SPEC.name, batch)
    assert analytics.rollback(SPEC.name, batch) is False
    assert [r[0] for r in _contents(analytics)] == ["a"]
    assert undo_table(SPEC.name, batch).startswith(SPEC.name + "__undo__")
    with pytest.raises(ValueError, match="badly formed"):
        undo_table(SPEC.name, "x'; DROP TABLE t; --")


def test_writer_lock_excludes_another_process_until_it_is_killed(tmp_path: Path) -> None:
    store = tmp_path / "analytics.duckdb"
    with writer_elsewhere(store):
        with pytest.raises(AnalyticsBusy) as busy, writer_lock(store, wait=0.2):
            pass
        assert busy.value.retry_after >= 1
        assert "busy" in str(busy.value)
    with writer_lock(store, wait=2):  # the kernel freed it with the holder
        assert lock_path(store).exists()


def test_writer_lock_excludes_a_second_holder_in_the_same_process(tmp_path: Path) -> None:
    store = tmp_path / "analytics.duckdb"
    with writer_lock(store, wait=0), pytest.raises(AnalyticsBusy), writer_lock(store, wait=0):
        pass
