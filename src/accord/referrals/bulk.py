"""Bulk police referrals from a CSV file: good rows load, bad rows are reported with reasons.

The file has a header row with these columns (any order; blank cells mean "not given"):

  police_reference, role (victim|witness), given_name*, family_name*, date_of_birth, age,
  gender, phone, email, address, postcode, disability, ethnicity, religion, vulnerable,
  crime_number*, crime_date*, crime_time, crime_type*, domestic_abuse, requested_service,
  consent_given*, consent_captured_by*, consent_captured_at*, consent_channel*

(* required). Dates are ISO (2026-03-27) or UK day-first (27/03/2026); booleans are
yes/no, true/false, y/n or 1/0. Each good row is received in a savepoint of its own, so a row
refused at any stage leaves nothing behind (no case, no subject, no key in the keystore);
rows read = loaded + rejected, always. A cell holding a control character (a NUL byte, a
terminal escape) or longer than MAX_CELL characters rejects its row, never the file.

Reasons name the column and the rule, never the value: the rejects file (`write_rejects`)
holds row numbers, columns and reasons only, and the rejected rows themselves are kept
sealed (`accord.referrals.rejects`) for correction.
"""

from __future__ import annotations

import csv
import io
import os
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import Session

from accord.cases.errors import Conflict, InvalidInput
from accord.gate.types import AccessDenied, Actor
from accord.people import plausible
from accord.referrals import intake
from accord.referrals.schemas import PoliceReferralIn
from accord.store.exports import escape_row, unescape_cell
from accord.store.faults import checkpoint

PERSON = (
    "given_name", "family_name", "date_of_birth", "age", "gender", "phone", "email",
    "address", "postcode", "disability", "ethnicity", "religion", "vulnerable",
)  # fmt: skip
CRIME = ("crime_number", "crime_date", "crime_time", "crime_type", "domestic_abuse")
CONSENT = ("consent_given", "consent_captured_by", "consent_captured_at", "consent_channel")
TOP = ("police_reference", "role", "requested_service")
COLUMNS = (*TOP, *PERSON, *CRIME, *CONSENT)
REQUIRED = (
    "given_name", "family_name", "crime_number", "crime_date", "crime_type",
    "consent_given", "consent_captured_by", "consent_captured_at", "consent_channel",
)  # fmt: skip
BOOLEANS = {
    "yes": True,
    "y": True,
    "true": True,
    "1": True,
    "no": False,
    "n": False,
    "false": False,
    "0": False,
}
DATES = ("date_of_birth", "crime_date")
# No column needs more (an address is at most 300); a longer cell is a broken export.
MAX_CELL = 1000


class BadFileError(ValueError):
    """The file as a whole cannot be read (no header, missing columns): nothing is loaded."""


@dataclass(frozen=True)
class Rejection:
    row: int  # 1-based data row number (the header is row 0)
    reasons: tuple[str, ...]  # "column: why", never quoting the value
    values: dict[str, str]  # the row as read: kept sealed, never written in plain

    def by_column(self) -> list[tuple[str, str]]:
        """(column, reason) pairs; a reason about the whole row names the column `row`."""
        pairs = []
        for reason in self.reasons:
            column, sep, why = reason.partition(": ")
            pairs.append((column, why) if sep and " " not in column else ("row", reason))
        return pairs


@dataclass
class ImportReport:
    rows: int = 0
    loaded: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    routed: dict[str, int] = field(default_factory=dict)  # proposed service -> count
    matches: int = 0

    @property
    def reconciles(self) -> bool:
        return self.rows == self.loaded + len(self.rejected)


def _date(column: str, text: str) -> str:
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"):
        try:
            return datetime.strptime(text, pattern).date().isoformat()
        except ValueError:
            continue
    raise ValueError(f"{column}: not a date like 2026-03-27 or 27/03/2026")


def _bool(column: str, text: str) -> bool:
    try:
        return BOOLEANS[text.lower()]
    except KeyError:
        raise ValueError(f"{column}: not yes or no") from None


def row_to_body(values: dict[str, str]) -> dict[str, Any]:
    """Nest a CSV row as the API body; raises ValueError naming the column for cells that
    cannot even be read as their type."""
    cell = {k: (values.get(k) or "").strip() for k in COLUMNS}
    problems = []
    converted: dict[str, Any] = {}
    for column, text in cell.items():
        if not text:
            continue
        if len(text) > MAX_CELL:
            problems.append(f"{column}: longer than {MAX_CELL} characters")
            continue
        found = plausible.control_character(text, multiline=column == "address")
        if found is not None:
            problems.append(f"{column}: contains {found}")
            continue
        try:
            if column in DATES:
                converted[column] = _date(column, text)
            elif column in ("vulnerable", "domestic_abuse", "consent_given"):
                converted[column] = _bool(column, text)
            else:
                converted[column] = text
        except ValueError as exc:
            problems.append(str(exc))
    if problems:
        raise ValueError("; ".join(problems))
    body: dict[str, Any] = {k: converted[k] for k in TOP if k in converted}
    body["person"] = {k: converted[k] for k in PERSON if k in converted}
    body["crime"] = {k: converted[k] for k in CRIME if k in converted}
    body["consent"] = {k.removeprefix("consent_"): converted[k] for k in CONSENT if k in converted}
    return body


