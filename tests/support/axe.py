"""Accessibility checks in the browser: axe-core (pinned in package.json) run on a page.

`assert_accessible(page)` injects axe-core into the page Playwright has open and fails the
test with every violation of the WCAG 2.0/2.1/2.2 A and AA rules, each with the elements it
found. Pages are checked as a person sees them, after the test has filled or submitted them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent.parent
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


def violations(page: Any) -> list[dict[str, Any]]:
    """axe-core's violations on the open page, under the WCAG A and AA rules."""
    if not AXE.exists():
        raise AssertionError(f"{AXE} is missing: run `make assets` (npm ci installs axe-core)")
    # evaluated through the debugger protocol, which the page's CSP does not govern
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
    )
    return list(result["violations"])


def describe(found: list[dict[str, Any]]) -> str:
    lines = []
    for violation in found:
        targets = ", ".join(str(node["target"]) for node in violation["nodes"][:5])
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']} at {targets}")
    return "\n".join(lines)


def assert_accessible(page: Any) -> None:
    found = violations(page)
    assert not found, f"accessibility violations on {page.url}:\n{describe(found)}"
