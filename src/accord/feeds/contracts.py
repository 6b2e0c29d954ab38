"""Feed contracts from the register, and what follows from one (lookback cutoff, field roles)."""

from __future__ import annotations

from datetime import date

from dateutil.relativedelta import relativedelta

from accord.feeds.errors import AmbiguousFeed, NoFeedContract, UnknownFeed
from accord.register.period import Unit
from accord.register.registry import current_registry
from accord.register.schema import FeedContract, FeedField, FieldRole

RECORD_TYPE = "partner-record"  # the register record type of a partner's row


def contracts(register: str) -> list[FeedContract]:
    return list(current_registry().get(register).feeds)


def get_contract(register: str, partner: str, dataset: str) -> FeedContract:
    found = contracts(register)
    for contract in found:
        if contract.partner == partner and contract.dataset == dataset:
            return contract
    raise UnknownFeed(register, partner, dataset, [f"{c.partner}/{c.dataset}" for c in found])


def register_for_feed(partner: str, dataset: str) -> str:
    """The one loaded register whose feed contracts declare `partner`/`dataset`.

    Lets a command given a delivery find its register without a built-in default; a
    feed declared by no register, or by several, is refused and the caller must name one.
    """
    found = sorted(
        r.id
        for r in current_registry().registers.values()
        if any(c.partner == partner and c.dataset == dataset for c in r.feeds)
    )
    if len(found) == 1:
        return found[0]
    if not found:
        raise NoFeedContract(f"no loaded register has a feed contract for {partner}/{dataset}")
    raise AmbiguousFeed(
        f"registers {', '.join(found)} all have a feed contract for {partner}/{dataset}:"
        " name one with --register"
    )


def lookback_cutoff(contract: FeedContract, today: date) -> date | None:
    """The earliest record date still inside the lookback window (None: no window)."""
    if contract.lookback is None or contract.date_field is None:
        return None
    period = contract.lookback
    delta = {
        Unit.DAYS: relativedelta(days=period.amount),
        Unit.WEEKS: relativedelta(weeks=period.amount),
        Unit.MONTHS: relativedelta(months=period.amount),
        Unit.YEARS: relativedelta(years=period.amount),
    }[period.unit]
    cutoff: date = today - delta
    return cutoff


def identifier_fields(contract: FeedContract) -> list[FeedField]:
    return [f for f in contract.fields if f.role is FieldRole.IDENTIFIER]


def categories(contract: FeedContract) -> set[str]:
    return {c for f in contract.fields for c in f.categories}
