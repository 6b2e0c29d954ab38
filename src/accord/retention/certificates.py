"""Disposal certificates: listed and shown, each checked against the hash the audit chain
holds for it (an altered certificate no longer matches)."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from accord.errors import NotFound
from accord.gate.catalogue import Permission
from accord.gate.models import AuditEntry
from accord.gate.service import require
from accord.gate.types import Actor
from accord.retention.models import RetentionRun
from accord.retention.run import CERTIFICATE, canonical


@dataclass(frozen=True)
class CertificateView:
    run_id: uuid.UUID
    finished_at: str | None
    ran_by: str
    certificate: dict[str, Any]
    hash: str
    in_audit_chain: bool  # the trail holds this hash for this run
    intact: bool  # the stored certificate still hashes to it


def _check(session: Session, run: RetentionRun) -> CertificateView:
    assert run.certificate is not None
    assert run.certificate_hash is not None
    chained = session.scalar(
        select(AuditEntry.ref).where(
            AuditEntry.record_type == CERTIFICATE, AuditEntry.ref == run.certificate_hash
        )
    )
    return CertificateView(
        run_id=run.id,
        finished_at=run.finished_at.isoformat() if run.finished_at else None,
        ran_by=run.ran_by,
        certificate=run.certificate,
        hash=run.certificate_hash,
        in_audit_chain=chained is not None,
        intact=hashlib.sha256(canonical(run.certificate)).hexdigest() == run.certificate_hash,
    )


def list_certificates(
    session: Session, *, actor: Actor | None, limit: int = 50, offset: int = 0
) -> list[CertificateView]:
    if actor is not None:
        require(session, actor=actor, permission=Permission.RETENTION_RUN_EXECUTE, what=CERTIFICATE)
    runs = session.scalars(
        select(RetentionRun)
        .where(RetentionRun.status == "finished", RetentionRun.certificate.is_not(None))
        .order_by(RetentionRun.finished_at.desc())
        .limit(limit)
        .offset(offset)
    )
    return [_check(session, run) for run in runs]


def show_certificate(
    session: Session, *, actor: Actor | None, run_id: uuid.UUID
) -> CertificateView:
    if actor is not None:
        require(session, actor=actor, permission=Permission.RETENTION_RUN_EXECUTE, what=CERTIFICATE)
    run = session.get(RetentionRun, run_id)
    if run is None or run.certificate is None:
        raise NotFound("certificate")
    return _check(session, run)


def count_certificates(session: Session) -> int:
    return int(
        session.scalar(
            select(func.count()).where(
                RetentionRun.status == "finished", RetentionRun.certificate.is_not(None)
            )
        )
        or 0
    )
