"""Report definitions against the register: known source tables, fields and breakdowns,
settings never looser than the register's floor, identifying reports only for roles allowed
to receive them. Each problem names the report and the part of it that is wrong."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from accord.register.errors import Problem
from accord.register.report_schema import (
    DisclosureControl,
    MeasureKind,
    QuasiIdentifier,
    ReportDefinition,
    ReportKind,
)
from accord.register.schema import FieldRole, Register

IDENTIFYING_READ = "reports:identifying:read"

# The fields each in-store source offers for reports, with their types. Sealed identity is
# never offered; the equality fields are read (sealed apart) only for a purpose that holds them.
CASEWORK_FIELDS: dict[str, str] = {
    "service": "string",
    "crime_type": "string",
    "person_role": "string",
    "status": "string",
    "source": "string",
    "domestic_abuse": "boolean",
    "vulnerable": "boolean",
    "age": "integer",
    "received_at": "date",
    "closed_at": "date",
    "disability": "string",
    "ethnicity": "string",
    "religion": "string",
}
PANEL_FIELDS: dict[str, str] = {
    "service": "string",
    "record_type": "string",
    "risk_level": "string",
    "status": "string",
    "referred_by": "string",
    "opened_at": "date",
    "closed_at": "date",
}
PARTNER_PREFIX = "partner:"

# What an evaluation extract may carry from casework, with each field's type: read through the
# gate and cut to the categories the purpose holds. `age` is the age at referral, worked out
# from the date of birth (the date itself never leaves); `area` is the postcode, generalised.
EXTRACT_FIELDS: dict[str, str] = {
    "age": "integer",
    "gender": "string",
    "area": "postcode",
    "ethnicity": "string",
    "religion": "string",
    "disability": "string",
    "crime_type": "string",
    "service": "string",
    "status": "string",
    "closure_reason": "string",
    "received_month": "string",
    "closed_month": "string",
}


def source_fields(register: Register, source: str) -> dict[str, str] | None:
    """{field: type} a source offers in this register; None for an unknown source."""
    if source == "casework":
        return CASEWORK_FIELDS
    if source == "panels":
        return PANEL_FIELDS
    if source.startswith(PARTNER_PREFIX) and "/" in source:
        partner, dataset = source.removeprefix(PARTNER_PREFIX).split("/", 1)
        for contract in register.feeds:
            if contract.partner == partner and contract.dataset == dataset:
                return {
                    f.name: f.type
                    for f in contract.fields
                    if f.name != contract.delete_field
                    and (
                        f.role is FieldRole.ATTRIBUTE
                        or (f.role is FieldRole.KEY and not contract.personal_data)
                    )
                }
    return None


def known_sources(register: Register) -> list[str]:
    return ["casework", "panels"] + [f"partner:{c.partner}/{c.dataset}" for c in register.feeds]


def effective_settings(register: Register, report: ReportDefinition) -> DisclosureControl:
    """The register's settings with the report's tightenings applied (checked separately)."""
    base, o = register.disclosure_control, report.disclosure_control
    return DisclosureControl(
        min_cell=o.min_cell if o.min_cell is not None else base.min_cell,
        special_min_cell=(
            o.special_min_cell if o.special_min_cell is not None else base.special_min_cell
        ),
        rounding_base=o.rounding_base if o.rounding_base is not None else base.rounding_base,
        zeros_disclosive=(
            o.zeros_disclosive if o.zeros_disclosive is not None else base.zeros_disclosive
        ),
        dominance=base.dominance.model_copy(
            update={
                k: v
                for k, v in (("n", o.dominance_n), ("k", o.dominance_k), ("p", o.dominance_p))
                if v is not None
            }
        ),
    )


def check_reports(register: Register, file: Path) -> list[Problem]:
    problems: list[Problem] = []
    seen: set[str] = set()
    for i, report in enumerate(register.reports):
        base = f"reports[{i}]"

        def problem(path: str, rule: str, message: str, _base: str = base) -> None:
            problems.append(Problem(file, f"{_base}{path}", rule, message))

        if report.id in seen:
            problem(".id", "duplicate-id", f"report id {report.id!r} is used twice")
        seen.add(report.id)
        if report.kind is ReportKind.EXTRACT:
            _check_extract(register, report, problem)
        elif report.kind is ReportKind.IDENTIFYING:
            _check_priority(register, report, problem)
        else:
            if report.priority is not None:
                problem(
                    ".priority",
                    "priority-settings-on-report",
                    f"report {report.id!r} is {report.kind.value}: only an identifying priority "
                    "list has priority settings",
                )
            if report.extract is not None:
                problem(
                    ".extract",
                    "extract-settings-on-report",
                    f"report {report.id!r} is {report.kind.value}: only an extract has extract "
                    "settings",
                )
            _check_parts(register, report, problem)
            _check_floor(register, report, problem)
        _check_recipients(register, report, problem)
    return problems


_Problem = Callable[[str, str, str], None]  # (path inside the report, rule, message)


def _check_purpose_and_record_types(
    register: Register, report: ReportDefinition, problem: _Problem
) -> None:
    """The purpose is the register's, and each record type read is held for it."""
    purposes = {p.id for p in register.purposes}
    if report.purpose not in purposes:
        problem(
            ".purpose", "unknown-purpose", f"report {report.id!r}: no purpose {report.purpose!r}"
        )
    record_types = {rt.id: rt for rt in register.record_types}
    if not report.record_types:
        problem(".record_types", "no-record-type", f"report {report.id!r} reads no record type")
    for j, rt_id in enumerate(report.record_types):
        rt = record_types.get(rt_id)
        if rt is None:
            problem(
                f".record_types[{j}]",
                "unknown-record-type",
                f"report {report.id!r}: no record type {rt_id!r}",
            )
        elif report.purpose not in rt.purposes:
            problem(
                f".record_types[{j}]",
                "purpose-not-for-record",
                f"report {report.id!r}: {rt_id!r} records are not held for {report.purpose!r}",
            )


