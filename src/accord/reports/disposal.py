"""What retention disposes of here: identifying priority lists, each a record of the record
type its definition names (TVT's `report-identifying`), on that record type's clock from the
day it was made; its entries, decisions, openings and actions go with it (ON DELETE CASCADE).
Aggregate outputs and evaluation-extract records hold no personal data."""

from __future__ import annotations

from accord.register.report_schema import ReportKind
from accord.register.schema import Register
from accord.reports.priority_models import PriorityList
from accord.retention.declare import ClockedRows


def _list_record_types(register: Register) -> frozenset[str]:
    return frozenset(
        rt for r in register.reports if r.kind is ReportKind.IDENTIFYING for rt in r.record_types
    )


DECLARATIONS = (
    ClockedRows(
        name="priority-lists",
        model=PriorityList,
        record_types=_list_record_types,
        has_service=False,
    ),
)
