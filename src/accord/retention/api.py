"""Disposal certificates over HTTP: `GET /api/retention/certificates` and `/{run_id}`.

A reader holds `retention:run:execute`; each certificate shows the counts of the reader's
own organisation, with the whole certificate's hash and whether it still matches the audit
chain."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel

from accord.accounts.deps import CurrentActor
from accord.deps import DbSession
from accord.gate.types import Actor
from accord.paging import Limit, Offset, Page
from accord.retention import certificates
from accord.web.errors import ERROR_RESPONSES as _ERRORS

router = APIRouter(prefix="/api/retention", tags=["retention"])


class CertificateOut(BaseModel):
    run: uuid.UUID
    finished_at: str | None
    ran_by: str
    period: dict[str, str | None]
    counts: list[dict[str, Any]]
    keys_destroyed: int
    hash: str
    in_audit_chain: bool
    intact: bool


def _out(view: certificates.CertificateView, actor: Actor) -> CertificateOut:
    cert = view.certificate
    return CertificateOut(
        run=view.run_id,
        finished_at=view.finished_at,
        ran_by=view.ran_by,
        period=cert["period"],
        counts=[c for c in cert["counts"] if c["organisation"] == actor.organisation],
        keys_destroyed=cert["keys_destroyed"],
        hash=view.hash,
        in_audit_chain=view.in_audit_chain,
        intact=view.intact,
    )


@router.get("/certificates", responses=_ERRORS)
def list_certificates(
    session: DbSession, actor: CurrentActor, limit: Limit = 50, offset: Offset = 0
) -> Page[CertificateOut]:
    views = certificates.list_certificates(session, actor=actor, limit=limit, offset=offset)
    return Page(
        items=[_out(v, actor) for v in views],
        total=certificates.count_certificates(session),
        limit=limit,
        offset=offset,
    )


@router.get("/certificates/{run_id}", responses=_ERRORS)
def show_certificate(run_id: uuid.UUID, session: DbSession, actor: CurrentActor) -> CertificateOut:
    return _out(certificates.show_certificate(session, actor=actor, run_id=run_id), actor)