def _check_parts(register: Register, report: ReportDefinition, problem: _Problem) -> None:
    _check_purpose_and_record_types(register, report, problem)
    fields = source_fields(register, report.source)
    if fields is None:
        problem(
            ".source",
            "unknown-source",
            f"report {report.id!r}: unknown source table {report.source!r} "
            f"(known: {', '.join(known_sources(register))})",
        )
        return
    if report.unit == "person" and not report.source.startswith(PARTNER_PREFIX):
        problem(
            ".unit",
            "person-needs-partner-source",
            f"report {report.id!r}: only partner records are counted by linked person",
        )
    if not report.measures:
        problem(".measures", "no-measure", f"report {report.id!r} has no measure")
    for j, measure in enumerate(report.measures):
        if measure.kind is MeasureKind.SUM:
            kind = fields.get(measure.field or "")
            if measure.field is None or kind is None:
                problem(
                    f".measures[{j}].field",
                    "unknown-field",
                    f"report {report.id!r}: measure {measure.id!r} sums unknown field "
                    f"{measure.field!r} of {report.source!r}",
                )
            elif kind not in ("integer", "number", "boolean"):
                problem(
                    f".measures[{j}].field",
                    "not-a-number",
                    f"report {report.id!r}: measure {measure.id!r} sums {measure.field!r}, "
                    f"which is a {kind}, not a number",
                )
    if not report.breakdowns:
        problem(".breakdowns", "no-breakdown", f"report {report.id!r} has no breakdown")
    names = [b.field for b in report.breakdowns]
    for j, breakdown in enumerate(report.breakdowns):
        kind = fields.get(breakdown.field)
        where = f".breakdowns[{j}]"
        if kind is None:
            problem(
                where + ".field",
                "unknown-breakdown",
                f"report {report.id!r}: unknown breakdown {breakdown.field!r}: "
                f"{report.source!r} has no such field (fields: {', '.join(sorted(fields))})",
            )
            continue
        if names.count(breakdown.field) > 1:
            problem(
                where + ".field",
                "duplicate-breakdown",
                f"report {report.id!r}: breakdown {breakdown.field!r} appears twice",
            )
        if breakdown.period is not None and kind != "date":
            problem(
                where + ".period",
                "period-needs-date",
                f"report {report.id!r}: breakdown {breakdown.field!r} is a {kind}, not a date",
            )
        if kind == "date" and breakdown.period is None:
            problem(
                where + ".period",
                "date-needs-period",
                f"report {report.id!r}: date breakdown {breakdown.field!r} needs a period "
                "(month, quarter or year)",
            )
        if breakdown.bands:
            if kind not in ("integer", "number"):
                problem(
                    where + ".bands",
                    "bands-need-number",
                    f"report {report.id!r}: breakdown {breakdown.field!r} is a {kind}: "
                    "only numbers are banded",
                )
            elif breakdown.bands != sorted(set(breakdown.bands)):
                problem(
                    where + ".bands",
                    "bands-not-increasing",
                    f"report {report.id!r}: bands of {breakdown.field!r} must increase",
                )


