"""Cells for files people open in a spreadsheet (every CSV and XLSX accord writes).

A cell starting with = + - @ (or a tab or carriage return, which some spreadsheets skip
before reading a formula) is run as a formula when opened: `=HYPERLINK(...)` leaks data and
`+cmd|...` runs a program. Such cells are written with a leading single quote, which
spreadsheets show as text; `unescape_cell` takes it off again when accord reads a file back.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
ESCAPE = "'"


def escape_cell(value: Any) -> Any:
    """The value to write: text that a spreadsheet would run is prefixed with a quote;
    other values (numbers, dates, None) are returned as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return ESCAPE + value
    return value


def escape_row(values: Iterable[Any]) -> list[Any]:
    return [escape_cell(value) for value in values]


def unescape_cell(value: str) -> str:
    """Undo `escape_cell` on a cell read back from a file accord wrote."""
    if value.startswith(ESCAPE) and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value
