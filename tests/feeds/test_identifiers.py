"""The identifier store: sealed at rest, unsealed for matching, deleted with the record."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.feeds import identifiers
from accord.feeds.crypto import SealError, dataset_cipher
from accord.feeds.models import FeedIdentity
from accord.synthetic.partners import generate


def _frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "record_id": ["r1", "r2"],
            "partner": ["thames-valley-police", "oxfordshire-cc"],
            "dataset": ["crime-events", "social-care"],
            "first_name": ["Siobhán", "Zoë"],
            "surname": ["O'Brien", "Smith"],
            "dob": [date(1990, 3, 7), None],
            "postcode": ["OX1 1AA", None],
            "address": ["1 High Street, Oxford", None],
            "phone": [None, "07700900123"],
            "email": [None, None],
        }
    )


def test_write_then_read_round_trips(session: Session) -> None:
    assert identifiers.write_frame(session, _frame(), register="tvt") == 2
    back = identifiers.identifiers_frame(session, register="tvt").set_index("record_id")
    assert list(back.reset_index().columns) == identifiers.SCHEMA.names
    assert back.loc["r1", "first_name"] == "Siobhán"
    assert back.loc["r1", "dob"] == date(1990, 3, 7)
    assert pd.isna(back.loc["r2", "dob"])
    assert back.loc["r2", "phone"] == "07700900123"


def test_identifiers_are_sealed_at_rest(session: Session) -> None:
    identifiers.write_frame(session, _frame(), register="tvt")
    blobs = session.scalars(select(FeedIdentity.sealed)).all()
    assert blobs
    assert all(b"Siobh" not in blob and b"OX1" not in blob for blob in blobs)


def test_a_blob_moved_to_another_record_fails(session: Session) -> None:
    identifiers.write_frame(session, _frame(), register="tvt")
    cipher = dataset_cipher(
        session, register="tvt", partner="thames-valley-police", dataset="crime-events"
    )
    assert cipher is not None
    blob = session.get(FeedIdentity, "r1").sealed  # type: ignore[union-attr]
    with pytest.raises(SealError, match="r9"):
        cipher.open("r9", blob)


def test_rewrite_replaces_and_delete_removes(session: Session) -> None:
    identifiers.write_frame(session, _frame(), register="tvt")
    changed = _frame().iloc[:1].assign(surname="Kelly")
    identifiers.write_frame(session, changed, register="tvt")
    assert identifiers.delete_rows(session, ["r2"]) == 1
    back = identifiers.identifiers_frame(session, register="tvt")
    assert back["record_id"].tolist() == ["r1"]
    assert back["surname"].tolist() == ["Kelly"]


def test_generated_identifiers_load_directly(session: Session) -> None:
    data = generate(2_000, seed=2, as_of=date(2026, 11, 23), secret=b"s" * 32)
    frame = data.identifiers()
    assert identifiers.write_frame(session, frame, register="tvt") == 2_000
    back = identifiers.identifiers_frame(session, register="tvt")
    assert len(back) == 2_000
    merged = back.merge(frame, on="record_id", suffixes=("", "_in"))
    assert (merged["surname"] == merged["surname_in"]).all()


def test_missing_columns_are_named(session: Session) -> None:
    with pytest.raises(ValueError, match="email"):
        identifiers.write_frame(session, _frame().drop(columns=["email"]), register="tvt")
