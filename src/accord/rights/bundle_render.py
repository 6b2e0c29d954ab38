"""An access bundle's document written as JSON, CSV, a readable HTML page and a PDF.

Every format carries the same document (`bundle.release` / `bundle.preview`): the records
with withheld items replaced, what was withheld and why, the information about how the
data is used, and who has looked at it. CSV has one row per value (section, record, field,
value), each cell escaped so a spreadsheet never runs it as a formula.
"""

from __future__ import annotations

import csv
import io
import json
import textwrap
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import jinja2
from fpdf import FPDF

from accord.store.exports import escape_row

FORMATS = {
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
}
_TEMPLATES = jinja2.Environment(
    loader=jinja2.FileSystemLoader(str(Path(__file__).parent / "templates")),
    autoescape=True,
    trim_blocks=True,
    lstrip_blocks=True,
)


def as_json(document: Mapping[str, Any]) -> bytes:
    return json.dumps(document, indent=2, ensure_ascii=False, default=str).encode()


def _leaves(value: Any, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, Mapping):
        for key, inner in value.items():
            yield from _leaves(inner, f"{path} / {key}" if path else str(key))
    elif isinstance(value, list | tuple):
        if all(not isinstance(v, Mapping | list | tuple) for v in value):
            yield path, ", ".join("" if v is None else str(v) for v in value)
        else:
            for n, inner in enumerate(value, start=1):
                yield from _leaves(inner, f"{path} / {n}" if path else str(n))
    elif value is not None:
        yield path, str(value)


def as_csv(document: Mapping[str, Any]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["section", "record", "field", "value"])
    for section, body in document.items():
        if section == "Your records":
            for record in body:
                name = f"{record['Record']} ({record['Reference']})"
                for field, value in _leaves({k: v for k, v in record.items() if k != "Record"}, ""):
                    writer.writerow(escape_row([section, name, field, value]))
        else:
            for field, value in _leaves(body, ""):
                writer.writerow(escape_row([section, "", field, value]))
    return out.getvalue().encode("utf-8-sig")


def as_html(document: Mapping[str, Any]) -> bytes:
    template = _TEMPLATES.get_template("bundle/document.html")
    return template.render(doc=document, rows=_leaves).encode()


def _latin(text: str) -> str:
    """The PDF's built-in font covers Latin-1: anything else is written as '?'."""
    return (
        text.replace("\u2019", "'")
        .replace("\u201c", '"')
        .replace("\u201d", '"')
        .encode("latin-1", "replace")
        .decode("latin-1")
    )


WRAP = 105  # characters of 9 pt Helvetica to a line of A4 between the margins


class _Writer:
    """Lines of text placed one under another, wrapped at a fixed width, a new page when one
    is full (fpdf2's own cells measure every character: seconds for a thousand records)."""

    def __init__(self) -> None:
        self.pdf = FPDF(format="A4")
        self.pdf.set_title("Your information")
        self.pdf.add_page()
        self.y = 20.0

    def lines(self, text: str, size: float, style: str = "") -> None:
        self.pdf.set_font("Helvetica", style, size)
        height = size * 0.5
        for paragraph in _latin(text).splitlines() or [""]:
            for line in textwrap.wrap(paragraph, width=int(WRAP * 9 / size)) or [""]:
                if self.y + height > 282:
                    self.pdf.add_page()
                    self.y = 20.0
                self.pdf.text(10, self.y, line)
                self.y += height

    def gap(self) -> None:
        self.y += 3


def as_pdf(document: Mapping[str, Any]) -> bytes:
    out = _Writer()
    out.lines("Your information", 18, "B")
    for section, body in document.items():
        out.gap()
        out.lines(section, 14, "B")
        items = body if section == "Your records" else [body]
        for item in items:
            if section == "Your records":
                out.lines(str(item["Record"]), 11, "B")
                item = {k: v for k, v in item.items() if k != "Record"}
            for field, value in _leaves(item, ""):
                out.lines(f"{field}: {value}" if field else value, 9)
    return bytes(out.pdf.output())


WRITERS = {"json": as_json, "csv": as_csv, "html": as_html, "pdf": as_pdf}


def render(document: Mapping[str, Any], fmt: str) -> bytes:
    return WRITERS[fmt](document)
