"""Lawfulness and completeness rules that span a register.

`validate` returns every problem at once (never just the first), each naming the file, the path
inside it and a short rule code, so an unlawful or incomplete register is refused with a list a
DPO can work through. Structural rules (ids, references, permissions) live in `references`.
"""

from __future__ import annotations

from pathlib import Path

from accord.register.access import check_access
from accord.register.errors import Problem
from accord.register.fields import check_fields
from accord.register.references import (
    KNOWN_PERMISSIONS,
    check_duplicates,
    check_feeds,
    check_references,
    check_roles,
)
from accord.register.report_checks import check_reports
from accord.register.schema import (
    Art6,
    Art9,
    Art10,
    CategoryKind,
    OrgRole,
    Purpose,
    Register,
    Schedule1Condition,
    SharingKind,
)

# Art 9(2) conditions that need a DPA 2018 Schedule 1 condition (s10(2), (3)), and the part
# of Schedule 1 (and paragraph, where only one fits) the condition must come from.
SCHEDULE1_FOR_ART9: dict[Art9, tuple[int, int | None]] = {
    Art9.EMPLOYMENT_SOCIAL_SECURITY: (1, 1),
    Art9.HEALTH_SOCIAL_CARE: (1, 2),
    Art9.PUBLIC_HEALTH: (1, 3),
    Art9.ARCHIVING_RESEARCH_STATISTICS: (1, 4),
    Art9.SUBSTANTIAL_PUBLIC_INTEREST: (2, None),
}

UK_NAMES = frozenset(
    {
        "uk",
        "united kingdom",
        "great britain",
        "gb",
        "england",
        "scotland",
        "wales",
        "northern ireland",
    }
)


def is_uk(location: str) -> bool:
    return location.strip().lower() in UK_NAMES


def _kinds(register: Register) -> dict[str, CategoryKind]:
    return {c.id: c.kind for c in register.categories}


def _schedule1_label(condition: Schedule1Condition) -> str:
    return f"Schedule 1 Part {condition.part} paragraph {condition.paragraph}"


def _check_art9(
    purpose: Purpose, base: str, kinds: dict[str, CategoryKind], file: Path
) -> list[Problem]:
    problems: list[Problem] = []
    basis = purpose.basis
    special = [c for c in purpose.categories if kinds.get(c) is CategoryKind.SPECIAL]
    if special and basis.art9 is None:
        problems.append(
            Problem(
                file,
                f"{base}.basis.art9",
                "art9-condition-required",
                f"purpose {purpose.id!r} processes special category data ({', '.join(special)}) "
                "but names no Article 9(2) condition",
            )
        )
    if basis.art9 in SCHEDULE1_FOR_ART9:
        part, paragraph = SCHEDULE1_FOR_ART9[basis.art9]
        condition = basis.art9_schedule1
        if condition is None:
            problems.append(
                Problem(
                    file,
                    f"{base}.basis.art9_schedule1",
                    "schedule1-condition-required",
                    f"purpose {purpose.id!r} relies on Article 9(2) {basis.art9.value}, which needs "
                    "a DPA 2018 Schedule 1 condition (section 10)",
                )
            )
        elif condition.part != part or (paragraph is not None and condition.paragraph != paragraph):
            wanted = f"Part {part}" + (f" paragraph {paragraph}" if paragraph else "")
            problems.append(
                Problem(
                    file,
                    f"{base}.basis.art9_schedule1",
                    "schedule1-condition-mismatch",
                    f"purpose {purpose.id!r}: Article 9(2) {basis.art9.value} needs a condition "
                    f"from Schedule 1 {wanted}, not {_schedule1_label(condition)}",
                )
            )
    for j, also in enumerate(basis.art9_schedule1_also):
        if also.part == 3:
            problems.append(
                Problem(
                    file,
                    f"{base}.basis.art9_schedule1_also[{j}]",
                    "schedule1-condition-mismatch",
                    f"purpose {purpose.id!r}: Schedule 1 Part 3 conditions apply to criminal "
                    "offence data only, not to special category data",
                )
            )
    if basis.art9 is Art9.EXPLICIT_CONSENT and (
        purpose.consent is None or not purpose.consent.explicit
    ):
        problems.append(
            Problem(
                file,
                f"{base}.consent.explicit",
                "explicit-consent-required",
                f"purpose {purpose.id!r} relies on explicit consent (Article 9(2)(a)); mark its "
                "consent terms `explicit: true`",
            )
        )
    return problems