def _check_floor(register: Register, report: ReportDefinition, problem: _Problem) -> None:
    """A report may tighten the register's settings, never loosen them."""
    floor, o = register.disclosure_control, report.disclosure_control
    looser: list[tuple[str, object, object]] = []
    if o.min_cell is not None and o.min_cell < floor.min_cell:
        looser.append(("min_cell", o.min_cell, floor.min_cell))
    if o.special_min_cell is not None and o.special_min_cell < floor.special_min_cell:
        looser.append(("special_min_cell", o.special_min_cell, floor.special_min_cell))
    if o.rounding_base is not None and o.rounding_base < floor.rounding_base:
        looser.append(("rounding_base", o.rounding_base, floor.rounding_base))
    if o.zeros_disclosive is False and floor.zeros_disclosive:
        looser.append(("zeros_disclosive", False, True))
    if o.dominance_n is not None and o.dominance_n < floor.dominance.n:
        looser.append(("dominance_n", o.dominance_n, floor.dominance.n))
    if o.dominance_k is not None and o.dominance_k > floor.dominance.k:
        looser.append(("dominance_k", o.dominance_k, floor.dominance.k))
    if o.dominance_p is not None and o.dominance_p < floor.dominance.p:
        looser.append(("dominance_p", o.dominance_p, floor.dominance.p))
    for name, value, limit in looser:
        problem(
            f".disclosure_control.{name}",
            "below-register-floor",
            f"report {report.id!r}: {name} {value} is looser than the register's floor {limit}",
        )


def _check_recipients(register: Register, report: ReportDefinition, problem: _Problem) -> None:
    recipients = {r.id: r for r in register.recipients}
    roles = {r.id: r for r in register.roles}
    identifying = report.kind in (ReportKind.IDENTIFYING, ReportKind.EXTRACT)
    if not report.recipients:
        problem(".recipients", "no-recipient", f"report {report.id!r} names no recipient")
    for j, rid in enumerate(report.recipients):
        recipient = recipients.get(rid)
        if recipient is None:
            problem(
                f".recipients[{j}]",
                "unknown-recipient",
                f"report {report.id!r}: no recipient {rid!r}",
            )
        elif identifying and not recipient.identifying:
            problem(
                f".recipients[{j}]",
                "identifying-to-anonymous-recipient",
                f"report {report.id!r} identifies people, but recipient {rid!r} receives "
                "anonymous data only",
            )
    if not report.roles:
        problem(".roles", "no-role", f"report {report.id!r} names no role to receive it")
    for j, role_id in enumerate(report.roles):
        role = roles.get(role_id)
        if role is None:
            problem(f".roles[{j}]", "unknown-role", f"report {report.id!r}: no role {role_id!r}")
        elif report.kind is ReportKind.IDENTIFYING and (
            role.anonymous_only or IDENTIFYING_READ not in role.permissions
        ):
            problem(
                f".roles[{j}]",
                "identifying-without-role",
                f"report {report.id!r} identifies people, but role {role_id!r} may not receive "
                f"identifying reports (it needs {IDENTIFYING_READ} and not to be anonymous-only)",
            )


def _check_extract(register: Register, report: ReportDefinition, problem: _Problem) -> None:
    """An extract reads casework of people who consented to its purpose, carries known fields,
    widens each quasi-identifier in a way that fits its type, and links people across
    services only where the register shares the purpose from more than one provider."""
    _check_purpose_and_record_types(register, report, problem)
    purpose = next((p for p in register.purposes if p.id == report.purpose), None)
    if purpose is not None and purpose.consent is None:
        problem(
            ".purpose",
            "extract-needs-consent",
            f"extract {report.id!r}: purpose {report.purpose!r} does not rest on consent; an "
            "evaluation extract carries only people who consented to it",
        )
    if report.source != "casework":
        problem(
            ".source",
            "unknown-source",
            f"extract {report.id!r}: extracts read casework only, not {report.source!r}",
        )
    settings = report.extract
    if settings is None:
        problem(".extract", "extract-settings-required", f"extract {report.id!r} has no settings")
        return
    known = ", ".join(sorted(EXTRACT_FIELDS))
    for j, name in enumerate(settings.fields):
        if name not in EXTRACT_FIELDS:
            problem(
                f".extract.fields[{j}]",
                "unknown-field",
                f"extract {report.id!r}: unknown field {name!r} (fields: {known})",
            )
    if not settings.quasi_identifiers:
        problem(
            ".extract.quasi_identifiers",
            "no-quasi-identifier",
            f"extract {report.id!r} names no quasi-identifier to check k-anonymity on",
        )
    seen: set[str] = set()
    for j, qi in enumerate(settings.quasi_identifiers):
        where = f".extract.quasi_identifiers[{j}]"
        if qi.field in seen or qi.field in settings.fields:
            problem(
                where + ".field",
                "duplicate-field",
                f"extract {report.id!r}: field {qi.field!r} is named twice",
            )
        seen.add(qi.field)
        kind = EXTRACT_FIELDS.get(qi.field)
        if kind is None:
            problem(
                where + ".field",
                "unknown-field",
                f"extract {report.id!r}: unknown quasi-identifier {qi.field!r} (fields: {known})",
            )
            continue
        _check_levels(report, qi, kind, where, problem)
    if settings.link_across_services:
        providers = {
            org
            for rule in register.sharing
            if report.purpose in rule.purposes
            and any(r in rule.recipients for r in report.recipients)
            for org in rule.from_organisations
        }
        if len(providers) < 2:
            problem(
                ".extract.link_across_services",
                "linking-not-allowed",
                f"extract {report.id!r}: the register shares {report.purpose!r} with its "
                "recipients from fewer than two providers, so there is nothing to link across",
            )


