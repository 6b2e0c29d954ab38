"""Property tests: for any register, the rights over a record type follow from its purposes'
lawful bases and sources alone."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from accord.register.schema import Art6, Art9, Register
from accord.rights.applicable import Exemption, Right, portable_categories, record_rights

CATEGORIES = ["name", "contact", "health", "notes"]
SOURCES = ["self", "police", "partner"]


@st.composite
def registers(draw: st.DrawFn) -> Register:
    count = draw(st.integers(min_value=1, max_value=5))
    purposes = [
        {
            "id": f"p{i}",
            "name": f"Purpose {i}",
            "description": "A purpose",
            "basis": {
                "art6": draw(st.sampled_from(list(Art6))).value,
                "art9": draw(st.none() | st.sampled_from(list(Art9))),
            },
            "categories": draw(st.lists(st.sampled_from(CATEGORIES), unique=True)),
        }
        for i in range(count)
    ]
    limitation = draw(st.booleans())
    record_type: dict[str, Any] = {
        "id": "record",
        "name": "Record",
        "categories": draw(st.lists(st.sampled_from(CATEGORIES), min_size=1, unique=True)),
        "purposes": draw(
            st.lists(st.sampled_from([p["id"] for p in purposes]), min_size=1, unique=True)
        ),
        "data_subjects": ["person"],
        "sources": draw(st.lists(st.sampled_from(SOURCES), unique=True)),
        "retention": {
            "trigger": "created",
            "period": "6 years",
            "action": "delete",
            "source": "Limitation Act 1980 s2" if limitation else "Our policy",
        },
    }
    return Register.model_validate(
        {
            "id": "r",
            "title": "R",
            "version": "1",
            "effective_from": "2026-01-01",
            "summary": "A register",
            "organisations": [{"id": "o", "name": "O", "role": "controller"}],
            "data_subjects": [{"id": "person", "name": "Person"}],
            "categories": [{"id": c, "name": c.title()} for c in CATEGORIES],
            "sources": [{"id": s, "name": s.title()} for s in SOURCES],
            "purposes": purposes,
            "record_types": [record_type],
            "statements": {"automated_decisions": "none"},
        }
    )


@settings(max_examples=200, deadline=None)
@given(registers())
def test_rights_follow_the_bases_and_sources(register: Register) -> None:
    rt = register.record_type("record")
    purposes = [register.purpose(p) for p in rt.purposes]
    rights = record_rights(register, "record")
    bases = {p.basis.art6 for p in purposes}
    conditions = {p.basis.art9 for p in purposes}

    assert (Right.OBJECTION in rights.rights) == bool(
        bases & {Art6.PUBLIC_TASK, Art6.LEGITIMATE_INTERESTS}
    )
    assert rights.portable == ("self" in rt.sources and bool(bases & {Art6.CONSENT, Art6.CONTRACT}))
    assert (Right.WITHDRAW_CONSENT in rights.rights) == (
        Art6.CONSENT in bases or Art9.EXPLICIT_CONSENT in conditions
    )
    expected = set()
    if Art6.LEGAL_OBLIGATION in bases:
        expected.add(Exemption.LEGAL_OBLIGATION)
    if Art6.PUBLIC_TASK in bases:
        expected.add(Exemption.PUBLIC_TASK)
    if Art9.ARCHIVING_RESEARCH_STATISTICS in conditions:
        expected.add(Exemption.ARCHIVING_STATISTICS)
    if Art9.LEGAL_CLAIMS in conditions or "Limitation Act" in rt.retention.source:  # type: ignore[union-attr]
        expected.add(Exemption.LEGAL_CLAIMS)
    assert set(rights.erasure_exemptions) == expected
    for exemption, supporting in rights.erasure_exemptions.items():
        assert supporting  # every ground names what supports it
        assert set(supporting) <= {*rt.purposes, "retention"}, exemption

    exported = portable_categories(register, rights)
    assert exported <= set(rt.categories)
    if not rights.portable:
        assert exported == frozenset()
    else:
        allowed = {
            c
            for p in purposes
            if p.basis.art6 in (Art6.CONSENT, Art6.CONTRACT)
            for c in p.categories
        }
        assert exported == allowed & set(rt.categories)
