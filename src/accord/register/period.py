"""Retention periods such as "6 years", "12 months", "6 weeks" or "0 days" (immediately)."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from dateutil.relativedelta import relativedelta
from pydantic import BaseModel, ConfigDict, model_validator

_PATTERN = re.compile(r"^\s*(\d+)\s*(day|week|month|year)s?\s*$", re.IGNORECASE)


class Unit(StrEnum):
    DAYS = "days"
    WEEKS = "weeks"
    MONTHS = "months"
    YEARS = "years"


class Period(BaseModel):
    """A calendar period; written in YAML as a phrase ("6 years") or a mapping."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    amount: int
    unit: Unit

    @model_validator(mode="before")
    @classmethod
    def _parse_phrase(cls, value: Any) -> Any:
        if isinstance(value, str):
            match = _PATTERN.match(value)
            if not match:
                raise ValueError(
                    f"period {value!r} is not like '6 years', '12 months', '6 weeks' or '0 days'"
                )
            return {"amount": int(match.group(1)), "unit": match.group(2).lower() + "s"}
        return value

    def after(self, start: date | datetime) -> date | datetime:
        """The moment this period ends when counted from `start` (calendar-aware)."""
        if self.unit is Unit.DAYS:
            return start + timedelta(days=self.amount)
        if self.unit is Unit.WEEKS:
            return start + timedelta(weeks=self.amount)
        if self.unit is Unit.MONTHS:
            return start + relativedelta(months=self.amount)
        return start + relativedelta(years=self.amount)

    def __str__(self) -> str:
        if self.amount == 0:
            return "immediately"
        unit = self.unit.value if self.amount != 1 else self.unit.value[:-1]
        return f"{self.amount} {unit}"