def _check_art10(
    purpose: Purpose, base: str, kinds: dict[str, CategoryKind], file: Path
) -> list[Problem]:
    problems: list[Problem] = []
    basis = purpose.basis
    criminal = [c for c in purpose.categories if kinds.get(c) is CategoryKind.CRIMINAL_OFFENCE]
    if criminal and basis.art10 is None:
        problems.append(
            Problem(
                file,
                f"{base}.basis.art10",
                "art10-basis-required",
                f"purpose {purpose.id!r} processes criminal offence data ({', '.join(criminal)}) "
                "but names no Article 10 basis (official authority or a Schedule 1 condition)",
            )
        )
    if basis.art10 is Art10.SCHEDULE_1 and basis.art10_schedule1 is None:
        problems.append(
            Problem(
                file,
                f"{base}.basis.art10_schedule1",
                "schedule1-condition-required",
                f"purpose {purpose.id!r} relies on a Schedule 1 condition for criminal offence "
                "data but does not name it",
            )
        )
    return problems


def _check_purposes(register: Register, file: Path) -> list[Problem]:
    kinds = _kinds(register)
    problems: list[Problem] = []
    for i, purpose in enumerate(register.purposes):
        base = f"purposes[{i}]"
        problems += _check_art9(purpose, base, kinds, file)
        problems += _check_art10(purpose, base, kinds, file)
        basis = purpose.basis
        if basis.art6 is Art6.LEGITIMATE_INTERESTS and purpose.official_function:
            problems.append(
                Problem(
                    file,
                    f"{base}.basis.art6",
                    "legitimate-interests-official-function",
                    f"purpose {purpose.id!r} is an official function of a public authority, which "
                    "cannot rely on legitimate interests (UK GDPR Article 6(1), last paragraph)",
                )
            )
        consent_based = basis.art6 is Art6.CONSENT or basis.art9 is Art9.EXPLICIT_CONSENT
        if purpose.consent is not None and not consent_based:
            problems.append(
                Problem(
                    file,
                    f"{base}.consent",
                    "consent-terms-without-consent",
                    f"purpose {purpose.id!r} has consent terms but relies on neither consent nor "
                    "explicit consent; the notice would offer a withdrawal that changes nothing",
                )
            )
        if consent_based and (
            purpose.consent is None or not purpose.consent.how_to_withdraw.strip()
        ):
            problems.append(
                Problem(
                    file,
                    f"{base}.consent",
                    "consent-withdrawal-required",
                    f"purpose {purpose.id!r} relies on consent but does not say how to withdraw it "
                    "(UK GDPR Article 7(3))",
                )
            )
    return problems


def _check_record_types(register: Register, file: Path) -> list[Problem]:
    """Retention for every record type; Art 9/10 cover for every sensitive category it holds."""
    kinds = _kinds(register)
    purposes = {p.id: p for p in register.purposes}
    problems: list[Problem] = []
    for i, rt in enumerate(register.record_types):
        base = f"record_types[{i}]"
        rule = rt.retention
        if rule is None:
            if rt.personal_data:
                problems.append(
                    Problem(
                        file,
                        f"{base}.retention",
                        "retention-required",
                        f"record type {rt.id!r} holds personal data but has no retention rule",
                    )
                )
        elif rule.period is None and not rule.indefinite:
            problems.append(
                Problem(
                    file,
                    f"{base}.retention.period",
                    "retention-period-required",
                    f"record type {rt.id!r}: the retention rule has no period (give one, or mark "
                    "it `indefinite: true` and say why in `source`)",
                )
            )
        elif rule.period is not None and rule.indefinite:
            problems.append(
                Problem(
                    file,
                    f"{base}.retention.indefinite",
                    "retention-period-conflict",
                    f"record type {rt.id!r}: the retention rule has a period and is also indefinite",
                )
            )
        for j, category in enumerate(rt.categories):
            kind = kinds.get(category)
            if kind not in (CategoryKind.SPECIAL, CategoryKind.CRIMINAL_OFFENCE):
                continue
            covering = [
                purposes[p]
                for p in rt.purposes
                if p in purposes and category in purposes[p].categories
            ]
            if kind is CategoryKind.SPECIAL:
                ok, rule_code, what = (
                    any(p.basis.art9 for p in covering),
                    "art9-condition-required",
                    "an Article 9 condition",
                )
            else:
                ok, rule_code, what = (
                    any(p.basis.art10 for p in covering),
                    "art10-basis-required",
                    "an Article 10 basis",
                )
            if not ok:
                problems.append(
                    Problem(
                        file,
                        f"{base}.categories[{j}]",
                        rule_code,
                        f"record type {rt.id!r} holds {kind.value.replace('_', ' ')} category "
                        f"{category!r} but none of its purposes that use it has {what}",
                    )
                )
    return problems


