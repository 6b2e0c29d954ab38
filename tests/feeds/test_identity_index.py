"""The partner records' identity index: ingest writes a keyed digest of each finding
identifier (name with date of birth, email, phone), never the value; every way a record goes
takes its digests with it; a rights requester's records are found through the digests, the
rows they point to opened and compared; rows stored before the index are found once
reindexed."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from accord.feeds import facts, identifiers, identity_index
from accord.feeds.ingest import ingest_file
from accord.feeds.models import FeedIdentity, FeedIdentityDigest
from accord.gate.types import Target
from accord.settings import Settings

from .conftest import POLICE, TODAY, police_row, write_rows

pytestmark = pytest.mark.store

ALL = frozenset({"name", "date-of-birth", "contact-details", "address"})


def _ingest(session, analyst, analytics, settings, path):  # type: ignore[no-untyped-def]
    result = ingest_file(
        session, actor=analyst, partner=POLICE.partner, dataset=POLICE.dataset, path=path,
        settings=settings, engine=analytics, today=TODAY, register="tvt",
    )  # fmt: skip
    assert result.reconciled, result
    return result


def _digests(session: Session) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for record_id, kind in session.execute(
        select(FeedIdentityDigest.record_id, FeedIdentityDigest.kind)
    ):
        out.setdefault(record_id, set()).add(kind)
    return out


def _ids(session: Session) -> set[str]:
    return set(session.scalars(select(FeedIdentity.record_id)))


def _find(session: Session, settings: Settings, **identifiers: list[str]) -> list[uuid.UUID]:
    def check(target: Target) -> frozenset[str]:
        return ALL

    found = facts.identified_records(
        session, register="tvt", organisation=POLICE.partner, identifiers=identifiers,
        check=check,
    )  # fmt: skip
    return sorted(r.record_id for r in found)


def test_ingest_writes_digests_not_values(session, analyst, analytics, settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    rows = [
        police_row("P1", email="alex@example.org"),
        police_row("P2", forename="Bo", surname="Ng", phone="", email=""),
        police_row("P3", forename="Cy", phone="not a phone"),
    ]
    _ingest(session, analyst, analytics, settings, write_rows(tmp_path / "a.csv", POLICE, rows))
    by_record = _digests(session)
    assert set(by_record) == _ids(session)
    assert sorted(sorted(kinds) for kinds in by_record.values()) == [
        ["email", "name_dob", "phone"],
        ["name_dob"],
        ["name_dob"],  # an unreadable phone number is not indexed
    ]
    blind = identity_index.indexer(settings)
    stored = set(session.scalars(select(FeedIdentityDigest.digest)))
    assert bytes(blind.digest("email", "ALEX@example.org ")) in {bytes(d) for d in stored}
    assert not any(b"alex" in bytes(d) for d in stored)


def test_discovery_finds_through_the_index(session, analyst, analytics, settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    rows = [
        police_row("P1", email="alex@example.org", phone="07700 900001"),
        police_row("P2", forename="Bo", surname="Ng", phone="07700900002"),
        police_row("P3", forename="Alex", surname="Taylor", date_of_birth="1980-01-01",
                   phone="07700900003"),
    ]  # fmt: skip
    _ingest(session, analyst, analytics, settings, write_rows(tmp_path / "a.csv", POLICE, rows))
    by_email = _find(session, settings, email=["Alex@Example.org"])
    by_phone = _find(session, settings, phone=["+44 7700 900001"])
    by_name = _find(session, settings, name_dob=["ALEX TAYLOR|02/04/1999"])
    assert len(by_email) == 1
    assert by_email == by_phone == by_name
    assert _find(session, settings, name_dob=["Bo Ng|1999-04-02"]) != by_email
    assert _find(session, settings, email=["nobody@example.org"]) == []
    # a postcode alone finds nothing: it only corroborates
    assert _find(session, settings, postcode=["OX4 1HP"]) == []


def test_deltas_updates_and_the_sweep_take_digests_with_their_rows(
    session, analyst, analytics, settings, dpo, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    from accord.feeds.sweep import sweep

    base = [
        police_row("P1", email="one@example.org"),
        police_row("P2", surname="Hughes", event_date="2021-03-01"),
        police_row("P3", surname="Cole"),
    ]
    _ingest(session, analyst, analytics, settings, write_rows(tmp_path / "1.csv", POLICE, base))
    delta = [
        police_row("P1", email="two@example.org"),  # update: the old email's digest goes
        police_row("P3", surname="Cole", deleted="true"),  # deletion
    ]
    _ingest(session, analyst, analytics, settings, write_rows(tmp_path / "2.csv", POLICE, delta))
    assert set(_digests(session)) == _ids(session)
    assert len(_ids(session)) == 2
    assert _find(session, settings, email=["one@example.org"]) == []
    assert len(_find(session, settings, email=["two@example.org"])) == 1
    assert _find(session, settings, name_dob=["Alex Cole|1999-04-02"]) == []

    sweep(session, actor=dpo, today=date(2027, 11, 23), settings=settings, engine=analytics,
          register="tvt")  # fmt: skip
    assert set(_digests(session)) == _ids(session)
    assert len(_ids(session)) == 1
    assert _find(session, settings, name_dob=["Alex Hughes|1999-04-02"]) == []
    total = session.scalar(select(func.count()).select_from(FeedIdentityDigest))
    assert total == 3  # P1's name with date of birth, email and phone


def test_erasing_a_dataset_removes_its_digests(
    session, analyst, analytics, settings, dpo, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    from accord.feeds.erase import erase_dataset

    rows = [police_row("P1"), police_row("P2", surname="Hughes")]
    _ingest(session, analyst, analytics, settings, write_rows(tmp_path / "1.csv", POLICE, rows))
    assert len(_digests(session)) == 2
    erase_dataset(session, actor=dpo, register="tvt", partner=POLICE.partner,
                  dataset=POLICE.dataset, settings=settings, engine=analytics)  # fmt: skip
    assert session.scalar(select(func.count()).select_from(FeedIdentityDigest)) == 0


def test_rows_stored_before_the_index_are_found_once_reindexed(
    session, analyst, analytics, settings, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    rows = [police_row("P1", email="alex@example.org"), police_row("P2", surname="Hughes")]
    _ingest(session, analyst, analytics, settings, write_rows(tmp_path / "1.csv", POLICE, rows))
    session.execute(delete(FeedIdentityDigest))  # as if stored before the index existed
    assert _find(session, settings, email=["alex@example.org"]) == []
    assert identifiers.reindex(session, actor=analyst, register="tvt", settings=settings) == 5
    assert len(_find(session, settings, email=["alex@example.org"])) == 1
    assert set(_digests(session)) == _ids(session)
    # reindexing again rewrites, never duplicates
    assert identifiers.reindex(session, actor=analyst, register="tvt", settings=settings) == 5


def test_column_wise_digests_equal_the_blind_indexers() -> None:
    import pyarrow as pa

    rows = [
        ("Zoë", "Ó Briain", "1990-01-31", " Zoe@Example.ORG ", "+44 (0)7700-900123"),
        ("Siobhán", None, "2001-12-01", "no-at-sign", "0044 7700 900124"),
        (None, "Ng", "1985-07-04", None, "12345"),
        ("!!", "??", "1970-01-01", "a@b.c", None),
        ("Bo", "Ng", None, "x y@example.org", "07700 900125"),
        ("Jo", "Ng", "1999-02-31", None, None),
    ]
    table = pa.table(
        {
            name: pa.array([row[i] for row in rows], pa.string())
            for i, name in enumerate(("first_name", "surname", "dob", "email", "phone"))
        }
    )
    blind = identity_index.indexer(Settings(environment="test"))
    got = set(identity_index.entries(blind, [str(i) for i in range(len(rows))], table))
    want = set()
    for i, (first, surname, born, mail, tel) in enumerate(rows):
        person = " ".join(p for p in (first, surname) if p)
        values = {
            "name_dob": f"{person}|{born}" if person and born else None,
            "email": mail,
            "phone": tel,
        }
        for kind, value in values.items():
            if value is None:
                continue
            try:
                want.add((str(i), kind, blind.digest(kind, value)))
            except ValueError:
                continue
    assert got == want
    assert len(got) == 8  # unreadable values, a nameless name and a missing date: none
