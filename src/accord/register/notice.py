"""The privacy notice as data, built from a register; `notice_render` turns it into md or html.

Everything a notice promises comes from the register the software enforces, so the notice can
never say something the system does not do. The right sections are computed: portability is
offered only for consent or contract purposes, objection only for public task or legitimate
interests, and so on.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from accord.register import plain
from accord.register.load import digest
from accord.register.schema import (
    Art6,
    Art9,
    CategoryKind,
    Contact,
    OrgRole,
    Purpose,
    Register,
)

ORG_ROLE: dict[OrgRole, str] = {
    OrgRole.CONTROLLER: "Controller",
    OrgRole.JOINT_CONTROLLER: "Joint controller",
    OrgRole.PROCESSOR: "Processor (acts on our instructions)",
    OrgRole.COMMISSIONER: "Commissioner (receives anonymous information only)",
    OrgRole.RECIPIENT: "Recipient",
    OrgRole.SOURCE: "Source of information",
}


@dataclass(frozen=True)
class OrgView:
    name: str
    role: str
    description: str | None
    contact: list[str]
    dpo: list[str]
    ico_registration: str | None
    joint_arrangement: str | None


@dataclass(frozen=True)
class CategoryView:
    name: str
    kind: str  # plain words: personal data / special category data (health) / criminal offence data
    sensitive: bool
    description: str | None = None


@dataclass(frozen=True)
class PurposeView:
    id: str
    name: str
    description: str
    art6: str
    art6_detail: str | None
    art6_detail_label: str  # "Our legitimate interest" or "Law or task relied on"
    art9: str | None
    art10: str | None
    consent: str | None  # how to withdraw and what happens
    categories: list[str]


@dataclass(frozen=True)
class RecipientView:
    name: str
    why: list[str]
    identifying: bool
    location: str
    description: str | None


@dataclass(frozen=True)
class TransferView:
    recipient: str
    country: str
    safeguard: str
    detail: str | None


@dataclass(frozen=True)
class RetentionView:
    record: str
    period: str  # e.g. "6 weeks"
    rule: str  # e.g. "6 weeks after we receive or create it, then deleted"
    source: str
    note: str | None


@dataclass(frozen=True)
class RightView:
    key: str
    title: str
    applies: str
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ReportView:
    name: str
    purpose: str
    kind: str  # "anonymous statistics" or "identifies people"
    recipients: list[str]
    agreed: str | None  # who approved the definition now in force (None: not known here)


@dataclass(frozen=True)
class Notice:
    register_id: str
    title: str
    version: str
    effective_from: str
    digest: str
    summary: str
    joint_arrangement: str | None  # stated once when every joint controller shares it
    organisations: list[OrgView]
    data_subjects: list[str]
    categories: list[CategoryView]
    sources: list[str]
    purposes: list[PurposeView]
    recipients: list[RecipientView]
    transfers: list[TransferView]
    retention: list[RetentionView]
    rights: list[RightView]
    exercise: list[str]
    automated_decisions: str
    profiling: str | None
    data_matching: str | None
    review_cycle: str | None
    updates: str | None
    security: str | None
    disclosure_policy: str | None
    complaints: str
    reports: list[ReportView] = field(default_factory=list)


def _contact_lines(contact: Contact | None) -> list[str]:
    if contact is None:
        return []
    return [
        v for v in (contact.name, contact.address, contact.email, contact.phone, contact.web) if v
    ]


def _category_view(register: Register, category_id: str) -> CategoryView:
    category = register.category(category_id)
    kind = plain.KIND[category.kind]
    if category.kind is CategoryKind.SPECIAL and category.special_type is not None:
        kind += f" ({plain.SPECIAL_TYPE[category.special_type]})"
    description = " ".join(category.description.split()) if category.description else None
    return CategoryView(
        category.name, kind, category.kind is not CategoryKind.ORDINARY, description
    )


def _withdrawal(purpose: Purpose) -> str:
    if purpose.consent is None:
        return ""
    how = purpose.consent.how_to_withdraw.strip().rstrip(".")
    return f"{how}. If you do, {plain.EFFECT[purpose.consent.effect]}."


def _consent_text(purpose: Purpose) -> str | None:
    if purpose.consent is None:
        return None
    return f"You can withdraw your consent at any time. {_withdrawal(purpose)}"


def _purpose_view(register: Register, purpose: Purpose) -> PurposeView:
    return PurposeView(
        id=purpose.id,
        name=purpose.name,
        description=purpose.description.strip(),
        art6=plain.ART6[purpose.basis.art6],
        art6_detail=purpose.basis.art6_detail,
        art6_detail_label=(
            "Our legitimate interest"
            if purpose.basis.art6 is Art6.LEGITIMATE_INTERESTS
            else "Law or task relied on"
        ),
        art9=plain.art9(purpose.basis),
        art10=plain.art10(purpose.basis),
        consent=_consent_text(purpose),
        categories=[register.category(c).name for c in purpose.categories],
    )


def _names(purposes: list[Purpose]) -> str:
    return ", ".join(f"“{p.name}”" for p in purposes)


def _rights(register: Register) -> list[RightView]:
    """Each right with the conditions under which it applies here, then the register's notes."""
    by_art6: dict[Art6, list[Purpose]] = {}
    for purpose in register.purposes:
        by_art6.setdefault(purpose.basis.art6, []).append(purpose)
    consent = [
        p
        for p in register.purposes
        if p.basis.art6 is Art6.CONSENT or p.basis.art9 is Art9.EXPLICIT_CONSENT
    ]
    portable = by_art6.get(Art6.CONSENT, []) + by_art6.get(Art6.CONTRACT, [])
    objectable = by_art6.get(Art6.PUBLIC_TASK, []) + by_art6.get(Art6.LEGITIMATE_INTERESTS, [])
    erasure_limited = by_art6.get(Art6.LEGAL_OBLIGATION, []) + by_art6.get(Art6.PUBLIC_TASK, [])
    automated = register.statements.automated_decisions.strip()

    erasure = (
        "You can ask us to delete your information where we no longer need it for the purpose "
        "we collected it for, where we relied on your consent and you withdraw it, where you "
        "object and there is no overriding reason to continue, or where it was processed "
        "unlawfully."
    )
    if erasure_limited:
        erasure += (
            " The right is limited where we need the information to comply with a legal "
            "obligation, to carry out a public task, or for legal claims. Here that can apply to: "
            f"{_names(erasure_limited)}."
        )
    rights = [
        RightView("informed", "The right to be informed", "Always: this notice tells you how we use your information."),
        RightView("access", "The right of access", "Always: you can ask for a copy of the information we hold about you. We reply within one month, free of charge, unless an exemption applies."),
        RightView("rectification", "The right to rectification", "Always: you can ask us to correct information that is wrong or incomplete."),
        RightView("erasure", "The right to erasure", erasure),
        RightView("restriction", "The right to restrict processing", "You can ask us to pause using your information while we check its accuracy or consider an objection, where it was processed unlawfully and you want it kept rather than deleted, or where we no longer need it but you need it for a legal claim. While it is restricted we only store it."),
        RightView(
            "portability",
            "The right to data portability",
            (
                "Applies only to information you gave us that we use because of your consent or a "
                f"contract with you, and that we process by automated means: {_names(portable)}."
                if portable
                else "Does not apply here, because we do not rely on your consent or a contract with you."
            ),
        ),
        RightView(
            "objection",
            "The right to object",
            (
                "Applies where we rely on a public task or legitimate interests: "
                f"{_names(objectable)}. Tell us why, and we stop unless we have compelling "
                "legitimate grounds to continue."
                if objectable
                else "Does not apply here, because we do not rely on a public task or legitimate interests."
            ),
        ),
        RightView(
            "automated_decisions",
            "Rights about automated decisions and profiling",
            f"{automated} You have the right not to be subject to a decision based solely on "
            "automated processing that has legal or similarly significant effects on you, and to "
            "obtain human intervention, give your point of view and challenge a decision.",
        ),
        RightView(
            "withdraw_consent",
            "The right to withdraw consent",
            (
                "Where we rely on your consent you can withdraw it at any time: "
                + " ".join(f"for “{p.name}”: {_withdrawal(p)}" for p in consent)
                if consent
                else "We do not rely on your consent for this processing."
            ),
        ),
    ]  # fmt: skip
    notes: dict[str, list[str]] = {}
    for note in register.rights:
        notes.setdefault(note.right, []).append(note.note.strip())
    return [RightView(r.key, r.title, r.applies, notes.get(r.key, [])) for r in rights]


