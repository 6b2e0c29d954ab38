"""The statutory clock of a data subject rights request, computed from its dated events.

The rule is the ICO's ("Time limits for responding to data protection rights requests"):

- count from the day the clock starts to the same date in the next month (3 September ->
  3 October); where that date does not exist, the last day of that month (31 January ->
  28 or 29 February);
- where the result falls on a weekend or a bank holiday of the controller's nation, the next
  working day (bank holidays from the `holidays` package: England and Wales, Scotland,
  Northern Ireland);
- the clock starts on the latest of the day the request arrived, the day the requester's
  identity was confirmed, the day a representative's authority was confirmed and the day a
  fee asked for was received;
- the days between asking for clarification and receiving it do not count (UK GDPR Art 12A,
  DPA 2018 s54): the date moves on by that many days;
- an extension runs to three months from the start, needs a reason and counts only when the
  requester was told within the first month.

Nothing here is stored: `compute` reads the events every time and `Clock.explain` says in
plain words how the date was reached.
"""

from __future__ import annotations

import calendar
import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

import holidays


class Nation(StrEnum):
    ENGLAND_AND_WALES = "england-and-wales"
    SCOTLAND = "scotland"
    NORTHERN_IRELAND = "northern-ireland"


SUBDIVISIONS = {
    Nation.ENGLAND_AND_WALES: "ENG",  # England and Wales share their bank holidays
    Nation.SCOTLAND: "SCT",
    Nation.NORTHERN_IRELAND: "NIR",
}
NATION_NAMES = {
    Nation.ENGLAND_AND_WALES: "England and Wales",
    Nation.SCOTLAND: "Scotland",
    Nation.NORTHERN_IRELAND: "Northern Ireland",
}


class Kind(StrEnum):
    """The events of a request's clock, in the order they usually happen."""

    RECEIVED = "received"
    IDENTITY_VERIFIED = "identity-verified"
    AUTHORITY_VERIFIED = "authority-verified"
    FEE_REQUESTED = "fee-requested"
    FEE_RECEIVED = "fee-received"
    CLARIFICATION_ASKED = "clarification-asked"
    CLARIFICATION_ANSWERED = "clarification-answered"
    EXTENSION_DECIDED = "extension-decided"
    EXTENSION_NOTIFIED = "extension-notified"
    FORWARDED = "forwarded"
    PARTNER_RESPONDED = "partner-responded"
    REFUSED = "refused"
    RESPONDED = "responded"
    CLOSED = "closed"


KIND_WORDS = {
    Kind.RECEIVED: "Request received",
    Kind.IDENTITY_VERIFIED: "Identity confirmed",
    Kind.AUTHORITY_VERIFIED: "Representative's authority confirmed",
    Kind.FEE_REQUESTED: "Fee asked for",
    Kind.FEE_RECEIVED: "Fee received",
    Kind.CLARIFICATION_ASKED: "Clarification asked for",
    Kind.CLARIFICATION_ANSWERED: "Clarification received",
    Kind.EXTENSION_DECIDED: "Extension decided",
    Kind.EXTENSION_NOTIFIED: "Requester told of the extension",
    Kind.FORWARDED: "Forwarded to a partner",
    Kind.PARTNER_RESPONDED: "Partner answered",
    Kind.REFUSED: "Request refused",
    Kind.RESPONDED: "Response sent",
    Kind.CLOSED: "Request closed",
}

# Reasons an event needs, with the words shown for them.
EXTENSION_REASONS = {
    "complex": "the request is complex",
    "numerous": "the requester made a number of requests",
}
FEE_REASONS = {
    "manifestly-unfounded": "the request is manifestly unfounded",
    "manifestly-excessive": "the request is manifestly excessive",
    "further-copies": "the requester asked for further copies",
}
REFUSAL_REASONS = {
    "manifestly-unfounded": "the request is manifestly unfounded",
    "manifestly-excessive": "the request is manifestly excessive",
    "no-authority": "the representative has no authority to act for the person",
    "identity-not-confirmed": "the requester's identity could not be confirmed",
}
REASONS: dict[Kind, dict[str, str]] = {
    Kind.EXTENSION_DECIDED: EXTENSION_REASONS,
    Kind.FEE_REQUESTED: FEE_REASONS,
    Kind.REFUSED: REFUSAL_REASONS,
}


