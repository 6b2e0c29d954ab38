"""A report definition as the register holds it: found by id, hashed for approvals, and
turned into the breakdowns and measures the disclosure-control engine runs."""

from __future__ import annotations

import hashlib
import itertools
import json
from dataclasses import dataclass

from accord.analytics.dialect import Dialect
from accord.errors import NotFound
from accord.register.report_checks import effective_settings, source_fields
from accord.register.report_schema import (
    Breakdown,
    DisclosureControl,
    MeasureKind,
    Period,
    ReportDefinition,
)
from accord.register.schema import CategoryKind, OrgRole, Register
from accord.reports.sdc import Dimension, Rules, SumMeasure


def find(register: Register, report_id: str) -> ReportDefinition:
    for report in register.reports:
        if report.id == report_id:
            return report
    raise NotFound("report", f"Register {register.id!r} has no report {report_id!r}.")


def definition_hash(register: Register, report: ReportDefinition) -> str:
    """SHA-256 over the definition and the settings it runs with: any change (a breakdown, a
    recipient, the register's floor) gives a new hash, which needs approving again."""
    body = {
        "register": register.id,
        # Settings a kind of report does not use are left out, so adding a kind leaves the
        # hashes (and approvals) of every other definition as they were.
        "definition": report.model_dump(
            mode="json",
            exclude={k for k in ("extract", "map", "priority") if getattr(report, k) is None},
        ),
        "settings": effective_settings(register, report).model_dump(mode="json"),
    }
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


def partners(register: Register) -> list[str]:
    """The organisations that must each approve a definition: the joint controllers."""
    return [o.id for o in register.organisations if o.role is OrgRole.JOINT_CONTROLLER]


def rules(settings: DisclosureControl) -> Rules:
    return Rules(
        min_cell=settings.min_cell,
        special_min_cell=settings.special_min_cell,
        rounding_base=settings.rounding_base,
        zeros_disclosive=settings.zeros_disclosive,
        nk_n=settings.dominance.n,
        nk_k=settings.dominance.k,
        p=settings.dominance.p,
    )


@dataclass(frozen=True)
class Plan:
    """What the engine computes for one definition."""

    dimensions: list[Dimension]
    sums: list[SumMeasure]
    labels: dict[str, str]  # breakdown field -> column heading
    measure_names: dict[str, str]  # measure id -> column heading
    count_measure: str | None  # the id of the count measure, if any
    date_field: str | None  # the field a period scope applies to
    fields: dict[str, str]  # the source's fields and types


def plan(
    register: Register,
    report: ReportDefinition,
    *,
    dialect: Dialect,
    categories: dict[str, list[str]],
) -> Plan:
    """`categories` maps each source field to the categories it holds (special ones make a
    breakdown special)."""
    fields = source_fields(register, report.source) or {}
    special_ids = {c.id for c in register.categories if c.kind is CategoryKind.SPECIAL}
    dims = []
    for b in report.breakdowns:
        column = f"s.{dialect.quote(b.field)}"
        dims.append(
            Dimension(
                name=b.field,
                sql=_dimension_sql(b, column, dialect.sql_type("string")),
                special=any(c in special_ids for c in categories.get(b.field, [])),
            )
        )
    sums = []
    count = None
    for m in report.measures:
        if m.kind is MeasureKind.COUNT:
            count = count or m.id
        else:
            column = f"s.{dialect.quote(m.field or '')}"
            kind = fields.get(m.field or "")
            sql = f"CASE WHEN {column} THEN 1 ELSE 0 END" if kind == "boolean" else column
            sums.append(SumMeasure(name=m.id, sql=sql))
    date_field = next(
        (b.field for b in report.breakdowns if b.period is not None),
        None,
    )
    return Plan(
        dimensions=dims,
        sums=sums,
        labels={
            b.field: b.label or b.field.replace("_", " ").capitalize() for b in report.breakdowns
        },
        measure_names={m.id: m.name for m in report.measures},
        count_measure=count,
        date_field=date_field,
        fields=fields,
    )


def _dimension_sql(b: Breakdown, column: str, string: str) -> str:
    if b.period is Period.YEAR:
        return f"CAST(EXTRACT(YEAR FROM {column}) AS BIGINT)"
    if b.period is Period.QUARTER:
        return (
            f"CONCAT(CAST(CAST(EXTRACT(YEAR FROM {column}) AS BIGINT) AS {string}), '-Q',"
            f" CAST(CAST(EXTRACT(QUARTER FROM {column}) AS BIGINT) AS {string}))"
        )
    if b.period is Period.MONTH:
        return (
            f"CONCAT(CAST(CAST(EXTRACT(YEAR FROM {column}) AS BIGINT) AS {string}), '-',"
            f" LPAD(CAST(CAST(EXTRACT(MONTH FROM {column}) AS BIGINT) AS {string}), 2, '0'))"
        )
    if b.bands:
        return _bands_sql(b.bands, column)
    return column


def _bands_sql(bands: list[int], column: str) -> str:
    """Age bands as labels that sort: 'under 18', '18-24', ..., '65 and over'."""
    parts = [
        f"WHEN {column} IS NULL THEN NULL",
        f"WHEN {column} < {int(bands[0])} THEN 'under {int(bands[0])}'",
    ]
    for low, high in itertools.pairwise(bands):
        parts.append(f"WHEN {column} < {int(high)} THEN '{int(low)}-{int(high) - 1}'")
    parts.append(f"ELSE '{int(bands[-1])} and over'")
    return f"CASE {' '.join(parts)} END"
