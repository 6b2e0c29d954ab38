"""The five shipped registers validate and hold the facts their source notices state."""

from __future__ import annotations

from pathlib import Path

import pytest

from accord.gate.catalogue import Permission
from accord.register.load import load_all
from accord.register.period import Period
from accord.register.schema import OrgRole, Register, WithdrawalEffect

REGISTERS = Path(__file__).resolve().parents[2] / "registers"


@pytest.fixture(scope="module")
def registers() -> dict[str, Register]:
    return load_all(REGISTERS)


def test_all_five_registers_validate(registers: dict[str, Register]) -> None:
    assert set(registers) == {"lvws", "mopac", "cambs-hub", "hounslow", "tvt"}


# (register, record type, trigger, period or None for indefinite, action)
RETENTION = [
    ("lvws", "referral", "referral_not_taken_up", "12 months", "delete"),
    ("lvws", "case", "last_contact", "6 years", "delete"),
    ("lvws", "complaint", "last_contact", "6 years", "delete"),
    ("lvws", "live-chat", "created", "6 years", "delete"),
    ("lvws", "web-enquiry", "created", "6 weeks", "delete"),
    ("lvws", "rj-case", "case_closed", "6 years", "delete"),
    ("mopac", "correspondence", "last_contact", "8 years", "delete"),
    ("mopac", "complaint", "last_contact", "8 years", "delete"),
    ("mopac", "foi-request", "request_closed", "2 years", "delete"),
    ("mopac", "rights-request", "request_closed", "2 years", "delete"),
    ("mopac", "photo-video", "created", "4 years", "delete"),
    ("mopac", "applicant-unsuccessful", "application_decided", "6 months", "delete"),
    ("mopac", "applicant-merit-list", "application_decided", "12 months", "delete"),
    ("mopac", "survey-cohort", "created", "3 years", "delete"),
    ("mopac", "social-media-dm", "created", "3 months", "delete"),
    ("mopac", "newsletter-opt-out", "unsubscribed", None, "review"),
    ("cambs-hub", "referral", "referral_not_taken_up", "12 months", "delete"),
    ("cambs-hub", "case", "case_closed", "2 years", "review"),
    ("hounslow", "dsv-outreach-case", "last_action", "7 years", "delete"),
    ("hounslow", "iom-case", "case_closed", "6 years", "review"),
    ("hounslow", "crp-case", "last_action", "6 years", "delete"),
    ("hounslow", "marac-case", "case_closed", "6 years", "delete"),
    ("hounslow", "fgm-case", "last_action", "7 years", "delete"),
    ("tvt", "partner-record", "record_date", "6 years", "delete"),
]


@pytest.mark.parametrize(("register_id", "record_type", "trigger", "period", "action"), RETENTION)
def test_retention_rules_from_the_notices(
    registers: dict[str, Register],
    register_id: str,
    record_type: str,
    trigger: str,
    period: str | None,
    action: str,
) -> None:
    rule = registers[register_id].record_type(record_type).retention
    assert rule is not None
    assert rule.trigger.value == trigger
    assert rule.action.value == action
    assert rule.source.strip()
    if period is None:
        assert rule.indefinite
        assert rule.period is None
    else:
        assert rule.period == Period.model_validate(period)
        assert not rule.indefinite


def test_cambs_withdrawal_after_engagement_deletes_immediately(
    registers: dict[str, Register],
) -> None:
    hub = registers["cambs-hub"]
    support = hub.purpose("victim-support")
    assert support.consent is not None
    assert support.consent.effect is WithdrawalEffect.DELETE_RECORD
    assert "victim-support" in hub.record_type("case").purposes


def test_mopac_newsletter_unsubscribers_go_on_an_opted_out_list(
    registers: dict[str, Register],
) -> None:
    mopac = registers["mopac"]
    newsletter = mopac.purpose("newsletter")
    assert newsletter.consent is not None
    assert newsletter.consent.effect is WithdrawalEffect.OPT_OUT_LIST
    assert "newsletter" in mopac.record_type("newsletter-opt-out").purposes


def test_hounslow_crime_statistics_hold_no_personal_data(registers: dict[str, Register]) -> None:
    stats = registers["hounslow"].record_type("crime-statistics")
    assert stats.personal_data is False
    assert stats.retention is None
    assert registers["hounslow"].organisation("hounslow").ico_registration == "Z5761176"


def test_tvt_reviews_every_six_months_and_joint_controllers_have_their_own_dpo(
    registers: dict[str, Register],
) -> None:
    tvt = registers["tvt"]
    assert tvt.statements.review_every == Period.model_validate("6 months")
    assert "six months" in (tvt.statements.review_cycle or "")
    joint = [o for o in tvt.organisations if o.role is OrgRole.JOINT_CONTROLLER]
    assert len(joint) >= 4
    assert all(o.dpo is not None and o.dpo.email and o.joint_arrangement for o in joint)
    assert "originating" in " ".join(
        n.note for n in tvt.rights
    ) or "partner organisation" in " ".join(n.note for n in tvt.rights)


def test_lvws_routing(registers: dict[str, Register]) -> None:
    lvws = registers["lvws"]
    routes = {r.to_service: r for r in lvws.routing}
    assert routes["cyp-support"].when.age_under == 18
    assert lvws.service("cyp-support").organisation == "catch22"
    assert routes["restorative-justice"].when.requested_service == "restorative_justice"
    assert lvws.service("restorative-justice").organisation == "calm-mediation"
    adult = routes["adult-da-support"].when
    assert {"adult", "domestic_abuse"} <= set(adult.case_types)
    assert lvws.service("adult-da-support").organisation == "victim-support"


def test_commissioners_are_anonymous_only(registers: dict[str, Register]) -> None:
    for register_id, role_id in (
        ("lvws", "commissioner"),
        ("mopac", "commissioner"),
        ("tvt", "report-recipient"),
    ):
        role = registers[register_id].role(role_id)
        assert role.anonymous_only
        assert role.caseload == "none"
    assert registers["lvws"].organisation("mopac").role is OrgRole.COMMISSIONER


def test_role_permissions_come_from_the_catalogue(registers: dict[str, Register]) -> None:
    known = {p.value for p in Permission}
    for register in registers.values():
        for role in register.roles:
            assert set(role.permissions) <= known, (register.id, role.id)


def test_mopac_us_processors_rely_on_the_uk_addendum(registers: dict[str, Register]) -> None:
    mopac = registers["mopac"]
    for recipient_id in ("adobe", "mailchimp", "sprout", "eventbrite"):
        [transfer] = mopac.recipient(recipient_id).transfers
        assert transfer.country == "United States"
        assert transfer.safeguard == "uk_addendum"
    assert mopac.recipient("microsoft").transfers[0].safeguard == "adequacy"