def _column(loc: tuple[int | str, ...]) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] == "consent" and len(parts) > 1:
        return f"consent_{parts[1]}"
    if len(parts) > 1 and parts[0] in ("person", "crime"):
        return parts[1]
    if parts == ["person"]:
        return "phone/email/address"
    return parts[0] if parts else "row"


def validation_reasons(exc: ValidationError) -> tuple[str, ...]:
    reasons = []
    for error in exc.errors():
        message = str(error["msg"]).removeprefix("Value error, ")
        if error["type"] == "missing":
            message = "is required"
        reasons.append(f"{_column(tuple(error['loc']))}: {message}")
    return tuple(reasons)


def read_rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise BadFileError(f"{path}: cannot be read as UTF-8 text ({exc})") from None
    # The csv module refuses a cell over 131,072 characters by aborting the whole read;
    # read every cell and let row_to_body reject an over-long one with its row number.
    limit = csv.field_size_limit(sys.maxsize)
    try:
        return _parse(path, text)
    finally:
        csv.field_size_limit(limit)


def _parse(path: Path, text: str) -> tuple[list[str], list[dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in (reader.fieldnames or [])]
    if not header:
        raise BadFileError(f"{path}: no header row")
    missing = [c for c in REQUIRED if c not in header]
    unknown = [c for c in header if c not in COLUMNS]
    if missing or unknown:
        parts = []
        if missing:
            parts.append("missing columns " + ", ".join(missing))
        if unknown:
            parts.append("unknown columns " + ", ".join(unknown))
        raise BadFileError(f"{path}: " + "; ".join(parts))
    reader.fieldnames = header
    try:
        rows = [_cells(row) for row in reader]
    except csv.Error as exc:
        raise BadFileError(f"{path}: line {reader.line_num}: not valid CSV ({exc})") from None
    return header, rows


def _cells(row: dict[str | Any, Any]) -> dict[str, str]:
    """A row's cells as text; extra cells (a row longer than the header) are dropped, and a
    quote accord put before a formula-like cell in a file it wrote is taken off."""
    return {
        k: unescape_cell(v) for k, v in row.items() if isinstance(k, str) and isinstance(v, str)
    }


def import_rows(
    session: Session,
    *,
    actor: Actor,
    rows: Iterable[dict[str, str]],
    register: str,
    receiving_organisation: str | None = None,
    progress: Callable[[], None] | None = None,
) -> ImportReport:
    report = ImportReport()
    for number, values in enumerate(rows, start=1):
        report.rows += 1
        reasons: tuple[str, ...] = ()
        try:
            body = row_to_body(values)
            body["register"] = register
            if receiving_organisation:
                body["receiving_organisation"] = receiving_organisation
            data = PoliceReferralIn.model_validate(body)
        except ValueError as exc:  # ValidationError is a ValueError
            reasons = validation_reasons(exc) if isinstance(exc, ValidationError) else (str(exc),)
        else:
            try:
                with session.begin_nested():
                    accepted = intake.receive(
                        session,
                        actor=actor,
                        intake=intake.from_police(data, actor=actor, source="police-file"),
                    )
            except InvalidInput as exc:
                reasons = (f"{exc.field}: {exc.message}",)
            except Conflict as exc:
                reasons = (str(exc),)
            except AccessDenied as exc:
                reasons = (f"row: refused ({exc.decision.reason.value}): {exc}",)
            except (DataError, IntegrityError, ValueError) as exc:
                # the savepoint is rolled back and intake destroyed any key it made
                reasons = (f"row: could not be stored ({type(exc).__name__})",)
            else:
                report.loaded += 1
                service = accepted.proposed_service or "no proposal"
                report.routed[service] = report.routed.get(service, 0) + 1
                report.matches += accepted.match_proposals
                # the row's subject key is in the keystore; its case is not yet committed
                checkpoint(f"referrals.import.after-row.{number}")
        if reasons:
            report.rejected.append(Rejection(number, reasons, values))
        if progress is not None:
            progress()
    return report


REJECTS_HEADER = ("row", "column", "reason")


def write_rejects(path: Path, rejected: list[Rejection]) -> None:
    """One line per reason: row number, column and reason, and no value from the row (the
    rows themselves are sealed apart, see accord.referrals.rejects). Written beside and then
    moved into place, so a run killed midway never leaves half a rejects file."""
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(REJECTS_HEADER)
        for item in rejected:
            for column, reason in item.by_column():
                writer.writerow(escape_row([item.row, column, reason]))
    os.replace(tmp, path)
