"""Reports API bodies: definitions with their approvals, runs and their protected outputs."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from accord.reports.models import ReportRun
from accord.reports.service import ReportState

_OUT = ConfigDict(populate_by_name=True, serialize_by_alias=True)


class ReportOut(BaseModel):
    model_config = _OUT
    register_id: str = Field(alias="register")
    id: str
    name: str
    description: str | None
    kind: str
    purpose: str
    source: str
    record_types: list[str]
    breakdowns: list[str]
    measures: list[str]
    recipients: list[str]
    roles: list[str]
    definition_hash: str
    partners: list[str]
    approved_by: list[str]
    awaiting: list[str]
    approved: bool

    @classmethod
    def of(cls, register: str, state: ReportState) -> ReportOut:
        r = state.report
        return cls(
            register=register,
            id=r.id,
            name=r.name,
            description=r.description,
            kind=r.kind.value,
            purpose=r.purpose,
            source=r.source,
            record_types=list(r.record_types),
            breakdowns=[b.label or b.field for b in r.breakdowns],
            measures=[m.name for m in r.measures],
            recipients=list(r.recipients),
            roles=list(r.roles),
            definition_hash=state.definition_hash,
            partners=state.partners,
            approved_by=state.approved_by,
            awaiting=state.awaiting,
            approved=state.approved,
        )


class ApprovalIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    definition_hash: str = Field(min_length=64, max_length=64, pattern="^[0-9a-f]{64}$")


class ApprovalOut(BaseModel):
    model_config = ConfigDict(from_attributes=True, populate_by_name=True, serialize_by_alias=True)
    id: uuid.UUID
    register_id: str = Field(alias="register")
    report: str
    definition_hash: str
    organisation: str
    approved_at: datetime


class RunIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    period_from: date | None = None
    period_to: date | None = None
    filters: dict[str, list[str]] | None = None


class TableOut(BaseModel):
    labels: list[str]
    rows: list[list[Any]]
    totals: dict[str, float]
    threshold: int


class RunOut(BaseModel):
    model_config = _OUT
    id: uuid.UUID
    register_id: str = Field(alias="register")
    report: str
    outcome: str  # pass | review | fail
    status: str  # released | held | refused
    refusal: str | None
    ran_at: datetime
    released_at: datetime | None
    scope: dict[str, Any]
    notes: list[str]
    table: TableOut

    @classmethod
    def of(cls, run: ReportRun) -> RunOut:
        out = run.output
        return cls(
            id=run.id,
            register=run.register,
            report=run.report,
            outcome=run.outcome,
            status=run.status,
            refusal=run.refusal,
            ran_at=run.ran_at,
            released_at=run.released_at,
            scope={k: v for k, v in run.scope.items() if k != "dimensions"},
            notes=list(run.notes),
            table=TableOut(
                labels=out["labels"],
                rows=out["rows"],
                totals=out["totals"],
                threshold=out["threshold"],
            ),
        )
