"""The statutory clock: the ICO's worked examples, bank holidays per nation, pauses and
extensions, and properties that hold for every start date."""

from __future__ import annotations

from datetime import date, timedelta

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accord.rights.clock import (
    SUBDIVISIONS,
    Clock,
    Event,
    Kind,
    Nation,
    add_months,
    bank_holiday,
    compute,
    due_date,
    next_working_day,
    working_day,
)

ENG = Nation.ENGLAND_AND_WALES


def clock(*events: Event, representative: bool = False, nation: Nation = ENG) -> Clock:
    return compute(events, nation=nation, representative=representative)


def received(on: date) -> list[Event]:
    return [Event(Kind.RECEIVED, on), Event(Kind.IDENTITY_VERIFIED, on)]


@pytest.mark.parametrize(
    ("received_on", "due"),
    [
        # ICO: received 3 September -> 3 October (2025: a Friday).
        (date(2025, 9, 3), date(2025, 10, 3)),
        # No corresponding date: the last day of the next month, leap year or not.
        (date(2025, 1, 31), date(2025, 2, 28)),
        (date(2024, 1, 31), date(2024, 2, 29)),
        (date(2025, 1, 30), date(2025, 2, 28)),
        # 31 March -> 30 April (2026: a Thursday).
        (date(2026, 3, 31), date(2026, 4, 30)),
        # 31 May 2025 -> 30 June 2025, a Monday.
        (date(2025, 5, 31), date(2025, 6, 30)),
        # Falls on a Saturday (4 October 2025) -> Monday 6 October.
        (date(2025, 9, 4), date(2025, 10, 6)),
        # Falls on Christmas Day 2025 (Thursday) -> Boxing Day is a bank holiday too -> 29 Dec.
        (date(2025, 11, 25), date(2025, 12, 29)),
        # 1 December 2026 -> 1 January 2027, New Year's Day; 2 and 3 January are the weekend.
        (date(2026, 12, 1), date(2027, 1, 4)),
    ],
)
def test_the_icos_worked_examples(received_on: date, due: date) -> None:
    assert clock(*received(received_on)).due == due


def test_bank_holidays_differ_by_nation() -> None:
    # 2 January is a bank holiday in Scotland only; St Patrick's Day in Northern Ireland only.
    start = date(2026, 12, 2)  # one month -> Saturday 2 January 2027
    assert due_date(start, ENG) == date(2027, 1, 4)
    assert due_date(start, Nation.SCOTLAND) == date(2027, 1, 5)  # 4 Jan: substitute 2 Jan
    assert due_date(date(2026, 2, 17), Nation.NORTHERN_IRELAND) == date(2026, 3, 18)
    assert due_date(date(2026, 2, 17), ENG) == date(2026, 3, 17)
    # The first Monday in August is Scotland's summer holiday, the last one England's.
    assert not working_day(date(2026, 8, 3), Nation.SCOTLAND)
    assert working_day(date(2026, 8, 3), ENG)
    assert bank_holiday(date(2026, 8, 31), ENG) is not None


def test_bank_holiday_data_covers_the_next_two_years() -> None:
    """Fails before the bundled bank holiday data runs out: each nation's core holidays are
    known for this year and the next two."""
    this_year = date.today().year
    core = {"New Year's Day", "Good Friday", "Christmas Day", "Boxing Day"}
    for nation, subdivision in SUBDIVISIONS.items():
        table = holidays.country_holidays("GB", subdiv=subdivision)
        assert table.end_year >= this_year + 2, f"{nation}: data ends in {table.end_year}"
        for year in range(this_year, this_year + 3):
            names = set(holidays.country_holidays("GB", subdiv=subdivision, years=year).values())
            assert core <= names, f"{nation} {year}: {sorted(names)}"
            assert len(holidays.country_holidays("GB", subdiv=subdivision, years=year)) >= 8


def test_the_clock_starts_at_the_latest_of_receipt_identity_authority_and_fee() -> None:
    events = [
        Event(Kind.RECEIVED, date(2026, 3, 2)),
        Event(Kind.FEE_REQUESTED, date(2026, 3, 3), reason="manifestly-excessive"),
        Event(Kind.IDENTITY_VERIFIED, date(2026, 3, 9)),
    ]
    waiting = clock(*events, representative=True)
    assert waiting.started_on is None
    assert waiting.due is None
    assert waiting.waiting_for == ("authority", "fee")
    assert "it starts when" in waiting.explain()[-1]
    events.append(Event(Kind.AUTHORITY_VERIFIED, date(2026, 3, 12)))
    events.append(Event(Kind.FEE_RECEIVED, date(2026, 3, 10)))
    started = clock(*events, representative=True)
    assert started.started_on == date(2026, 3, 12)
    assert started.due == date(2026, 4, 13)  # 12 April 2026 is a Sunday
    # Without a representative, authority does not hold the clock.
    assert clock(*events[:3], events[4]).started_on == date(2026, 3, 10)


def test_clarification_days_do_not_count() -> None:
    events = [
        *received(date(2026, 9, 3)),
        Event(Kind.CLARIFICATION_ASKED, date(2026, 9, 10)),
    ]
    paused = clock(*events)
    assert paused.paused
    assert paused.due is None
    assert "paused" in paused.explain()[-1]
    events.append(Event(Kind.CLARIFICATION_ANSWERED, date(2026, 9, 17)))
    resumed = clock(*events)
    assert not resumed.paused
    assert resumed.paused_days == 7
    assert resumed.due == date(2026, 10, 12)  # 3 Oct + 7 = Saturday 10 Oct -> Monday 12 Oct
    assert any("7 days do not count" in step for step in resumed.explain())


