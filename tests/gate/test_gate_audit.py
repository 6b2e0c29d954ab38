"""The audit trail: chained appends, and `verify` finding the first tampered entry."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import cast

import pytest
from gate_fixtures import ORG_A, actor
from sqlalchemy import Engine, Table, select, text, update
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from accord.cli import app as cli
from accord.gate import audit
from accord.gate.models import AuditEntry, AuditHead
from accord.settings import get_settings
from accord.store import migrate
from accord.store.engine import make_engine

SUBJECT = uuid.uuid4()


def _events(count: int) -> list[audit.Event]:
    who = actor()
    return [
        audit.Event(
            actor=who,
            action="read",
            purpose="support",
            register="t",
            record_type="case",
            reason="allowed",
            outcome="allowed",
            record_ids=(uuid.uuid4(),),
            subject_ids=(SUBJECT,),
            categories=frozenset({"name", "needs"}),
        )
        for _ in range(count)
    ]


def _trail(session: Session, count: int = 6) -> list[int]:
    """Append `count` entries; the chain verifies before anything is touched."""
    seqs = [e.seq for e in audit.append(session, _events(count))]
    assert audit.verify(session).ok
    return seqs


def test_entries_chain_in_order_and_hold_no_values(session: Session) -> None:
    first, second = audit.append(session, _events(2))
    assert second.seq == first.seq + 1
    row = session.execute(
        text("SELECT prev_hash, categories, subject_ids FROM audit_entries WHERE seq = :s"),
        {"s": second.seq},
    ).one()
    assert row.prev_hash == first.hash
    result = audit.verify(session)
    assert result.ok
    assert result.head_seq == second.seq
    assert result.head_hash == second.hash
    assert [i.seq for i in audit.history(session, subject_id=SUBJECT)][-2:] == [
        first.seq,
        second.seq,
    ]


def test_verify_finds_an_edited_entry(session: Session) -> None:
    seqs = _trail(session)
    session.execute(
        text("UPDATE audit_entries SET purpose = 'marketing' WHERE seq = :s"), {"s": seqs[2]}
    )
    problem = audit.verify(session).problem
    assert problem is not None
    assert (problem.kind, problem.seq) == ("altered", seqs[2])


def test_verify_finds_an_edited_entry_whose_hash_was_recomputed(session: Session) -> None:
    seqs = _trail(session)
    table = cast(Table, AuditEntry.__table__)
    row = session.execute(select(table).where(table.c.seq == seqs[1])).one()
    forged = {**row._asdict(), "outcome": "refused"}
    session.execute(
        text("UPDATE audit_entries SET outcome = 'refused', hash = :h WHERE seq = :s"),
        {"h": audit.entry_hash(forged), "s": seqs[1]},
    )
    problem = audit.verify(session).problem
    assert problem is not None
    assert (problem.kind, problem.seq) == ("reordered", seqs[2])


def test_verify_finds_a_deleted_entry(session: Session) -> None:
    seqs = _trail(session)
    session.execute(text("DELETE FROM audit_entries WHERE seq = :s"), {"s": seqs[3]})
    problem = audit.verify(session).problem
    assert problem is not None
    assert (problem.kind, problem.seq) == ("removed", seqs[3])
    assert f"next entry is {seqs[4]}" in problem.message


def test_verify_finds_the_last_entry_deleted(session: Session) -> None:
    seqs = _trail(session)
    session.execute(text("DELETE FROM audit_entries WHERE seq = :s"), {"s": seqs[-1]})
    problem = audit.verify(session).problem
    assert problem is not None
    assert (problem.kind, problem.seq) == ("truncated", seqs[-1])


def test_verify_finds_two_swapped_entries(session: Session) -> None:
    seqs = _trail(session)
    a, b = seqs[1], seqs[4]
    table = cast(Table, AuditEntry.__table__)
    rows = {
        seq: session.execute(select(table).where(table.c.seq == seq)).one()._asdict()
        for seq in (a, b)
    }
    # Swap everything but the sequence number (ids are unique: park one while the other moves).
    session.execute(update(table).where(table.c.seq == a).values(id=uuid.uuid4()))
    for target, source in ((b, a), (a, b)):
        values = {k: v for k, v in rows[source].items() if k != "seq"}
        session.execute(update(table).where(table.c.seq == target).values(**values))
    problem = audit.verify(session).problem
    assert problem is not None
    assert problem.seq == a
    assert problem.kind == "altered"


# --- the command ---------------------------------------------------------------------------


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A database of its own: the command opens its own connection, outside the test's savepoint."""
    url = f"sqlite:///{tmp_path / 'audit.db'}"
    migrate.upgrade(url)
    monkeypatch.setenv("ACCORD_DATABASE_URL", url)
    get_settings.cache_clear()
    yield url
    get_settings.cache_clear()


def test_audit_verify_command(database: str) -> None:
    engine = make_engine(database)
    try:
        with Session(engine) as session:
            seqs = [e.seq for e in audit.append(session, _events(5))]
            session.commit()
        runner = CliRunner()
        good = runner.invoke(cli, ["audit", "verify"])
        assert good.exit_code == 0, good.output
        assert "5 entries verified" in good.output
        with engine.begin() as connection:
            connection.execute(
                text("UPDATE audit_entries SET actor_organisation = :o WHERE seq = :s"),
                {"o": ORG_A + "-x", "s": seqs[2]},
            )
        bad = runner.invoke(cli, ["audit", "verify"])
        assert bad.exit_code == 1
        assert f"broken at entry {seqs[2]}" in bad.output
        assert "2 entries before it verified" in bad.output
    finally:
        engine.dispose()


def test_concurrent_appenders_keep_one_gap_free_chain(engine: Engine) -> None:
    """Writers in separate transactions queue on the head row: no gap, no fork."""
    head = cast(Table, AuditHead.__table__)
    entries = cast(Table, AuditEntry.__table__)
    with engine.connect() as connection:
        start_seq, start_hash = connection.execute(select(head.c.seq, head.c.hash)).one()
    errors: list[BaseException] = []

    def writer() -> None:
        try:
            with Session(engine) as own:
                for _ in range(15):
                    audit.append(own, _events(2))
                    own.commit()
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=writer) for _ in range(4)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        with Session(engine) as check:
            result = audit.verify(check)
            assert result.ok, result.problem
            assert result.head_seq == start_seq + 4 * 15 * 2
            seqs = check.scalars(select(AuditEntry.seq).where(AuditEntry.seq > start_seq)).all()
            assert sorted(seqs) == list(range(start_seq + 1, start_seq + 121))
    finally:
        # leave the shared test database's trail as it was
        with engine.begin() as connection:
            connection.execute(entries.delete().where(entries.c.seq > start_seq))
            connection.execute(head.update().values(seq=start_seq, hash=start_hash))
