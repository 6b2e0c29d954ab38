"""Evaluation extracts over HTTP: make one (the rows and the key are in the answer, once, and
kept nowhere), and list or read what left. The manifest names this router before the
reports router, whose `/{register}/{report_id}` would otherwise take `/extracts/{id}`."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from accord.accounts.deps import CurrentActor
from accord.deps import DbSession
from accord.paging import Limit, Offset, Page
from accord.reports import extracts
from accord.reports.models import EvaluationExtract
from accord.web.errors import ERROR_RESPONSES as _ERRORS

router = APIRouter(prefix="/api/reports/extracts", tags=["reports"])


class ExtractIn(BaseModel):
    recipient: str | None = None  # one of the definition's recipients; the first by default


class ExtractOut(BaseModel):
    """What left, without the rows or the key."""

    model_config = ConfigDict(from_attributes=True, populate_by_name=True, serialize_by_alias=True)
    id: uuid.UUID
    register_id: str = Field(alias="register", validation_alias="register")
    report: str
    definition_hash: str
    recipient: str
    organisation: str
    produced_by_name: str
    produced_at: datetime
    key_fingerprint: str
    rows: int
    people: int
    withdrawn: int
    without_consent: int
    refused_by_gate: int
    withheld: int
    k: int
    levels: dict[str, int]
    notes: list[str]

    @classmethod
    def of(cls, row: EvaluationExtract) -> ExtractOut:
        return cls.model_validate(row)


class ExtractMade(BaseModel):
    """The extract for the evaluator: its rows under pseudonyms, and the key that made them
    (hex), shown this once."""

    extract: ExtractOut
    key: str
    columns: list[str]
    rows: list[list[Any]]


@router.get("", responses=_ERRORS)
def list_extracts(
    session: DbSession,
    actor: CurrentActor,
    register: str,
    report: str | None = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Page[ExtractOut]:
    """The extracts the caller's organisation made (rows and keys are never kept)."""
    rows, total = extracts.list_extracts(
        session, actor=actor, register=register, report=report, limit=limit, offset=offset
    )
    return Page(items=[ExtractOut.of(r) for r in rows], total=total, limit=limit, offset=offset)


@router.get("/{extract_id}", responses=_ERRORS)
def get_extract(extract_id: uuid.UUID, session: DbSession, actor: CurrentActor) -> ExtractOut:
    return ExtractOut.of(extracts.get_extract(session, actor=actor, extract_id=extract_id))


@router.post("/{register}/{report_id}", status_code=201, responses=_ERRORS)
def make_extract(
    register: str, report_id: str, body: ExtractIn, session: DbSession, actor: CurrentActor
) -> ExtractMade:
    """Make an extract of an approved definition: people who consented and have not
    withdrawn, under pseudonyms of a new key, k-anonymous; each row in the disclosure log."""
    made = extracts.run_extract(
        session, actor=actor, register=register, report_id=report_id, recipient=body.recipient
    )
    return ExtractMade(
        extract=ExtractOut.of(made.record), key=made.key, columns=made.columns, rows=made.rows
    )