@dataclass(frozen=True)
class Event:
    kind: Kind
    on: date
    reason: str | None = None
    partner: str | None = None


@functools.cache
def _bank_holidays(nation: Nation) -> holidays.HolidayBase:
    # Years are filled in on first use of each (expand=True), from the package's bundled rules.
    return holidays.country_holidays("GB", subdiv=SUBDIVISIONS[nation])


def bank_holiday(day: date, nation: Nation) -> str | None:
    """The name of the bank holiday on `day` in `nation`, or None."""
    name = _bank_holidays(nation).get(day)
    return None if name is None else str(name)


def working_day(day: date, nation: Nation) -> bool:
    return day.weekday() < 5 and bank_holiday(day, nation) is None


def next_working_day(day: date, nation: Nation) -> date:
    """`day` when it is a working day, else the first working day after it."""
    while not working_day(day, nation):
        day += timedelta(days=1)
    return day


def add_months(day: date, months: int) -> date:
    """The same date `months` later; the last day of that month where the date does not exist."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def due_date(start: date, nation: Nation, *, months: int = 1, paused_days: int = 0) -> date:
    """The ICO's date: `months` calendar months from `start`, moved on by the paused days,
    then to the next working day."""
    return next_working_day(add_months(start, months) + timedelta(days=paused_days), nation)


def long_date(day: date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


@dataclass(frozen=True)
class Pause:
    asked_on: date
    answered_on: date | None
    counted_days: int  # days within this pause that do not count (after the clock started)


@dataclass(frozen=True)
class PartnerClock:
    """A request forwarded to a joint controller: its own month, and the partner's answer."""

    partner: str
    forwarded_on: date
    due: date
    responded_on: date | None

    def overdue(self, today: date) -> bool:
        return self.responded_on is None and today > self.due


