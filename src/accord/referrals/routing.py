"""Routing proposals from the register's rules. A caseworker always decides; this only proposes.

A rule matches when every condition it sets holds: `age_under` / `age_at_least` on the age at
referral (an unknown age matches neither), `requested_service` against the service id or kind
the referral asked for, and `case_types` when any of them applies to the referral (`adult`
when 18 or over or age unknown, `child` under 18, `domestic_abuse` when flagged or the crime
type is domestic abuse). The lowest `priority` wins; ties go to the rule listed first.
"""

from __future__ import annotations

from dataclasses import dataclass

from accord.register.schema import Register, RoutingRule

ADULT_AGE = 18


@dataclass(frozen=True)
class Proposal:
    service: str | None
    organisation: str | None
    rule: str | None
    rationale: str


def case_types(*, age: int | None, domestic_abuse: bool) -> frozenset[str]:
    kinds = {"child" if age is not None and age < ADULT_AGE else "adult"}
    if domestic_abuse:
        kinds.add("domestic_abuse")
    return frozenset(kinds)


def _requested(register: Register, requested: str | None) -> set[str]:
    """The ids and kinds a requested service stands for (a kind, an id, or unknown text)."""
    if requested is None:
        return set()
    names = {requested, requested.replace("-", "_")}
    for service in register.services:
        if requested in (service.id, service.kind):
            names |= {service.id, service.kind, service.id.replace("-", "_")}
    return names


def matches(
    rule: RoutingRule,
    *,
    age: int | None,
    domestic_abuse: bool,
    requested: set[str],
) -> bool:
    when = rule.when
    if when.age_under is not None and (age is None or age >= when.age_under):
        return False
    if when.age_at_least is not None and (age is None or age < when.age_at_least):
        return False
    if when.requested_service is not None and when.requested_service not in requested:
        return False
    kinds = case_types(age=age, domestic_abuse=domestic_abuse)
    return not (when.case_types and not kinds & set(when.case_types))


def propose(
    register: Register,
    *,
    age: int | None,
    domestic_abuse: bool,
    requested_service: str | None = None,
) -> Proposal:
    requested = _requested(register, requested_service)
    ordered = sorted(enumerate(register.routing), key=lambda item: (item[1].priority, item[0]))
    for _, rule in ordered:
        if matches(rule, age=age, domestic_abuse=domestic_abuse, requested=requested):
            service = register.service(rule.to_service)
            return Proposal(service.id, service.organisation, rule.id, rule.rationale)
    return Proposal(None, None, None, "no routing rule in the register matches this referral")


def lead_provider(register: Register) -> str:
    """Where referrals arrive: the organisation of the catch-all rule's service (LVWS: Victim
    Support), else the register's first controller."""
    for rule in sorted(register.routing, key=lambda r: r.priority):
        when = rule.when
        if when.age_under is None and when.age_at_least is None and when.requested_service is None:
            return register.service(rule.to_service).organisation
    for organisation in register.organisations:
        if organisation.role.value in ("controller", "joint_controller"):
            return organisation.id
    raise KeyError(f"register {register.id!r} names no controller to receive referrals")
