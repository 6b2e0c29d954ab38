"""Which rights apply to which records, from the register's lawful bases, per record type."""

from __future__ import annotations

import pytest

from accord.register.schema import Art6, Art9
from accord.rights.applicable import (
    Exemption,
    Right,
    portable_categories,
    record_rights,
)
from factories.registers import register, shipped

REGISTERS = ("lvws", "mopac", "cambs-hub", "hounslow", "tvt")


def test_lvws_support_case_may_be_kept_for_the_public_task_and_statistics() -> None:
    lvws = shipped("lvws")
    case = record_rights(lvws, "case")
    assert set(case.erasure_exemptions) == {Exemption.PUBLIC_TASK, Exemption.ARCHIVING_STATISTICS}
    assert "victim-support" in case.erasure_exemptions[Exemption.PUBLIC_TASK]
    assert case.erasure_exemptions[Exemption.ARCHIVING_STATISTICS] == (
        "research",
        "anonymous-statistics",
    )
    # consent purposes (referral on, evaluation, updates) and the person as a source
    assert case.portable
    assert set(case.portable_purposes) == {
        "referral-on",
        "evaluation-sharing",
        "updates",
    }
    assert Right.OBJECTION in case.rights
    assert Right.WITHDRAW_CONSENT in case.rights


def test_a_complaint_under_legitimate_interests_has_no_ground_to_refuse_erasure() -> None:
    complaint = record_rights(shipped("lvws"), "complaint")
    assert complaint.erasure_exemptions == {}
    assert not complaint.portable
    assert complaint.objectable_purposes == ("complaints",)
    assert "consent or a contract" in complaint.portability_reason()


def test_a_referral_the_police_made_is_not_portable() -> None:
    referral = record_rights(shipped("lvws"), "referral")
    assert not referral.portable
    assert Right.PORTABILITY not in referral.rights


def test_a_retention_rule_kept_for_the_limitation_act_supports_legal_claims() -> None:
    hounslow = shipped("hounslow")
    held = {
        rt.id
        for rt in hounslow.record_types
        if rt.retention is not None and "Limitation Act" in rt.retention.source
    }
    assert held
    for record_type in held:
        rights = record_rights(hounslow, record_type)
        assert "retention" in rights.erasure_exemptions[Exemption.LEGAL_CLAIMS]


def test_portable_categories_are_those_the_consent_purposes_hold() -> None:
    lvws = shipped("lvws")
    case = record_rights(lvws, "case")
    found = portable_categories(lvws, case)
    assert "contact-details" in found  # referral on, updates
    assert "ethnicity" not in found  # equality monitoring rests on a public task
    assert portable_categories(lvws, record_rights(lvws, "complaint")) == frozenset()


def test_changing_a_basis_in_the_register_changes_the_rights() -> None:
    changed = register(
        "lvws",
        purposes={
            "complaints": {
                "basis": {"art6": "legal_obligation", "art6_detail": "A statutory complaints duty"}
            }
        },
    )
    complaint = record_rights(changed, "complaint")
    assert complaint.erasure_exemptions == {Exemption.LEGAL_OBLIGATION: ("complaints",)}
    assert complaint.objectable_purposes == ()


@pytest.mark.parametrize("register_id", REGISTERS)
def test_every_record_type_of_every_register_follows_its_bases(register_id: str) -> None:
    reg = shipped(register_id)
    for record_type in reg.record_types:
        rights = record_rights(reg, record_type.id)
        purposes = [reg.purpose(p) for p in record_type.purposes]
        assert {Right.RECTIFICATION, Right.ERASURE, Right.RESTRICTION} <= set(rights.rights)
        objectable = [
            p.id for p in purposes if p.basis.art6 in (Art6.PUBLIC_TASK, Art6.LEGITIMATE_INTERESTS)
        ]
        assert list(rights.objectable_purposes) == objectable
        if rights.portable:
            assert "self" in record_type.sources
            assert any(p.basis.art6 in (Art6.CONSENT, Art6.CONTRACT) for p in purposes)
        if Exemption.LEGAL_OBLIGATION in rights.erasure_exemptions:
            assert any(p.basis.art6 is Art6.LEGAL_OBLIGATION for p in purposes)
        if Exemption.ARCHIVING_STATISTICS in rights.erasure_exemptions:
            assert any(p.basis.art9 is Art9.ARCHIVING_RESEARCH_STATISTICS for p in purposes)
