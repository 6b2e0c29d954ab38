"""Identifying priority lists over HTTP (TVT): produce one for named recipients, open or
download it (each recorded with who), decide about each listed person, record what is done
(refused until a person decided to support them), take a person off every list, and explain
a person's place on a list to the rights officer. The manifest names this router before the
reports router, whose `/{register}/{report_id}` would otherwise take `/priority-lists/{id}`."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from fastapi import APIRouter, Response
from pydantic import BaseModel, ConfigDict, Field

from accord.accounts.deps import CurrentActor
from accord.deps import AppSettings, DbSession
from accord.paging import Limit, Offset, Page
from accord.reports import priority, service
from accord.reports.engines import report_engine
from accord.reports.priority_models import PriorityAccess, PriorityEntry, PriorityList
from accord.web.errors import ERROR_RESPONSES as _ERRORS

router = APIRouter(prefix="/api/reports/priority-lists", tags=["reports"])


class ListIn(BaseModel):
    recipients: list[str] = Field(min_length=1)  # the organisations the list is for


class ListOut(BaseModel):
    model_config = ConfigDict(from_attributes=True, populate_by_name=True, serialize_by_alias=True)
    id: uuid.UUID
    register_id: str = Field(alias="register", validation_alias="register")
    report: str
    organisation: str
    produced_by_name: str
    produced_at: datetime
    expires_at: datetime
    recipients: list[str]
    impact_assessment: str
    entries: int
    retention_due: datetime | None


class EntryOut(BaseModel):
    id: uuid.UUID
    person: str  # the partnership's reference for the person
    # who the person is, read from the partners' records at this opening (None: not allowed
    # or not held)
    name: str | None = None
    date_of_birth: str | None = None
    address: str | None = None
    factors: list[str]  # in words
    decision: str | None
    reason: str | None
    decided_by: str | None
    decided_at: datetime | None

    @classmethod
    def of(
        cls,
        entry: PriorityEntry,
        names: dict[str, str],
        who: priority.Identity | None = None,
    ) -> EntryOut:
        who = who or priority.Identity()
        return cls(
            id=entry.id,
            person=entry.person,
            name=who.name,
            date_of_birth=who.date_of_birth,
            address=who.address,
            factors=[names.get(f, f) for f in entry.factors],
            decision=entry.decision,
            reason=entry.reason,
            decided_by=entry.decided_by_name,
            decided_at=entry.decided_at,
        )


class ListOpened(BaseModel):
    summary: ListOut
    entries: list[EntryOut]


class DecisionIn(BaseModel):
    decision: Literal["support", "no-action", "not-appropriate"]
    reason: str


class ActionIn(BaseModel):
    action: str = Field(min_length=1, max_length=1000)


class ActionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    entry_id: uuid.UUID
    action: str
    organisation: str
    by_name: str
    at: datetime


class RemovalIn(BaseModel):
    reason: str


class DownloadOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    list_id: uuid.UUID
    actor_name: str
    organisation: str
    format: str | None
    at: datetime


class RemovalOut(BaseModel):
    removed: int
    downloads: list[DownloadOut]  # copies made that held the person: recall each


class ExplanationOut(BaseModel):
    explanation: str


def _names(plist: PriorityList) -> dict[str, str]:
    report = service.definition(plist.register, plist.report)
    return {f.id: f.name for f in (report.priority.factors if report.priority else [])}


@router.get("", responses=_ERRORS)
def list_lists(
    session: DbSession, actor: CurrentActor, register: str, limit: Limit = 50, offset: Offset = 0
) -> Page[ListOut]:
    """Lists the caller's organisation made, or was named for (while they can be opened)."""
    rows, total = priority.list_lists(
        session, actor=actor, register=register, limit=limit, offset=offset
    )
    return Page(
        items=[ListOut.model_validate(r) for r in rows], total=total, limit=limit, offset=offset
    )


@router.post("/{register}/{report_id}", status_code=201, responses=_ERRORS)
def produce(
    register: str,
    report_id: str,
    body: ListIn,
    session: DbSession,
    actor: CurrentActor,
    settings: AppSettings,
) -> ListOut:
    """Produce a list of an approved definition for the named recipient organisations."""
    report = service.definition(register, report_id)
    with report_engine(settings, report) as engine:
        plist = priority.produce(
            session,
            actor=actor,
            register=register,
            report_id=report_id,
            engine=engine,
            recipients=body.recipients,
        )
    return ListOut.model_validate(plist)


@router.get("/{list_id}", responses=_ERRORS)
def open_list(list_id: uuid.UUID, session: DbSession, actor: CurrentActor) -> ListOpened:
    """The list's people and the factors that put them there (the opening is recorded)."""
    plist, entries, people = priority.open_named(session, actor=actor, list_id=list_id)
    names = _names(plist)
    return ListOpened(
        summary=ListOut.model_validate(plist),
        entries=[EntryOut.of(e, names, people.get(e.person)) for e in entries],
    )


@router.get("/{list_id}/download", responses=_ERRORS)
def download(
    list_id: uuid.UUID,
    session: DbSession,
    actor: CurrentActor,
    format: Literal["csv"] = "csv",
) -> Response:
    """A copy of the list as CSV; the download is recorded with who and whom it held."""
    plist, entries, people = priority.open_named(
        session, actor=actor, list_id=list_id, download=format
    )
    name = f"{plist.report}-{plist.produced_at:%Y%m%d}-{str(plist.id)[:8]}.csv"
    return Response(
        priority.to_csv(plist, entries, people),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.post("/entries/{entry_id}/decision", responses=_ERRORS)
def decide(
    entry_id: uuid.UUID, body: DecisionIn, session: DbSession, actor: CurrentActor
) -> EntryOut:
    """A person's decision about one listed person, with the reason."""
    entry = priority.decide(
        session, actor=actor, entry_id=entry_id, decision=body.decision, reason=body.reason
    )
    plist = session.get(PriorityList, entry.list_id)
    return EntryOut.of(entry, _names(plist) if plist else {})


@router.post("/entries/{entry_id}/actions", status_code=201, responses=_ERRORS)
def act(entry_id: uuid.UUID, body: ActionIn, session: DbSession, actor: CurrentActor) -> ActionOut:
    """Record what is done for a listed person: refused until a person decided to support
    them (409)."""
    return ActionOut.model_validate(
        priority.act(session, actor=actor, entry_id=entry_id, action=body.action)
    )


@router.get("/entries/{entry_id}/explanation", responses=_ERRORS)
def explanation(entry_id: uuid.UUID, session: DbSession, actor: CurrentActor) -> ExplanationOut:
    """How the person came to be on the list, for their request for a human review."""
    return ExplanationOut(explanation=priority.explain(session, actor=actor, entry_id=entry_id))


@router.post("/{register}/people/{person}/removal", responses=_ERRORS)
def remove(
    register: str, person: str, body: RemovalIn, session: DbSession, actor: CurrentActor
) -> RemovalOut:
    """Take a person off every list; the downloads that held them are named for recall."""
    removed, downloads = priority.remove_person(
        session, actor=actor, register=register, person=person, reason=body.reason
    )
    return RemovalOut(removed=removed, downloads=[_download(d) for d in downloads])


def _download(row: PriorityAccess) -> DownloadOut:
    return DownloadOut.model_validate(row)
