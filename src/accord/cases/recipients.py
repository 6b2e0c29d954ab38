"""Who casework may send a person's data to, as the register names them: recipients of a
referral on (the sharing rules for that purpose) and processors that translate (processors
the register lists for casework). Anything else is a disclosure, decided on its own path."""

from __future__ import annotations

from accord.cases import purposes
from accord.cases.errors import InvalidInput
from accord.register.schema import Recipient, Register, SharingKind

DISCLOSURE_ROUTE = "POST /api/disclosures/requests"
CONSENT_KINDS = (SharingKind.REFERRAL_WITH_CONSENT, SharingKind.WITH_CONSENT)


def referral_on_recipients(register: Register, sender: str) -> list[str]:
    """Recipients a sharing rule names for referral on, with that consent, from `sender`."""
    names: list[str] = []
    for rule in register.sharing:
        if (
            rule.kind in CONSENT_KINDS
            and purposes.REFERRAL_ON in rule.purposes
            and rule.consent_purpose == purposes.REFERRAL_ON
            and sender in rule.from_organisations
        ):
            names.extend(r for r in rule.recipients if r not in names)
    return names


def referral_on_recipient(register: Register, sender: str, recipient: str) -> Recipient | None:
    """The recipient entry a referral on may go to, refusing any other (a disclosure without
    consent, whatever the request says about consent). None when the rule names an
    organisation rather than a recipient entry."""
    allowed = referral_on_recipients(register, sender)
    if recipient not in allowed:
        raise InvalidInput(
            "recipient",
            f"{recipient!r} is not a recipient of referral on in {register.id!r} "
            f"(its sharing rules name {', '.join(allowed) or 'none'} for {sender!r}); "
            f"sharing with anyone else is a disclosure without consent: raise a disclosure "
            f"request ({DISCLOSURE_ROUTE})",
        )
    return next((r for r in register.recipients if r.id == recipient), None)


def translation_processors(register: Register, sender: str) -> set[str]:
    """Processors the register lists for casework (a processor recipient for the casework
    purpose, or one a processor sharing rule from `sender` names for it), by recipient id
    and by organisation id. Processors listed for nothing or for other work (analytics) are
    not among them."""
    listed = [
        r
        for r in register.recipients
        if r.kind == "processor" and r.identifying and purposes.CASEWORK in r.purposes
    ]
    by_id = {r.id: r for r in register.recipients}
    for rule in register.sharing:
        if (
            rule.kind is SharingKind.PROCESSOR
            and purposes.CASEWORK in rule.purposes
            and sender in rule.from_organisations
        ):
            listed.extend(by_id[r] for r in rule.recipients if r in by_id)
    names = {r.id for r in listed}
    names |= {r.organisation for r in listed if r.organisation}
    return names