def _reports(register: Register, approvals: Mapping[str, list[str]] | None) -> list[ReportView]:
    """The agreed reports; with `approvals` (report id -> partner organisations that approved
    its current definition), who agreed each one."""
    names = {o.id: o.name for o in register.organisations}
    partners = [o.id for o in register.organisations if o.role is OrgRole.JOINT_CONTROLLER]
    views = []
    for report in register.reports:
        agreed = None
        if approvals is not None and partners:
            done = approvals.get(report.id, [])
            if set(partners) <= set(done):
                agreed = "Agreed by all partners"
            else:
                waiting = [names.get(p, p) for p in partners if p not in done]
                agreed = "Not yet agreed by " + ", ".join(waiting) + "; it is not produced"
        views.append(
            ReportView(
                name=report.name,
                purpose=register.purpose(report.purpose).name,
                kind={
                    "identifying": "identifies people",
                    "extract": "records of people who agreed, under a pseudonym",
                }.get(report.kind.value, "anonymous statistics"),
                recipients=[register.recipient(r).name for r in report.recipients],
                agreed=agreed,
            )
        )
    return views


def build_notice(register: Register, approvals: Mapping[str, list[str]] | None = None) -> Notice:
    statements = register.statements
    arrangements = {
        o.joint_arrangement for o in register.organisations if o.role is OrgRole.JOINT_CONTROLLER
    }
    shared = arrangements.pop() if len(arrangements) == 1 else None
    organisations = [
        OrgView(
            name=o.name,
            role=ORG_ROLE[o.role],
            description=o.description,
            contact=_contact_lines(o.contact),
            dpo=_contact_lines(o.dpo),
            ico_registration=o.ico_registration,
            joint_arrangement=None if shared else o.joint_arrangement,
        )
        for o in register.organisations
    ]
    purposes_by_id = {p.id: p for p in register.purposes}
    recipients = [
        RecipientView(
            name=r.name,
            why=[purposes_by_id[p].name for p in r.purposes if p in purposes_by_id],
            identifying=r.identifying,
            location=r.hosting_location,
            description=r.description,
        )
        for r in register.recipients
    ]
    transfers = [
        TransferView(
            recipient=r.name,
            country=t.country,
            safeguard=(
                safeguard := plain.SAFEGUARD[t.safeguard] if t.safeguard else "none recorded"
            ),
            # the detail often just names the safeguard again
            detail=t.detail if t.detail and t.detail.lower() not in safeguard.lower() else None,
        )
        for r in register.recipients
        for t in r.transfers
    ]
    retention = [
        RetentionView(
            record=rt.name,
            period=plain.period_text(rt.retention),
            rule=plain.retention(rt.retention),
            source=rt.retention.source.strip(),
            note=rt.retention.note.strip() if rt.retention.note else None,
        )
        for rt in register.record_types
        if rt.retention is not None and rt.personal_data
    ]
    exercise = [n.note.strip() for n in register.rights if n.right == "exercise"]
    return Notice(
        register_id=register.id,
        title=register.title,
        version=register.version,
        effective_from=register.effective_from.isoformat(),
        digest=digest(register),
        summary=register.summary.strip(),
        joint_arrangement=" ".join(shared.split()) if shared else None,
        organisations=organisations,
        data_subjects=[d.name for d in register.data_subjects],
        categories=[_category_view(register, c.id) for c in register.categories],
        sources=[s.name for s in register.sources],
        purposes=[_purpose_view(register, p) for p in register.purposes],
        recipients=recipients,
        transfers=transfers,
        retention=retention,
        rights=_rights(register),
        exercise=exercise,
        automated_decisions=statements.automated_decisions.strip(),
        profiling=statements.profiling,
        data_matching=statements.data_matching,
        review_cycle=statements.review_cycle,
        updates=statements.updates,
        security=statements.security,
        disclosure_policy=statements.disclosure_policy,
        complaints=statements.complaints.strip(),
        reports=_reports(register, approvals),
    )