def _check_levels(
    report: ReportDefinition, qi: QuasiIdentifier, kind: str, where: str, problem: _Problem
) -> None:
    wrong = {
        "bands": bool(qi.bands) and kind != "integer",
        "postcode": bool(qi.postcode) and kind != "postcode",
        "groups": bool(qi.groups) and kind != "string",
    }
    for name, bad in wrong.items():
        if bad:
            problem(
                f"{where}.{name}",
                "levels-do-not-fit",
                f"extract {report.id!r}: {qi.field!r} is a {kind}; it cannot be widened by {name}",
            )
    if kind == "integer" and not qi.bands:
        problem(
            where + ".bands",
            "bands-required",
            f"extract {report.id!r}: {qi.field!r} is a number and needs bands (exact values "
            "are never released)",
        )
    for n, bands in enumerate(qi.bands):
        if not bands or bands != sorted(set(bands)):
            problem(
                f"{where}.bands[{n}]",
                "bands-not-increasing",
                f"extract {report.id!r}: bands of {qi.field!r} must increase",
            )
    if kind == "postcode" and not qi.postcode:
        problem(
            where + ".postcode",
            "postcode-levels-required",
            f"extract {report.id!r}: {qi.field!r} needs postcode levels (a full postcode is "
            "never released)",
        )


def _check_priority(register: Register, report: ReportDefinition, problem: _Problem) -> None:
    """An identifying report is a priority list: it rests on an impact assessment, its
    factors read known fields of partner records, and it reads a record type held for its
    purpose (the list itself, which retention keeps and disposes of)."""
    _check_purpose_and_record_types(register, report, problem)
    if len(report.record_types) > 1:
        problem(
            ".record_types",
            "one-list-record-type",
            f"priority list {report.id!r} names the one record type its lists are kept as",
        )
    settings = report.priority
    if settings is None:
        problem(
            ".priority",
            "impact-assessment-required",
            f"identifying report {report.id!r} names no impact assessment and no factors: a "
            "priority list rests on a data protection impact assessment",
        )
        return
    if not settings.factors:
        problem(".priority.factors", "no-factor", f"priority list {report.id!r} has no factor")
    if settings.min_factors > max(len(settings.factors), 1):
        problem(
            ".priority.min_factors",
            "too-few-factors",
            f"priority list {report.id!r} needs {settings.min_factors} factors of "
            f"{len(settings.factors)}",
        )
    ids: set[str] = set()
    for j, factor in enumerate(settings.factors):
        where = f".priority.factors[{j}]"
        if factor.id in ids:
            problem(where + ".id", "duplicate-id", f"factor id {factor.id!r} is used twice")
        ids.add(factor.id)
        fields = (
            source_fields(register, factor.source)
            if factor.source.startswith(PARTNER_PREFIX)
            else None
        )
        if fields is None:
            problem(
                where + ".source",
                "unknown-source",
                f"priority list {report.id!r}: factor {factor.id!r} reads unknown partner "
                f"dataset {factor.source!r}",
            )
        elif factor.field not in fields:
            problem(
                where + ".field",
                "unknown-field",
                f"priority list {report.id!r}: factor {factor.id!r}: {factor.source!r} has no "
                f"field {factor.field!r} (fields: {', '.join(sorted(fields))})",
            )
        if not factor.values:
            problem(
                where + ".values",
                "no-value",
                f"priority list {report.id!r}: factor {factor.id!r} names no value",
            )
