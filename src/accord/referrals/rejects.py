"""Rejected rows of a bulk referral file, kept sealed so they can be corrected and reloaded.

The plain rejects file says only which row failed, in which column and why. The rows
themselves (names, dates of birth, phones, equality data) are written to a sealed file
beside it: one JSON document of {header, rows} encrypted with AES-256-GCM under a fresh
data key, which is wrapped by the master key (the keyring that wraps subjects' keys) and
stored in the file's first line. Without the master key the file is unreadable; with a
retired master key it is too, so it is meant for correcting a file soon after its import.

`accord referrals rejects open SEALED --out FILE.csv` writes the rows back as an importable
CSV (formula cells escaped) for someone to correct and import again.
"""

from __future__ import annotations

import base64
import csv
import json
import uuid
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from accord.keys.errors import KeysError
from accord.keys.keyring import WrappedKey
from accord.people.crypto import current_crypto
from accord.people.errors import SealError
from accord.people.sealing import open_bytes, seal_bytes
from accord.referrals.bulk import Rejection
from accord.store.exports import escape_row

FORMAT = "accord-referral-rejects/1"


class SealedRejectsError(ValueError):
    """The sealed file cannot be read: not one, damaged, or its master key is not loaded."""


def seal_rejects(path: Path, header: list[str], rejected: list[Rejection]) -> None:
    """Write the rejected rows (with their row numbers) sealed to `path`."""
    file_id = uuid.uuid4()
    data_key = AESGCM.generate_key(bit_length=256)
    wrapped = current_crypto().keyring.wrap(data_key, subject_id=file_id)
    body: dict[str, Any] = {
        "header": header,
        "rows": [{"row": item.row, "values": item.values} for item in rejected],
    }
    blob = seal_bytes(data_key, file_id, json.dumps(body, ensure_ascii=False).encode())
    about = {
        "format": FORMAT,
        "id": str(file_id),
        "key_id": wrapped.key_id,
        "wrapped_key": base64.b64encode(wrapped.blob).decode(),
    }
    path.write_bytes(json.dumps(about).encode() + b"\n" + base64.b64encode(blob) + b"\n")


def open_rejects(path: Path) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """(header, [(row number, values)]) of a sealed rejects file."""
    try:
        first, _, rest = path.read_bytes().partition(b"\n")
        about = json.loads(first)
        if about.get("format") != FORMAT:
            raise ValueError("not a sealed referral rejects file")
        file_id = uuid.UUID(about["id"])
        wrapped = WrappedKey(about["key_id"], base64.b64decode(about["wrapped_key"]))
        data_key = current_crypto().keyring.unwrap(wrapped, subject_id=file_id)
        body = json.loads(open_bytes(data_key, file_id, base64.b64decode(rest.strip())))
    except (OSError, ValueError, KeyError, SealError, KeysError) as exc:
        raise SealedRejectsError(f"{path}: cannot be opened ({exc})") from None
    rows = [(int(item["row"]), dict(item["values"])) for item in body["rows"]]
    return list(body["header"]), rows


def write_for_correction(path: Path, header: list[str], rows: list[dict[str, str]]) -> None:
    """The rows as a file `accord referrals import` reads (formula cells escaped; the import
    takes the escape off again)."""
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        for values in rows:
            writer.writerow(escape_row(values.get(h, "") for h in header))
