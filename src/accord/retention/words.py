"""Retention in a DPO's words: what happens to a kind of record, when and why, and what a
disposal run did, with the register's own names for services and kinds of record."""

from __future__ import annotations

from datetime import date, datetime

from accord.oversight.words import record_words, register_title
from accord.register.registry import current_registry
from accord.register.schema import RetentionRule, Trigger

__all__ = [
    "HOLD_KINDS",
    "action_words",
    "day",
    "outcome_words",
    "record_page",
    "record_words",
    "register_title",
    "rule_words",
    "service_words",
    "stored_rule_words",
]

# What happens to a record when its time comes, as a past participle ("12 deleted").
ACTIONS = {
    "delete": "deleted",
    "anonymise": "anonymised",
    "review": "put to a person to review",
}
# What a run did with a record.
OUTCOMES = {
    "deleted": "Deleted",
    "anonymised": "Anonymised",
    "queued": "Put to a person to review",
    "held": "Kept: under a legal hold",
    "refused": "Kept: the run was not allowed to dispose of it",
    "not-anonymised": "Kept: this kind of record cannot be anonymised here",
    "no-rule": "Kept: the register has no rule for it",
    # Copies disposed of with partner records, counted apart so records are not counted twice.
    "analytical-rows": "Deleted from the partnership's analysis store",
    "working-sets": "Deleted from the matching's working copies",
}
TRIGGERS = {
    Trigger.CREATED: "after it was made",
    Trigger.LAST_CONTACT: "after the last contact",
    Trigger.CASE_CLOSED: "after the case closed",
    Trigger.LAST_ACTION: "after the last action",
    Trigger.REFERRAL_NOT_TAKEN_UP: "after the referral was not taken up",
    Trigger.REQUEST_CLOSED: "after the request was closed",
    Trigger.CONSENT_WITHDRAWN: "after consent was withdrawn",
    Trigger.APPLICATION_DECIDED: "after the application was decided",
    Trigger.UNSUBSCRIBED: "after the person unsubscribed",
    Trigger.MEETING_HELD: "after the meeting",
    Trigger.RECORD_DATE: "after the date the record is about",
}
# The page showing a record of each store that has one (opening it passes the gate).
RECORD_PAGES = {
    "cases": "/cases/{id}",
    "panel-cases": "/panels/cases/{id}",
    "rights-requests": "/rights/requests/{id}",
}
HOLD_KINDS = {
    "litigation": "Litigation (a claim or court case)",
    "investigation": "Investigation (by the police, a regulator or the organisation)",
    "inquiry": "Inquiry (a public or statutory inquiry)",
}


def record_page(store: str, record_id: object) -> str | None:
    """The address of the page showing the record, where there is one."""
    page = RECORD_PAGES.get(store)
    return page.format(id=record_id) if page is not None else None


def action_words(action: str) -> str:
    return ACTIONS.get(action, action.replace("-", " "))


def outcome_words(outcome: str) -> str:
    return OUTCOMES.get(outcome, outcome.replace("-", " ").capitalize())


def rule_words(rule: RetentionRule | None) -> str:
    """'Kept 12 months after the referral was not taken up'."""
    if rule is None:
        return "No rule in the register"
    if rule.indefinite or rule.period is None:
        return "Kept with no end date"
    return f"Kept {_period(rule.period.amount, rule.period.unit.value)} {TRIGGERS[rule.trigger]}"


def _period(amount: int, unit: str) -> str:
    unit = unit.rstrip("s")
    return f"{amount} {unit}{'' if amount == 1 else 's'}"


def stored_rule_words(text: str) -> str:
    """A rule as a run recorded it ('12 months after referral not taken up') in words."""
    if text == "no rule":
        return "No rule in the register"
    if text.startswith("indefinitely"):
        return "Kept with no end date"
    for trigger, words in TRIGGERS.items():
        ending = " after " + trigger.value.replace("_", " ")
        if text.endswith(ending):
            return f"Kept {text[: -len(ending)]} {words}"
    return f"Kept {text}"


def rule_of(register_id: str, record_type: str) -> RetentionRule | None:
    try:
        return current_registry().get(register_id).record_type(record_type).retention
    except KeyError:
        return None


def service_words(register_id: str, service: str | None) -> str:
    """The service's name, or the register's title for records of no one service."""
    if service is not None:
        try:
            return current_registry().get(register_id).service(service).name
        except KeyError:
            return service.replace("-", " ")
    return register_title(register_id)


def day(value: date | datetime | str | None) -> str:
    """'3 January 2027' (and for a moment, ' at 14:05')."""
    if value is None:
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if isinstance(value, datetime):
        return f"{value.day} {value.strftime('%B %Y at %H:%M')}"
    return f"{value.day} {value.strftime('%B %Y')}"
