"""Plain-English wording for register terms, shared by the notice, `show`, `diff` and the ROPA.

A member of the public reads these sentences, so each says what happens in everyday words and
then cites the law in brackets for those who want it.
"""

from __future__ import annotations

from accord.register.schema import (
    Art6,
    Art9,
    Art10,
    CategoryKind,
    DisposalAction,
    LawfulBasis,
    RetentionRule,
    Safeguard,
    Schedule1Condition,
    SpecialType,
    Trigger,
    WithdrawalEffect,
)

ART6: dict[Art6, str] = {
    Art6.CONSENT: "you have given your consent (UK GDPR Article 6(1)(a))",
    Art6.CONTRACT: (
        "we need it for a contract with you, or to take steps you ask for before entering one "
        "(UK GDPR Article 6(1)(b))"
    ),
    Art6.LEGAL_OBLIGATION: "the law requires us to (UK GDPR Article 6(1)(c))",
    Art6.VITAL_INTERESTS: "it is needed to protect someone's life (UK GDPR Article 6(1)(d))",
    Art6.PUBLIC_TASK: (
        "we need it to carry out a task in the public interest or our official functions, "
        "which have a basis in law (UK GDPR Article 6(1)(e))"
    ),
    Art6.LEGITIMATE_INTERESTS: (
        "it is in our legitimate interests, and those interests are not outweighed by your "
        "rights (UK GDPR Article 6(1)(f))"
    ),
}

ART6_SHORT: dict[Art6, str] = {
    Art6.CONSENT: "Consent (Art 6(1)(a))",
    Art6.CONTRACT: "Contract (Art 6(1)(b))",
    Art6.LEGAL_OBLIGATION: "Legal obligation (Art 6(1)(c))",
    Art6.VITAL_INTERESTS: "Vital interests (Art 6(1)(d))",
    Art6.PUBLIC_TASK: "Public task (Art 6(1)(e))",
    Art6.LEGITIMATE_INTERESTS: "Legitimate interests (Art 6(1)(f))",
}

ART9: dict[Art9, tuple[str, str]] = {  # (letter, plain words)
    Art9.EXPLICIT_CONSENT: ("a", "you have given your explicit consent"),
    Art9.EMPLOYMENT_SOCIAL_SECURITY: ("b", "it is needed for employment, social security or social protection law"),
    Art9.VITAL_INTERESTS: ("c", "it is needed to protect someone's life when they cannot consent"),
    Art9.NOT_FOR_PROFIT_BODY: ("d", "we are a not-for-profit body processing data about our members"),
    Art9.MADE_PUBLIC: ("e", "you have made the information public yourself"),
    Art9.LEGAL_CLAIMS: ("f", "it is needed for legal claims or by courts"),
    Art9.SUBSTANTIAL_PUBLIC_INTEREST: ("g", "it is needed for reasons of substantial public interest, with a basis in law"),
    Art9.HEALTH_SOCIAL_CARE: ("h", "it is needed for health or social care"),
    Art9.PUBLIC_HEALTH: ("i", "it is needed for public health"),
    Art9.ARCHIVING_RESEARCH_STATISTICS: ("j", "it is needed for archiving, research or statistics in the public interest"),
}  # fmt: skip

SPECIAL_TYPE: dict[SpecialType, str] = {
    SpecialType.RACIAL_ETHNIC_ORIGIN: "racial or ethnic origin",
    SpecialType.POLITICAL_OPINIONS: "political opinions",
    SpecialType.RELIGIOUS_PHILOSOPHICAL_BELIEFS: "religious or philosophical beliefs",
    SpecialType.TRADE_UNION_MEMBERSHIP: "trade union membership",
    SpecialType.GENETIC: "genetic data",
    SpecialType.BIOMETRIC: "biometric data",
    SpecialType.HEALTH: "health",
    SpecialType.SEX_LIFE_SEXUAL_ORIENTATION: "sex life or sexual orientation",
}

KIND: dict[CategoryKind, str] = {
    CategoryKind.ORDINARY: "personal data",
    CategoryKind.SPECIAL: "special category data",
    CategoryKind.CRIMINAL_OFFENCE: "criminal offence data",
}