@dataclass(frozen=True)
class Clock:
    nation: Nation
    received_on: date
    waiting_for: tuple[str, ...]  # identity | authority | fee: the clock has not started
    started_on: date | None
    pauses: tuple[Pause, ...]
    paused_days: int
    one_month: date | None  # the first month's date (also the deadline to tell of an extension)
    extension_reason: str | None
    extension_decided_on: date | None
    extension_notified_on: date | None
    extended: bool  # decided and told in time
    due: date | None  # None while not started or paused
    partners: tuple[PartnerClock, ...]
    refused: str | None
    refused_on: date | None
    responded_on: date | None
    closed_on: date | None
    events: tuple[Event, ...] = field(repr=False)

    @property
    def paused(self) -> bool:
        return bool(self.pauses) and self.pauses[-1].answered_on is None

    @property
    def extension_notice_deadline(self) -> date | None:
        """The last day the requester may be told of an extension: the end of the first month."""
        return self.one_month

    def overdue(self, today: date) -> bool:
        if self.responded_on is not None or self.closed_on is not None or self.due is None:
            return False
        return today > self.due

    def days_left(self, today: date) -> int | None:
        return None if self.due is None else (self.due - today).days

    def explain(self) -> list[str]:
        """How the due date was reached, one plain sentence a step, then what followed."""
        return self._due_steps() + self._outcome_steps()

    def _due_steps(self) -> list[str]:
        steps = [f"The request arrived on {long_date(self.received_on)}."]
        for event in self.events:
            if event.kind is Kind.IDENTITY_VERIFIED:
                steps.append(f"The requester's identity was confirmed on {long_date(event.on)}.")
            elif event.kind is Kind.AUTHORITY_VERIFIED:
                steps.append(
                    f"The representative's authority was confirmed on {long_date(event.on)}."
                )
            elif event.kind is Kind.FEE_REQUESTED:
                why = FEE_REASONS.get(event.reason or "", "")
                steps.append(
                    f"A fee was asked for on {long_date(event.on)}"
                    + (f" because {why}" if why else "")
                    + "."
                )
            elif event.kind is Kind.FEE_RECEIVED:
                steps.append(f"The fee was received on {long_date(event.on)}.")
        if self.started_on is None:
            missing = {
                "identity": "the requester's identity is confirmed",
                "authority": "the representative's authority is confirmed",
                "fee": "the fee is received",
            }
            steps.append(
                "The clock has not started: it starts when "
                + " and ".join(missing[w] for w in self.waiting_for)
                + "."
            )
            return steps
        steps.append(
            f"The clock started on {long_date(self.started_on)}, the latest of the day the "
            "request arrived, the day identity was confirmed, the day any representative's "
            "authority was confirmed and the day any fee was received."
        )
        plain = add_months(self.started_on, 1)
        if plain.day != self.started_on.day:
            steps.append(
                f"There is no {self.started_on.day} {plain:%B} {plain.year}, so one month runs "
                f"to the last day of that month, {long_date(plain)}."
            )
        else:
            steps.append(f"One month from the start is {long_date(plain)}.")
        for pause in self.pauses:
            if pause.answered_on is None:
                steps.append(
                    f"Clarification was asked for on {long_date(pause.asked_on)} and has not "
                    "been received: the clock is paused, and the date will move on by the days "
                    "until it arrives."
                )
            else:
                steps.append(
                    f"Clarification was asked for on {long_date(pause.asked_on)} and received on "
                    f"{long_date(pause.answered_on)}: {_days(pause.counted_days)} "
                    f"{'does' if pause.counted_days == 1 else 'do'} not count."
                )
        if self.paused or self.one_month is None or self.due is None:
            return steps
        one_month, due = self.one_month, self.due
        if self.paused_days:
            steps.append(
                f"Adding the {_days(self.paused_days)} paused gives "
                f"{long_date(plain + timedelta(days=self.paused_days))}."
            )
        steps.extend(self._working_day_step(plain + timedelta(days=self.paused_days)))
        if self.extension_decided_on is not None:
            why = EXTENSION_REASONS.get(self.extension_reason or "", self.extension_reason or "")
            steps.append(
                f"An extension was decided on {long_date(self.extension_decided_on)} because "
                f"{why}; the requester had to be told by {long_date(one_month)}"
                + (
                    f" and was told on {long_date(self.extension_notified_on)}."
                    if self.extension_notified_on is not None
                    else ", and has not been told yet."
                )
            )
            if self.extended:
                three = add_months(self.started_on, 3)
                steps.append(f"Three months from the start is {long_date(three)}.")
                if self.paused_days:
                    steps.append(
                        f"Adding the {_days(self.paused_days)} paused gives "
                        f"{long_date(three + timedelta(days=self.paused_days))}."
                    )
                steps.extend(self._working_day_step(three + timedelta(days=self.paused_days)))
            elif self.extension_notified_on is not None:
                steps.append(
                    "The requester was told after the first month, so the extension does not "
                    "count and the one-month date stands."
                )
        steps.append(f"The response is due by {long_date(due)}.")
        return steps

    def _outcome_steps(self) -> list[str]:
        steps = []
        for partner in self.partners:
            steps.append(
                f"Forwarded to {partner.partner} on {long_date(partner.forwarded_on)}; their "
                f"answer is due by {long_date(partner.due)}"
                + (
                    f" and arrived on {long_date(partner.responded_on)}."
                    if partner.responded_on
                    else "."
                )
            )
        if self.refused is not None and self.refused_on is not None:
            steps.append(
                f"The request was refused on {long_date(self.refused_on)}: "
                f"{REFUSAL_REASONS.get(self.refused, self.refused)}."
            )
        if self.responded_on is not None:
            late = self.due is not None and self.responded_on > self.due
            steps.append(
                f"The response was sent on {long_date(self.responded_on)}"
                + (", after the due date." if late else ", in time.")
            )
        if self.closed_on is not None:
            steps.append(f"The request was closed on {long_date(self.closed_on)}.")
        return steps

    def _working_day_step(self, day: date) -> list[str]:
        moved = next_working_day(day, self.nation)
        if moved == day:
            return []
        holiday = bank_holiday(day, self.nation)
        why = (
            f"is a bank holiday in {NATION_NAMES[self.nation]} ({holiday})"
            if holiday
            else f"falls on a {day:%A}"
        )
        return [
            f"{long_date(day)} {why}, so the date moves to the next working day, "
            f"{long_date(moved)}."
        ]


