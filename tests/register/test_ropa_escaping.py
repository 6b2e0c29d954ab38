"""The record of processing is opened in spreadsheets: no cell may run as a formula."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
import pytest

from accord.register.ropa import COLUMNS, to_csv, write_xlsx

FORMULAS = ['=HYPERLINK("http://x","y")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


def _rows(value: str) -> list[dict[str, str]]:
    return [dict.fromkeys(COLUMNS, value)]


@pytest.mark.parametrize("formula", FORMULAS[:-1])  # a bare CR does not survive CSV reading
def test_csv_cells_starting_a_formula_are_quoted(formula: str) -> None:
    rows = list(csv.DictReader(io.StringIO(to_csv(_rows(formula)), newline="")))
    assert rows[0][COLUMNS[0]] == "'" + formula


@pytest.mark.parametrize("formula", FORMULAS)
def test_xlsx_cells_and_title_starting_a_formula_are_text(formula: str, tmp_path: Path) -> None:
    out = tmp_path / "ropa.xlsx"
    write_xlsx(_rows(formula), out, title=formula)
    book = openpyxl.load_workbook(out)
    cell = book["Record of processing"].cell(row=2, column=1)
    # (the xlsx format stores a carriage return as a line feed)
    assert cell.value == "'" + formula.replace("\r", "\n")
    assert cell.data_type == "s"
    assert book["About"].cell(row=2, column=1).value == "'" + formula.replace("\r", "\n")


def test_plain_text_is_left_alone() -> None:
    rows = list(csv.DictReader(io.StringIO(to_csv(_rows("Victim support")))))
    assert rows[0][COLUMNS[0]] == "Victim support"
