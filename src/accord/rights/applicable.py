"""Which rights apply to a record, decided from the register's lawful bases, per record type.

Nothing here is decided by hand: the register names each record type's purposes, each
purpose its lawful basis, and the rules of UK GDPR turn those into rights.

- Rectification and restriction apply to every record of personal data (Art 16, Art 18).
- Erasure (Art 17) applies, but may be refused under the exemptions the record's purposes
  support: a legal obligation or a public task (17(3)(b)), archiving, research or statistics
  (17(3)(d), an Art 9(2)(j) purpose), and legal claims (17(3)(e): a purpose resting on
  Art 9(2)(f), or a retention rule kept for the Limitation Act's claim periods).
- Portability (Art 20) applies to data held under consent or a contract, and only to what the
  person gave us themselves (a record type whose sources include the person).
- Objection (Art 21) applies to purposes resting on a public task or legitimate interests.
- Withdrawing consent applies to purposes resting on consent (Art 6 or explicit Art 9).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from accord.register.schema import Art6, Art9, Purpose, RecordType, Register

# The register's source id for "the person themselves" (what they gave us directly).
SELF_SOURCE = "self"


class Exemption(StrEnum):
    """Grounds on which an erasure request may be refused for a record (UK GDPR Art 17(3))."""

    LEGAL_OBLIGATION = "legal-obligation"  # 17(3)(b)
    PUBLIC_TASK = "public-task"  # 17(3)(b)
    ARCHIVING_STATISTICS = "archiving-statistics"  # 17(3)(d)
    LEGAL_CLAIMS = "legal-claims"  # 17(3)(e)


EXEMPTION_TEXT: dict[Exemption, str] = {
    Exemption.LEGAL_OBLIGATION: "we must keep it to comply with a legal obligation",
    Exemption.PUBLIC_TASK: "we need it to carry out a task in the public interest",
    Exemption.ARCHIVING_STATISTICS: (
        "deleting it would seriously harm research or statistics it is held for"
    ),
    Exemption.LEGAL_CLAIMS: "we need it to make or defend legal claims",
}


class Right(StrEnum):
    RECTIFICATION = "rectification"
    ERASURE = "erasure"
    RESTRICTION = "restriction"
    PORTABILITY = "portability"
    OBJECTION = "objection"
    WITHDRAW_CONSENT = "withdraw_consent"


@dataclass(frozen=True)
class RecordRights:
    """The rights a person has over records of one record type, and why."""

    register: str
    record_type: str
    # exemption -> the purposes (or the retention rule) that support it
    erasure_exemptions: dict[Exemption, tuple[str, ...]]
    portable_purposes: tuple[str, ...]
    objectable_purposes: tuple[str, ...]
    consent_purposes: tuple[str, ...]
    provided_by_person: bool

    @property
    def portable(self) -> bool:
        return bool(self.portable_purposes) and self.provided_by_person

    @property
    def rights(self) -> tuple[Right, ...]:
        found = [Right.RECTIFICATION, Right.ERASURE, Right.RESTRICTION]
        if self.portable:
            found.append(Right.PORTABILITY)
        if self.objectable_purposes:
            found.append(Right.OBJECTION)
        if self.consent_purposes:
            found.append(Right.WITHDRAW_CONSENT)
        return tuple(found)

    def portability_reason(self) -> str:
        """Why portability does or does not apply to these records, in plain words."""
        if self.portable:
            return (
                "You gave us this information and we use it with your consent or under a contract."
            )
        if not self.portable_purposes:
            return (
                "Not included: we do not hold this information because of your consent or a "
                "contract with you, so the right to data portability does not apply to it."
            )
        return (
            "Not included: this information did not come from you, so the right to data "
            "portability does not apply to it."
        )


def _consent_based(purpose: Purpose) -> bool:
    return purpose.basis.art6 is Art6.CONSENT or purpose.basis.art9 is Art9.EXPLICIT_CONSENT


def _exemptions(
    record_type: RecordType, purposes: list[Purpose]
) -> dict[Exemption, tuple[str, ...]]:
    found: dict[Exemption, list[str]] = {}
    for purpose in purposes:
        basis = purpose.basis
        if basis.art6 is Art6.LEGAL_OBLIGATION:
            found.setdefault(Exemption.LEGAL_OBLIGATION, []).append(purpose.id)
        if basis.art6 is Art6.PUBLIC_TASK:
            found.setdefault(Exemption.PUBLIC_TASK, []).append(purpose.id)
        if basis.art9 is Art9.ARCHIVING_RESEARCH_STATISTICS:
            found.setdefault(Exemption.ARCHIVING_STATISTICS, []).append(purpose.id)
        if basis.art9 is Art9.LEGAL_CLAIMS:
            found.setdefault(Exemption.LEGAL_CLAIMS, []).append(purpose.id)
    retention = record_type.retention
    if retention is not None and "limitation act" in retention.source.lower():
        found.setdefault(Exemption.LEGAL_CLAIMS, []).append("retention")
    return {exemption: tuple(ids) for exemption, ids in found.items()}


def record_rights(register: Register, record_type: str) -> RecordRights:
    """The rights over records of `record_type` in `register` (KeyError if it has none such)."""
    rt = register.record_type(record_type)
    purposes = [register.purpose(p) for p in rt.purposes]
    return RecordRights(
        register=register.id,
        record_type=rt.id,
        erasure_exemptions=_exemptions(rt, purposes),
        portable_purposes=tuple(
            p.id for p in purposes if p.basis.art6 in (Art6.CONSENT, Art6.CONTRACT)
        ),
        objectable_purposes=tuple(
            p.id for p in purposes if p.basis.art6 in (Art6.PUBLIC_TASK, Art6.LEGITIMATE_INTERESTS)
        ),
        consent_purposes=tuple(p.id for p in purposes if _consent_based(p)),
        provided_by_person=SELF_SOURCE in rt.sources,
    )


def portable_categories(register: Register, rights: RecordRights) -> frozenset[str]:
    """The data categories of the record type that its consent or contract purposes hold (what
    a portability export may carry)."""
    if not rights.portable:
        return frozenset()
    held = set(register.record_type(rights.record_type).categories)
    found: set[str] = set()
    for purpose_id in rights.portable_purposes:
        found.update(set(register.purpose(purpose_id).categories) & held)
    return frozenset(found)