def _days(n: int) -> str:
    return f"{n} day" if n == 1 else f"{n} days"


def _last(events: Iterable[Event], kind: Kind) -> Event | None:
    found = None
    for event in events:
        if event.kind is kind:
            found = event
    return found


def _first(events: Iterable[Event], kind: Kind) -> Event | None:
    return next((e for e in events if e.kind is kind), None)


def compute(
    events: Sequence[Event], *, nation: Nation = Nation.ENGLAND_AND_WALES, representative: bool
) -> Clock:
    """The clock the events make. `events` are in the order they were recorded; a request's
    first event is its receipt (ValueError otherwise)."""
    ordered = tuple(sorted(events, key=lambda e: e.on))  # stable: same day keeps its order
    received = _first(ordered, Kind.RECEIVED)
    if received is None:
        raise ValueError("a request's clock needs the day it was received")
    identity = _last(ordered, Kind.IDENTITY_VERIFIED)
    authority = _last(ordered, Kind.AUTHORITY_VERIFIED)
    fee_asked = _first(ordered, Kind.FEE_REQUESTED)
    fee = _last(ordered, Kind.FEE_RECEIVED)
    waiting: list[str] = []
    if identity is None:
        waiting.append("identity")
    if representative and authority is None:
        waiting.append("authority")
    if fee_asked is not None and fee is None:
        waiting.append("fee")
    started: date | None = None
    if not waiting:
        moments = [received.on]
        moments += [e.on for e in (identity, fee) if e is not None]
        if representative and authority is not None:
            moments.append(authority.on)
        started = max(moments)

    pauses: list[Pause] = []
    asked: date | None = None
    for event in ordered:
        if event.kind is Kind.CLARIFICATION_ASKED and asked is None:
            asked = event.on
        elif event.kind is Kind.CLARIFICATION_ANSWERED and asked is not None:
            counted = 0
            if started is not None:
                counted = max(0, (event.on - max(asked, started)).days)
            pauses.append(Pause(asked, event.on, counted))
            asked = None
    if asked is not None:
        pauses.append(Pause(asked, None, 0))
    paused_days = sum(p.counted_days for p in pauses)
    open_pause = bool(pauses) and pauses[-1].answered_on is None

    decided = _first(ordered, Kind.EXTENSION_DECIDED)
    notified = _first(ordered, Kind.EXTENSION_NOTIFIED)
    one_month = due = None
    extended = False
    if started is not None and not open_pause:
        one_month = due_date(started, nation, months=1, paused_days=paused_days)
        extended = decided is not None and notified is not None and notified.on <= one_month
        due = due_date(started, nation, months=3 if extended else 1, paused_days=paused_days)

    partners = []
    for event in ordered:
        if event.kind is Kind.FORWARDED and event.partner:
            answer = next(
                (
                    e
                    for e in ordered
                    if e.kind is Kind.PARTNER_RESPONDED
                    and e.partner == event.partner
                    and e.on >= event.on
                ),
                None,
            )
            partners.append(
                PartnerClock(
                    partner=event.partner,
                    forwarded_on=event.on,
                    due=due_date(event.on, nation),
                    responded_on=answer.on if answer else None,
                )
            )
    refused = _first(ordered, Kind.REFUSED)
    responded = _first(ordered, Kind.RESPONDED)
    closed = _first(ordered, Kind.CLOSED)
    return Clock(
        nation=nation,
        received_on=received.on,
        waiting_for=tuple(waiting),
        started_on=started,
        pauses=tuple(pauses),
        paused_days=paused_days,
        one_month=one_month,
        extension_reason=decided.reason if decided else None,
        extension_decided_on=decided.on if decided else None,
        extension_notified_on=notified.on if notified else None,
        extended=extended,
        due=due,
        partners=tuple(partners),
        refused=refused.reason if refused else None,
        refused_on=refused.on if refused else None,
        responded_on=responded.on if responded else None,
        closed_on=closed.on if closed else None,
        events=ordered,
    )