# (after ..., when ...) for each retention trigger.
TRIGGER: dict[Trigger, tuple[str, str]] = {
    Trigger.CREATED: ("after we receive or create it", "when we receive it"),
    Trigger.LAST_CONTACT: ("after our last contact with you", "after our last contact with you"),
    Trigger.CASE_CLOSED: ("after the case is closed", "when the case is closed"),
    Trigger.LAST_ACTION: ("after the last action on the case", "after the last action"),
    Trigger.REFERRAL_NOT_TAKEN_UP: (
        "after we could not contact you or you chose not to use the service",
        "when we could not contact you or you chose not to use the service",
    ),
    Trigger.REQUEST_CLOSED: ("after your request is closed", "when your request is closed"),
    Trigger.CONSENT_WITHDRAWN: (
        "after you withdraw your consent",
        "when you withdraw your consent",
    ),
    Trigger.APPLICATION_DECIDED: (
        "after the decision on your application",
        "when your application is decided",
    ),
    Trigger.UNSUBSCRIBED: ("after you unsubscribe", "when you unsubscribe"),
    Trigger.MEETING_HELD: ("after the meeting", "when the meeting is held"),
    Trigger.RECORD_DATE: (
        "after the date the information is about",
        "from the date the information is about",
    ),
}

ACTION: dict[DisposalAction, str] = {
    DisposalAction.DELETE: "then deleted",
    DisposalAction.ANONYMISE: "then anonymised so that no one can be identified",
    DisposalAction.REVIEW: (
        "then reviewed by a person, who deletes it unless there is a recorded reason to keep it"
    ),
}

SAFEGUARD: dict[Safeguard, str] = {
    Safeguard.ADEQUACY: "UK adequacy regulations (the UK recognises the country's protection as adequate)",
    Safeguard.UK_ADDENDUM: "the UK Addendum to the EU Standard Contractual Clauses",
    Safeguard.IDTA: "the ICO's International Data Transfer Agreement (contract clauses)",
    Safeguard.BCR: "binding corporate rules approved by the ICO",
}  # fmt: skip

EFFECT: dict[WithdrawalEffect, str] = {
    WithdrawalEffect.STOP_PROCESSING: "we stop using your information for this",
    WithdrawalEffect.DELETE_RECORD: "we delete your information immediately",
    WithdrawalEffect.STOP_AND_EXCLUDE: (
        "we stop, and leave your information out of everything we share afterwards"
    ),
    WithdrawalEffect.OPT_OUT_LIST: (
        "we keep your contact details on an opted-out list so that we never contact you again"
    ),
}


def schedule1(condition: Schedule1Condition) -> str:
    return (
        f"{condition.name} (Data Protection Act 2018, Schedule 1, Part {condition.part}, "
        f"paragraph {condition.paragraph})"
    )


def art9(basis: LawfulBasis) -> str | None:
    if basis.art9 is None:
        return None
    letter, words = ART9[basis.art9]
    text = f"{words} (UK GDPR Article 9(2)({letter}))"
    conditions = [c for c in (basis.art9_schedule1, *basis.art9_schedule1_also) if c]
    if conditions:
        text += "; condition: " + "; ".join(schedule1(c) for c in conditions)
    return text


def art9_short(basis: LawfulBasis) -> str:
    if basis.art9 is None:
        return ""
    letter, _ = ART9[basis.art9]
    return f"Art 9(2)({letter}) {basis.art9.value.replace('_', ' ')}"


def schedule1_short(conditions: list[Schedule1Condition | None]) -> str:
    return "; ".join(
        f"Sch 1 Pt {c.part} para {c.paragraph} {c.name}" for c in conditions if c is not None
    )


def art10(basis: LawfulBasis) -> str | None:
    if basis.art10 is None:
        return None
    if basis.art10 is Art10.OFFICIAL_AUTHORITY:
        return "we process it under the control of official authority (UK GDPR Article 10)"
    conditions = [c for c in (basis.art10_schedule1, *basis.art10_schedule1_also) if c]
    named = "; ".join(schedule1(c) for c in conditions) or "a Schedule 1 condition"
    return f"the law authorises it (UK GDPR Article 10; condition: {named})"


def art10_short(basis: LawfulBasis) -> str:
    if basis.art10 is None:
        return ""
    if basis.art10 is Art10.OFFICIAL_AUTHORITY:
        return "Official authority"
    return "Schedule 1: " + schedule1_short([basis.art10_schedule1, *basis.art10_schedule1_also])


def period_text(rule: RetentionRule) -> str:
    """The bare period, as in "6 weeks", "immediately" or "indefinitely"."""
    if rule.indefinite or rule.period is None:
        return "indefinitely"
    return str(rule.period)


def retention(rule: RetentionRule) -> str:
    """E.g. "6 years after our last contact with you, then deleted"."""
    after, when = TRIGGER[rule.trigger]
    if rule.indefinite or rule.period is None:
        return f"kept with no end date, starting {when}"
    if rule.period.amount == 0:
        return f"immediately {when}, {ACTION[rule.action].removeprefix('then ')}"
    return f"{rule.period} {after}, {ACTION[rule.action]}"