def _check_organisations(register: Register, file: Path) -> list[Problem]:
    roles = {o.id: o.role for o in register.organisations}
    problems: list[Problem] = []
    for i, org in enumerate(register.organisations):
        if org.role is OrgRole.PROCESSOR:
            if org.controller is None:
                problems.append(
                    Problem(
                        file,
                        f"organisations[{i}].controller",
                        "processor-controller-required",
                        f"processor {org.id!r} does not name the controller it acts for (Article 28)",
                    )
                )
            elif roles.get(org.controller) not in (
                None,
                OrgRole.CONTROLLER,
                OrgRole.JOINT_CONTROLLER,
            ):
                problems.append(
                    Problem(
                        file,
                        f"organisations[{i}].controller",
                        "processor-controller-required",
                        f"processor {org.id!r} names {org.controller!r} as its controller, but that "
                        f"organisation is a {roles[org.controller].value}",
                    )
                )
        if org.role is OrgRole.JOINT_CONTROLLER and not (org.joint_arrangement or "").strip():
            problems.append(
                Problem(
                    file,
                    f"organisations[{i}].joint_arrangement",
                    "joint-arrangement-required",
                    f"joint controller {org.id!r} has no joint arrangement (Article 26)",
                )
            )
    return problems


def _check_recipients(register: Register, file: Path) -> list[Problem]:
    problems: list[Problem] = []
    for i, recipient in enumerate(register.recipients):
        for j, transfer in enumerate(recipient.transfers):
            if not is_uk(transfer.country) and transfer.safeguard is None:
                problems.append(
                    Problem(
                        file,
                        f"recipients[{i}].transfers[{j}].safeguard",
                        "transfer-safeguard-required",
                        f"recipient {recipient.id!r} transfers data to {transfer.country} without a "
                        "safeguard (adequacy, IDTA, UK Addendum or binding corporate rules)",
                    )
                )
        abroad = not is_uk(recipient.hosting_location)
        if abroad and recipient.identifying and not recipient.transfers:
            problems.append(
                Problem(
                    file,
                    f"recipients[{i}].hosting_location",
                    "transfer-safeguard-required",
                    f"recipient {recipient.id!r} holds personal data in {recipient.hosting_location} "
                    "but no transfer with its safeguard is recorded",
                )
            )
    return problems


def _check_sharing(register: Register, file: Path) -> list[Problem]:
    purposes = {p.id: p for p in register.purposes}
    recipients = {r.id: r for r in register.recipients}
    org_roles = {o.id: o.role for o in register.organisations}
    problems: list[Problem] = []
    for i, rule in enumerate(register.sharing):
        base = f"sharing[{i}]"
        consented = rule.kind in (SharingKind.REFERRAL_WITH_CONSENT, SharingKind.WITH_CONSENT)
        if consented:
            purpose = purposes.get(rule.consent_purpose or "")
            if purpose is None or purpose.consent is None:
                problems.append(
                    Problem(
                        file,
                        f"{base}.consent_purpose",
                        "sharing-consent-required",
                        f"sharing rule {rule.id!r} shares only with consent, so it must name a "
                        "consent-based purpose in `consent_purpose`",
                    )
                )
        if rule.kind is SharingKind.ANONYMOUS_STATISTICS and rule.identifying:
            problems.append(
                Problem(
                    file,
                    f"{base}.identifying",
                    "anonymous-sharing-identifying",
                    f"sharing rule {rule.id!r} is for anonymous statistics but is marked identifying",
                )
            )
        if rule.kind is SharingKind.DISCLOSURE_RISK_OF_HARM and not rule.requires_risk_of_harm:
            problems.append(
                Problem(
                    file,
                    f"{base}.requires_risk_of_harm",
                    "risk-of-harm-required",
                    f"sharing rule {rule.id!r} discloses without consent, so it must require a "
                    "recorded risk of harm",
                )
            )
        for j, recipient_id in enumerate(rule.recipients):
            recipient = recipients.get(recipient_id)
            if recipient is None or recipient.organisation is None:
                continue
            is_commissioner = org_roles.get(recipient.organisation) is OrgRole.COMMISSIONER
            if is_commissioner and rule.identifying and not consented:
                problems.append(
                    Problem(
                        file,
                        f"{base}.recipients[{j}]",
                        "commissioner-anonymous-only",
                        f"sharing rule {rule.id!r} sends identifying data to commissioner "
                        f"{recipient.organisation!r}, which may receive it only with consent",
                    )
                )
    return problems


def validate(register: Register, file: Path) -> list[Problem]:
    """Every problem in `register`; empty when it is lawful and complete."""
    return [
        *check_duplicates(register, file),
        *check_references(register, file),
        *check_roles(register, file),
        *check_access(register, KNOWN_PERMISSIONS, file),
        *check_fields(register, file),
        *check_feeds(register, file),
        *_check_organisations(register, file),
        *_check_purposes(register, file),
        *_check_record_types(register, file),
        *_check_recipients(register, file),
        *_check_sharing(register, file),
        *check_reports(register, file),
    ]
