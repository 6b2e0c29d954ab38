"""Partner feeds over HTTP: a partner's system posts a delivery file; the team reads status.

The same services as `accord feeds ingest` / `accord feeds status`, through the gate. The
upload is streamed to a temporary file, never held in memory, and refused with 413 past
`feeds_max_upload_bytes`; the client's file name is only recorded, never used as a path.
While another writer holds the analytical store the answer is 503 with Retry-After.
"""

from __future__ import annotations

import tempfile
import unicodedata
from dataclasses import asdict
from pathlib import Path
from typing import Any, BinaryIO

from fastapi import APIRouter, HTTPException, Response, UploadFile

from accord.accounts.deps import CurrentActor
from accord.deps import AppSettings, DbSession
from accord.feeds.ingest import ingest_file
from accord.feeds.reader import file_format
from accord.feeds.status import feed_status
from accord.gate.registers import register_for
from accord.web.errors import ERROR_RESPONSES

_CHUNK = 1024 * 1024
_NAME_MAX = 255
_PATH_NAME_MAX = 200  # bytes: under every common filesystem's 255-byte name limit

router = APIRouter(prefix="/api/feeds", tags=["partner feeds"])


def _recorded_name(filename: str | None) -> str:
    """The client's file name as recorded on the batch: its last part, control characters
    dropped, at most 255 characters with the type suffix kept."""
    name = Path((filename or "").replace("\\", "/")).name
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C").strip()
    name = name or "delivery"
    if len(name) > _NAME_MAX:
        suffix = Path(name).suffix[:16]
        name = name[: _NAME_MAX - len(suffix)] + suffix
    return name


def _save_upload(source: BinaryIO, target: Path, limit: int) -> None:
    """Copy the upload in chunks, refusing it (413) once it passes `limit` bytes."""
    written = 0
    with target.open("wb") as out:
        while chunk := source.read(_CHUNK):
            written += len(chunk)
            if written > limit:
                raise HTTPException(
                    413,
                    f"file: the delivery is larger than the {limit:,} bytes this service"
                    " accepts; nothing was written. Split it, or send a delta.",
                )
            out.write(chunk)


@router.post("/{partner}/{dataset}/deliveries", status_code=201, responses=ERROR_RESPONSES)
def deliver(
    partner: str,
    dataset: str,
    file: UploadFile,
    session: DbSession,
    actor: CurrentActor,
    settings: AppSettings,
    response: Response,
    register: str | None = None,
    confirm_removal: bool = False,
) -> dict[str, Any]:
    """Validate, split and load one delivery (CSV, JSON Lines or Parquet, by file name).

    The register is the one the caller holds roles in unless `register` names one. 201 with
    the reconciled counts; 200 when this exact file was already ingested (nothing
    changed); 422 naming the file and columns when the whole file is refused; 409 when a
    snapshot would remove more of the dataset than allowed (send `confirm_removal=true` if
    the partner means it); 413 above the upload limit; 503 with Retry-After while another
    writer holds the partner data store.
    """
    register = register_for(actor, register)
    name = _recorded_name(file.filename)
    suffix = Path(name).suffix.lower()
    file_format(Path(name))
    with tempfile.TemporaryDirectory(prefix="accord-feed-") as folder:
        # Messages name the file as sent; a name too long for the filesystem is recorded
        # whole on the batch but saved under a short one.
        short = len(name.encode()) <= _PATH_NAME_MAX
        path = Path(folder) / (name if short else f"delivery{suffix}")
        _save_upload(file.file, path, settings.feeds_max_upload_bytes)
        result = ingest_file(
            session,
            actor=actor,
            partner=partner,
            dataset=dataset,
            path=path,
            register=register,
            settings=settings,
            file_name=name,
            confirm_removal=confirm_removal,
        )
    if result.already_ingested:
        response.status_code = 200
    out = asdict(result)
    out.update(batch_id=str(result.batch_id), loaded=result.loaded, reconciled=result.reconciled)
    return out


@router.get("/status", responses=ERROR_RESPONSES)
def status(
    session: DbSession, actor: CurrentActor, settings: AppSettings, register: str | None = None
) -> list[dict[str, Any]]:
    """Each feed's last delivery, counts, quarantine and whether it is overdue (in the one
    register the caller holds roles in, unless `register` names one)."""
    register = register_for(actor, register)
    rows = feed_status(session, actor=actor, register=register, settings=settings)
    return [asdict(row) for row in rows]