def test_an_extension_counts_only_when_told_within_the_first_month() -> None:
    base = [
        *received(date(2026, 9, 3)),
        Event(Kind.EXTENSION_DECIDED, date(2026, 9, 20), "complex"),
    ]
    decided = clock(*base)
    assert not decided.extended
    assert decided.due == date(2026, 10, 5)
    assert decided.extension_notice_deadline == date(2026, 10, 5)
    told = clock(*base, Event(Kind.EXTENSION_NOTIFIED, date(2026, 10, 5)))
    assert told.extended
    assert told.due == date(2026, 12, 3)
    late = clock(*base, Event(Kind.EXTENSION_NOTIFIED, date(2026, 10, 6)))
    assert not late.extended
    assert late.due == date(2026, 10, 5)
    assert any("does not count" in step for step in late.explain())


def test_a_forwarded_request_has_its_own_clock() -> None:
    result = clock(
        *received(date(2026, 3, 2)),
        Event(Kind.FORWARDED, date(2026, 3, 4), partner="reading-bc"),
    )
    (partner,) = result.partners
    assert partner.due == date(2026, 4, 7)  # 4 April is a Saturday; 6 April Easter Monday
    assert partner.overdue(date(2026, 4, 8))
    assert not partner.overdue(date(2026, 4, 7))
    done = clock(
        *received(date(2026, 3, 2)),
        Event(Kind.FORWARDED, date(2026, 3, 4), partner="reading-bc"),
        Event(Kind.PARTNER_RESPONDED, date(2026, 3, 20), partner="reading-bc"),
    )
    assert done.partners[0].responded_on == date(2026, 3, 20)
    assert not done.partners[0].overdue(date(2026, 5, 1))


def test_explain_walks_to_the_due_date() -> None:
    steps = clock(*received(date(2025, 1, 31))).explain()
    assert steps[0] == "The request arrived on Friday 31 January 2025."
    assert any("There is no 31 February 2025" in s for s in steps)
    assert steps[-1] == "The response is due by Friday 28 February 2025."
    weekend = clock(*received(date(2025, 9, 4))).explain()
    assert "Saturday 4 October 2025 falls on a Saturday" in " ".join(weekend)
    christmas = clock(*received(date(2025, 11, 25))).explain()
    assert any("bank holiday in England and Wales (Christmas Day)" in s for s in christmas)


def test_a_request_without_its_receipt_has_no_clock() -> None:
    with pytest.raises(ValueError, match="received"):
        clock(Event(Kind.IDENTITY_VERIFIED, date(2026, 1, 1)))


days = st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31))
nations = st.sampled_from(list(Nation))


@settings(deadline=None)  # the first use of a year fills its bank holidays
@given(days, nations)
def test_due_is_the_first_working_day_on_or_after_the_month(start: date, nation: Nation) -> None:
    due = due_date(start, nation)
    month = add_months(start, 1)
    assert working_day(due, nation)
    assert due >= month
    assert all(not working_day(month + timedelta(d), nation) for d in range((due - month).days))
    assert 28 <= (month - start).days <= 31
    if month.day != start.day:  # no such date: the last day of the month
        assert (month + timedelta(days=1)).day == 1
        assert month.day < start.day


@settings(deadline=None)  # the first use of a year fills its bank holidays
@given(days, days, nations)
def test_a_later_start_is_never_due_earlier(a: date, b: date, nation: Nation) -> None:
    first, second = sorted((a, b))
    assert due_date(first, nation) <= due_date(second, nation)
    assert due_date(first, nation, months=3) <= due_date(second, nation, months=3)


@settings(deadline=None)  # the first use of a year fills its bank holidays
@given(
    days, st.integers(min_value=0, max_value=60), st.integers(min_value=0, max_value=60), nations
)
def test_pauses_move_the_date_by_at_least_the_paused_days(
    start: date, after: int, length: int, nation: Nation
) -> None:
    asked = start + timedelta(days=after)
    answered = asked + timedelta(days=length)
    result = clock(
        *received(start),
        Event(Kind.CLARIFICATION_ASKED, asked),
        Event(Kind.CLARIFICATION_ANSWERED, answered),
        nation=nation,
    )
    assert result.paused_days == length
    assert result.due is not None
    assert result.due >= add_months(start, 1) + timedelta(days=length)
    assert result.due == next_working_day(add_months(start, 1) + timedelta(days=length), nation)


@settings(deadline=None)  # the first use of a year fills its bank holidays
@given(days, st.integers(min_value=0, max_value=40), nations)
def test_an_extension_told_in_time_runs_three_months(
    start: date, told: int, nation: Nation
) -> None:
    notified = start + timedelta(days=told)
    result = clock(
        *received(start),
        Event(Kind.EXTENSION_DECIDED, start, "numerous"),
        Event(Kind.EXTENSION_NOTIFIED, notified),
        nation=nation,
    )
    one_month = due_date(start, nation)
    assert result.extension_notice_deadline == one_month
    assert result.extended == (notified <= one_month)
    assert result.due == (due_date(start, nation, months=3) if result.extended else one_month)
    assert result.due is not None
    assert result.due >= one_month
