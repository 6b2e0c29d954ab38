"""Report definitions kept with the register: what validation refuses, and why."""

from __future__ import annotations

from typing import Any

import pytest

from accord.register.errors import RegisterError
from accord.register.report_checks import effective_settings
from factories import registers


def _rules(register_id: str, report_id: str, **changes: Any) -> list[tuple[str, str, str]]:
    """The (path, rule, message) problems of the shipped report `report_id` with `changes`."""
    with pytest.raises(RegisterError) as refused:
        registers.register(register_id, reports={report_id: changes})
    return [(p.path, p.rule, p.message) for p in refused.value.problems]


def test_shipped_definitions_are_valid() -> None:
    ids = {r: [d.id for d in registers.shipped(r).reports] for r in ("lvws", "hounslow", "tvt")}
    assert "mopac-monitoring-return" in ids["lvws"]
    assert "panel-trends" in ids["hounslow"]
    assert "serious-violence-profile" in ids["tvt"]


def test_unknown_source_table_is_refused_by_name() -> None:
    [(path, rule, message)] = _rules("tvt", "serious-violence-profile", source="partner:nobody/x")
    assert (path, rule) == ("reports[0].source", "unknown-source")
    assert "'partner:nobody/x'" in message
    assert "partner:thames-valley-police/crime-events" in message


def test_unknown_breakdown_is_refused_by_name() -> None:
    problems = _rules("tvt", "serious-violence-profile", breakdowns=[{"field": "surname"}])
    assert [(p, r) for p, r, _ in problems] == [
        ("reports[0].breakdowns[0].field", "unknown-breakdown")
    ]
    # an identifier is never offered to a report
    assert "unknown breakdown 'surname'" in problems[0][2]


def test_unknown_sum_field_is_refused() -> None:
    problems = _rules(
        "tvt",
        "serious-violence-profile",
        measures=[{"id": "x", "name": "X", "kind": "sum", "field": "population"}],
    )
    assert [(p, r) for p, r, _ in problems] == [("reports[0].measures[0].field", "unknown-field")]


def test_date_breakdown_needs_a_period_and_bands_need_a_number() -> None:
    problems = _rules(
        "tvt",
        "serious-violence-profile",
        breakdowns=[{"field": "event_date"}, {"field": "lsoa", "bands": [1, 2]}],
    )
    assert {r for _, r, _ in problems} == {"date-needs-period", "bands-need-number"}


@pytest.mark.parametrize(
    ("setting", "value", "floor"),
    [
        ("min_cell", 5, 10),
        ("special_min_cell", 12, 20),
        ("rounding_base", 2, 5),
        ("zeros_disclosive", False, True),
        ("dominance_k", 0.95, 0.9),
        ("dominance_p", 0.05, 0.1),
        ("dominance_n", 1, 2),
    ],
)
def test_settings_below_the_register_floor_are_refused(
    setting: str, value: Any, floor: Any
) -> None:
    [(path, rule, message)] = _rules(
        "tvt", "serious-violence-profile", disclosure_control={setting: value}
    )
    assert path == f"reports[0].disclosure_control.{setting}"
    assert rule == "below-register-floor"
    assert f"{setting} {value} is looser than the register's floor {floor}" in message


def test_a_report_may_tighten_the_floor() -> None:
    tvt = registers.register(
        "tvt",
        reports={
            "serious-violence-profile": {
                "disclosure_control": {"min_cell": 25, "rounding_base": 10}
            }
        },
    )
    report = next(r for r in tvt.reports if r.id == "serious-violence-profile")
    settings = effective_settings(tvt, report)
    assert (settings.min_cell, settings.rounding_base, settings.zeros_disclosive) == (25, 10, True)


def test_identifying_report_for_a_role_without_the_permission_is_refused() -> None:
    problems = _rules("tvt", "serious-violence-profile", kind="identifying")
    rules = {(p, r) for p, r, _ in problems}
    # the anonymous recipient and the anonymous-only role are both named
    assert ("reports[0].recipients[0]", "identifying-to-anonymous-recipient") in rules
    assert ("reports[0].roles[0]", "identifying-without-role") in rules
    message = next(m for p, _, m in problems if p == "reports[0].roles[0]")
    assert "role 'report-recipient' may not receive identifying reports" in message


def test_identifying_report_for_the_agreed_staff_is_valid() -> None:
    tvt = registers.register(
        "tvt", reports={"priority-support": {"roles": ["priority-support-recipient"]}}
    )
    listed = next(r for r in tvt.reports if r.id == "priority-support")
    assert listed.kind == "identifying"
    assert listed.priority is not None


def test_unknown_purpose_record_type_recipient_and_role_are_named() -> None:
    problems = _rules(
        "lvws",
        "mopac-monitoring-return",
        purpose="gossip",
        record_types=["case", "diary"],
        recipients=["the-press"],
        roles=["journalist"],
    )
    rules = {(p, r) for p, r, _ in problems}
    assert {
        ("reports[0].purpose", "unknown-purpose"),
        ("reports[0].record_types[1]", "unknown-record-type"),
        ("reports[0].recipients[0]", "unknown-recipient"),
        ("reports[0].roles[0]", "unknown-role"),
    } <= rules
