"""The accessibility check the page tests rely on finds what it should."""

from __future__ import annotations

from typing import Any

import pytest

from support.axe import violations

pytestmark = pytest.mark.browser


def test_checker_reports_an_unlabelled_field_and_an_image_without_text(page: Any) -> None:
    page.set_content("<html lang='en'><body><img src='x.png'><input type='text'></body></html>")
    found = {violation["id"] for violation in violations(page)}
    assert {"image-alt", "label"} <= found
