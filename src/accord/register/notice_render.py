"""Render a `Notice` as Markdown or as a self-contained, accessible HTML page (Jinja2)."""

from __future__ import annotations

from enum import StrEnum
from functools import cache

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from accord.register.notice import Notice


class NoticeFormat(StrEnum):
    MD = "md"
    HTML = "html"


def _cell(value: object) -> str:
    """A Markdown table cell: no pipes or line breaks to split the row."""
    return " ".join(str(value).split()).replace("|", "\\|")


@cache
def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("accord.register", "templates"),
        autoescape=select_autoescape(enabled_extensions=("html.j2",), default=False),
        undefined=StrictUndefined,
        trim_blocks=False,
        keep_trailing_newline=True,
    )
    env.filters["cell"] = _cell
    return env


def render(notice: Notice, fmt: NoticeFormat) -> str:
    template = _environment().get_template(f"register/notice.{fmt.value}.j2")
    text = template.render(n=notice)
    if fmt is NoticeFormat.MD:
        # Collapse the blank-line runs Jinja's block tags leave behind.
        lines: list[str] = []
        for line in text.splitlines():
            if line.strip() or (lines and lines[-1].strip()):
                lines.append(line.rstrip())
        text = "\n".join(lines).strip() + "\n"
    return text
