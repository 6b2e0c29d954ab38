"""Partner feeds over HTTP: a partner's system posts a delivery file; the team reads status.

The same services as `accord feeds ingest` / `accord feeds status`, through the gate.
"""

from __future__ import annotations

import tempfile
from dataclasses import asdict
from pathlib import Path
from typing import Any

from fastapi import APIRouter, HTTPException, Response, UploadFile

from accord.accounts.deps import CurrentActor
from accord.deps import AppSettings, DbSession
from accord.feeds.errors import FeedError, UnknownFeed
from accord.feeds.ingest import ingest_file
from accord.feeds.reader import file_format
from accord.feeds.status import feed_status
from accord.gate.types import AccessDenied

router = APIRouter(prefix="/api/feeds", tags=["partner feeds"])


def _denied(session: DbSession, exc: AccessDenied) -> HTTPException:
    session.commit()  # keep the audited refusal
    return HTTPException(403, {"reason": exc.decision.reason.value, "message": str(exc)})


@router.post("/{partner}/{dataset}/deliveries", status_code=201)
def deliver(
    partner: str,
    dataset: str,
    file: UploadFile,
    session: DbSession,
    actor: CurrentActor,
    settings: AppSettings,
    response: Response,
    register: str = "tvt",
) -> dict[str, Any]:
    """Validate, split and load one delivery (CSV, JSON Lines or Parquet, by file name).

    201 with the reconciled counts; 200 when this exact file was already ingested (nothing
    changed); 422 naming the file and columns when the whole file is refused.
    """
    name = Path(file.filename or "delivery").name
    try:
        file_format(Path(name))
    except FeedError as exc:
        raise HTTPException(422, f"file: {exc}") from exc
    with tempfile.TemporaryDirectory(prefix="accord-feed-") as folder:
        path = Path(folder) / name
        path.write_bytes(file.file.read())
        try:
            result = ingest_file(
                session,
                actor=actor,
                partner=partner,
                dataset=dataset,
                path=path,
                register=register,
                settings=settings,
            )
        except AccessDenied as exc:
            raise _denied(session, exc) from exc
        except UnknownFeed as exc:
            session.rollback()
            raise HTTPException(404, str(exc)) from exc
        except FeedError as exc:
            session.rollback()
            raise HTTPException(422, f"file: {exc}") from exc
    session.commit()
    if result.already_ingested:
        response.status_code = 200
    out = asdict(result)
    out.update(batch_id=str(result.batch_id), loaded=result.loaded, reconciled=result.reconciled)
    return out


@router.get("/status")
def status(
    session: DbSession, actor: CurrentActor, settings: AppSettings, register: str = "tvt"
) -> list[dict[str, Any]]:
    """Each feed's last delivery, counts, quarantine and whether it is overdue."""
    try:
        rows = feed_status(session, actor=actor, register=register, settings=settings)
    except AccessDenied as exc:
        raise _denied(session, exc) from exc
    return [asdict(row) for row in rows]
