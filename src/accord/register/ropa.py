"""Record of processing activities (UK GDPR Article 30) with the ICO template's columns.

One row per purpose and record-type combination (a purpose no record type uses still gets a
row), so the DPO can filter the spreadsheet by either. Exported as CSV or as an xlsx workbook.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from accord.register import plain
from accord.register.schema import (
    Art6,
    CategoryKind,
    Organisation,
    OrgRole,
    Purpose,
    RecordType,
    Register,
)
from accord.store.exports import escape_cell, escape_row

# The ICO's controller documentation template (its "Record of processing" and "Lawful basis"
# sheets), then the special category / criminal offence columns and the register keys.
COLUMNS: tuple[str, ...] = (
    "Register",
    "Business function",
    "Purpose of processing",
    "Record type",
    "Name and contact details of controller",
    "Name and contact details of joint controller",
    "Data Protection Officer",
    "Categories of individuals",
    "Categories of personal data",
    "Special category data",
    "Criminal offence data",
    "Categories of recipients",
    "Link to contract with processor",
    "Names of third countries or international organisations",
    "Safeguards for exceptional transfers",
    "Retention schedule",
    "General description of technical and organisational security measures",
    "Article 6 lawful basis",
    "Legitimate interests for the processing",
    "Article 9 basis",
    "Schedule 1 condition",
    "Article 10 basis",
    "Rights available",
    "Existence of automated decision-making, including profiling",
    "Data source",
    "Link to record of consent",
    "Location of personal data",
    "Purpose id",
    "Record type id",
)


def _contact(org: Organisation) -> str:
    details = (
        org.dpo if org.role is OrgRole.JOINT_CONTROLLER and org.contact is None else org.contact
    )
    parts = [org.name]
    if details is not None:
        parts += [v for v in (details.address, details.email, details.phone) if v]
    return ", ".join(parts)


def _rights(purpose: Purpose) -> str:
    rights = ["informed", "access", "rectification", "restriction"]
    art6 = purpose.basis.art6
    if art6 not in (Art6.LEGAL_OBLIGATION, Art6.PUBLIC_TASK):
        rights.append("erasure")
    else:
        rights.append("erasure (limited: Art 17(3)(b))")
    if art6 in (Art6.CONSENT, Art6.CONTRACT):
        rights.append("portability")
    if art6 in (Art6.PUBLIC_TASK, Art6.LEGITIMATE_INTERESTS):
        rights.append("objection")
    if purpose.consent is not None:
        rights.append("withdraw consent")
    return ", ".join(rights)


def _row(register: Register, purpose: Purpose, record_type: RecordType | None) -> dict[str, str]:
    orgs = register.organisations
    controllers = [o for o in orgs if o.role is OrgRole.CONTROLLER]
    joint = [o for o in orgs if o.role is OrgRole.JOINT_CONTROLLER]
    service = register.service(record_type.service) if record_type and record_type.service else None
    if service is not None:
        controllers = [register.organisation(service.organisation)]
    categories = [register.category(c) for c in purpose.categories]
    if record_type is not None:
        held = set(record_type.categories)
        categories = [c for c in categories if c.id in held] or categories
    recipients = [r for r in register.recipients if purpose.id in r.purposes]
    processors = [r for r in recipients if r.kind == "processor"]
    transfers = [(r, t) for r in recipients for t in r.transfers]
    rule = record_type.retention if record_type else None
    basis = purpose.basis
    statements = register.statements
    subjects = record_type.data_subjects if record_type else []
    sources = record_type.sources if record_type else []
    return {
        "Register": f"{register.id} ({register.title}) v{register.version}",
        "Business function": service.name
        if service
        else (record_type.name if record_type else purpose.name),
        "Purpose of processing": f"{purpose.name}: {' '.join(purpose.description.split())}",
        "Record type": record_type.name if record_type else "",
        "Name and contact details of controller": "; ".join(_contact(o) for o in controllers),
        "Name and contact details of joint controller": "; ".join(_contact(o) for o in joint),
        "Data Protection Officer": "; ".join(
            f"{o.name}: {', '.join(v for v in (o.dpo.name, o.dpo.email, o.dpo.address) if v)}"
            for o in [*controllers, *joint]
            if o.dpo is not None
        ),
        "Categories of individuals": "; ".join(
            next(d.name for d in register.data_subjects if d.id == s) for s in subjects
        ),
        "Categories of personal data": "; ".join(c.name for c in categories),
        "Special category data": "; ".join(
            f"{c.name} ({plain.SPECIAL_TYPE[c.special_type]})" if c.special_type else c.name
            for c in categories
            if c.kind is CategoryKind.SPECIAL
        ),
        "Criminal offence data": "; ".join(
            c.name for c in categories if c.kind is CategoryKind.CRIMINAL_OFFENCE
        ),
        "Categories of recipients": "; ".join(
            r.name + ("" if r.identifying else " (anonymous only)") for r in recipients
        ),
        "Link to contract with processor": "; ".join(
            f"Data processing agreement with {r.name}" for r in processors
        ),
        "Names of third countries or international organisations": "; ".join(
            f"{t.country} ({r.name})" for r, t in transfers
        ),
        "Safeguards for exceptional transfers": "; ".join(
            f"{r.name}: {plain.SAFEGUARD[t.safeguard] if t.safeguard else 'none recorded'}"
            for r, t in transfers
        ),
        "Retention schedule": (
            f"{plain.retention(rule)} (source: {' '.join(rule.source.split())})" if rule else ""
        ),
        "General description of technical and organisational security measures": " ".join(
            (statements.security or "").split()
        ),
        "Article 6 lawful basis": plain.ART6_SHORT[basis.art6]
        + (f": {basis.art6_detail}" if basis.art6_detail else ""),
        "Legitimate interests for the processing": (
            basis.art6_detail or purpose.name if basis.art6 is Art6.LEGITIMATE_INTERESTS else ""
        ),
        "Article 9 basis": plain.art9_short(basis),
        "Schedule 1 condition": plain.schedule1_short(
            [basis.art9_schedule1, *basis.art9_schedule1_also]
        ),
        "Article 10 basis": plain.art10_short(basis),
        "Rights available": _rights(purpose),
        "Existence of automated decision-making, including profiling": " ".join(
            f"{statements.automated_decisions} {statements.profiling or ''}".split()
        ),
        "Data source": "; ".join(
            next(s.name for s in register.sources if s.id == source) for source in sources
        ),
        "Link to record of consent": (
            "accord consent ledger (per person, with the notice version shown)"
            if purpose.consent is not None
            else ""
        ),
        "Location of personal data": "accord store (UK)"
        + "".join(f"; {r.name}: {r.hosting_location}" for r in processors),
        "Purpose id": purpose.id,
        "Record type id": record_type.id if record_type else "",
    }


def ropa_rows(register: Register) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    for purpose in register.purposes:
        record_types: list[RecordType | None] = [
            rt for rt in register.record_types if purpose.id in rt.purposes
        ]
        for record_type in record_types or [None]:
            rows.append(_row(register, purpose, record_type))
    return rows


def to_csv(rows: list[dict[str, str]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: escape_cell(v) for k, v in row.items()})
    return buffer.getvalue()


def write_xlsx(rows: list[dict[str, str]], path: Path, *, title: str) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Record of processing"
    sheet.append(list(COLUMNS))
    for row in rows:
        sheet.append(escape_row(row[c] for c in COLUMNS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    for column in range(1, len(COLUMNS) + 1):
        letter = get_column_letter(column)
        sheet.column_dimensions[letter].width = 24 if column > 4 else 32
        for cell in sheet[letter]:
            cell.alignment = wrap
    sheet.freeze_panes = "C2"
    sheet.auto_filter.ref = sheet.dimensions
    about = workbook.create_sheet("About")
    about.append(["Record of processing activities (UK GDPR Article 30)"])
    about.append([escape_cell(title)])
    about.append(
        ["Generated by accord from the processing register; one row per purpose and record type."]
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
