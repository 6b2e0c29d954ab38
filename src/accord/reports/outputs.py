"""A protected report as CSV, XLSX and an accessible HTML page with a chart.

Every format carries the same table: the published (rounded) figures, "[c]" where a figure
was withheld to protect confidentiality (the ONS mark), totals that are the sums of the
published figures, and the disclosure-control note. CSV and XLSX cells are escaped so a
spreadsheet never runs one as a formula. The chart is an SVG drawn by matplotlib, described in
words beside it, with the table itself on the same page.
"""

from __future__ import annotations

import csv
import html
import io
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from accord.reports.models import ReportRun
from accord.reports.service import SUPPRESSED_MARK
from accord.store.exports import escape_row

TOTAL = "Total of published figures"


def table(run: ReportRun) -> tuple[list[str], list[list[Any]]]:
    """The header and rows as published, totals last."""
    out = run.output
    ndims = len(out["dimensions"])
    header = list(out["labels"])
    rows = [
        [*row[:ndims], *(SUPPRESSED_MARK if v is None else _number(v) for v in row[ndims:])]
        for row in out["rows"]
    ]
    totals = [TOTAL, *([""] * (ndims - 1)), *(_number(out["totals"][m]) for m in out["measures"])]
    return header, [*rows, totals]


def _number(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def to_csv(run: ReportRun) -> str:
    header, rows = table(run)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(escape_row(header))
    for row in rows:
        writer.writerow(escape_row(row))
    writer.writerow([])
    for note in [*run.notes, f"{SUPPRESSED_MARK}: withheld to protect confidentiality"]:
        writer.writerow(escape_row([note]))
    return buffer.getvalue()


def to_xlsx(run: ReportRun, title: str) -> bytes:
    from openpyxl import Workbook

    header, rows = table(run)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Table"
    sheet.append(escape_row(header))
    for row in rows:
        sheet.append(escape_row(row))
    notes = book.create_sheet("Notes")
    notes.append(escape_row([title]))
    for note in [*run.notes, f"{SUPPRESSED_MARK}: withheld to protect confidentiality"]:
        notes.append(escape_row([note]))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def chart_data(run: ReportRun) -> tuple[str, str, list[tuple[str, float]]]:
    """(breakdown label, measure label, [(value, published total)]) for the first breakdown
    and the first measure, summed over the published cells only."""
    out = run.output
    ndims = len(out["dimensions"])
    totals: dict[str, float] = {}
    for row in out["rows"]:
        value = row[ndims]
        totals.setdefault(str(row[0]), 0.0)
        if value is not None:
            totals[str(row[0])] += float(value)
    return out["labels"][0], out["labels"][ndims], sorted(totals.items())


@contextmanager
def _quiet() -> Iterator[None]:
    logger = logging.getLogger("matplotlib")
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.setLevel(level)


def chart_svg(run: ReportRun, title: str) -> str:
    with _quiet():
        import matplotlib

        matplotlib.use("Agg")
        matplotlib.rcParams["svg.hashsalt"] = "accord"
        matplotlib.rcParams["svg.fonttype"] = "none"
        from matplotlib import pyplot as plt

        by, measure, data = chart_data(run)
        fig, ax = plt.subplots(figsize=(8, max(2.5, 0.35 * len(data) + 1)))
        try:
            ax.barh([d[0] for d in data], [d[1] for d in data], color="#1d70b8")
            ax.set_xlabel(f"{measure} (published figures)")
            ax.set_ylabel(by)
            ax.set_title(title)
            ax.invert_yaxis()
            fig.tight_layout()
            buffer = io.StringIO()
            fig.savefig(buffer, format="svg", metadata={"Date": None})
        finally:
            plt.close(fig)
    svg = buffer.getvalue()
    return svg[svg.index("<svg") :]


def describe_chart(run: ReportRun) -> str:
    by, measure, data = chart_data(run)
    if not data:
        return "The chart is empty: nothing could be published."
    parts = [
        f"{value}: {int(total) if float(total).is_integer() else total}" for value, total in data
    ]
    return (
        f"Bar chart of {measure.lower()} by {by.lower()}, published figures only. "
        + "; ".join(parts)
        + "."
    )


def to_html(run: ReportRun, title: str, description: str | None = None) -> str:
    header, rows = table(run)
    e = html.escape
    svg = chart_svg(run, title)
    summary = describe_chart(run)
    svg = svg.replace(
        "<svg ",
        '<svg role="img" aria-labelledby="chart-title chart-description" focusable="false" ',
        1,
    )
    head_cells = "".join(f'<th scope="col" class="govuk-table__header">{e(h)}</th>' for h in header)
    body = []
    ndims = len(run.output["dimensions"])
    for row in rows:
        cells = "".join(
            (f'<th scope="row" class="govuk-table__header">{e(str(v))}</th>' if i == 0 else
             f'<td class="govuk-table__cell{" govuk-table__cell--numeric" if i >= ndims else ""}">{e(str(v))}</td>')
            for i, v in enumerate(row)
        )  # fmt: skip
        body.append(f'<tr class="govuk-table__row">{cells}</tr>')
    notes = "".join(f"<li>{e(n)}</li>" for n in run.notes)
    released = run.released_at.strftime("%d %B %Y") if run.released_at else "not released"
    return f"""<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(title)}</title>
<style>
body {{ font-family: Arial, sans-serif; margin: 2rem; color: #0b0c0c; line-height: 1.4; }}
table {{ border-collapse: collapse; margin: 1rem 0; }}
th, td {{ border-bottom: 1px solid #b1b4b6; padding: 0.4rem 0.8rem; text-align: left; }}
.govuk-table__cell--numeric {{ text-align: right; }}
figure {{ margin: 1rem 0; max-width: 50rem; }}
svg {{ max-width: 100%; height: auto; }}
</style>
</head>
<body>
<main id="main-content">
<h1>{e(title)}</h1>
{f"<p>{e(description)}</p>" if description else ""}
<p>Released: {e(released)}. Figures are rounded and some are withheld so that no one can be
identified; {e(SUPPRESSED_MARK)} marks a withheld figure.</p>
<figure>
<p id="chart-title" class="govuk-body"><strong>{e(title)}</strong></p>
{svg}
<figcaption id="chart-description">{e(summary)}</figcaption>
</figure>
<table class="govuk-table">
<caption class="govuk-table__caption">{e(title)}: the published table</caption>
<thead class="govuk-table__head"><tr class="govuk-table__row">{head_cells}</tr></thead>
<tbody class="govuk-table__body">
{"".join(body)}
</tbody>
</table>
<h2>How this table was protected</h2>
<ul>{notes}<li>{e(SUPPRESSED_MARK)}: withheld to protect confidentiality.</li></ul>
</main>
</body>
</html>
"""
