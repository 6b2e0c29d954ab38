"""The shared Jinja2 environment: domain template folders, base layout, form patterns."""

from __future__ import annotations

from fastapi.testclient import TestClient

from accord.web.templating import WEB_TEMPLATES, template_dirs, templates


def test_loader_searches_web_then_each_domain() -> None:
    dirs = template_dirs()
    assert dirs[0] == WEB_TEMPLATES
    assert any(d.parent.name == "accounts" for d in dirs)
    assert templates.env.get_template("accounts/sign_in.html") is not None


def test_error_summary_links_each_message_to_its_field() -> None:
    macros = templates.env.get_template("macros/forms.html").module
    html = str(macros.error_summary({"email": "Enter an email address", "": "Try again"}))  # type: ignore[attr-defined]
    assert '<a href="#email">Enter an email address</a>' in html
    assert "<li>Try again</li>" in html
    field = str(macros.input("email", "Email address", {"email": "Enter an email address"}))  # type: ignore[attr-defined]
    assert "govuk-form-group--error" in field
    assert (
        'aria-describedby=" email-error"' in field
        or 'aria-describedby="email-error"' in field.replace('" ', '"')
    )


def test_public_pages_need_no_sign_in_and_use_the_layout(client: TestClient) -> None:
    page = client.get("/sign-in")
    assert page.status_code == 200
    html = page.text
    assert 'class="govuk-skip-link"' in html
    assert "govuk-phase-banner" in html
    assert '<a href="/" class="govuk-generic-header__homepage-link">accord</a>' in html
    assert 'href="/static/govuk/govuk-frontend.min.css"' in html
    assert 'name="csrf_token"' in html
    assert "accord_anon=" in page.headers["set-cookie"]
    assert client.get("/static/accord.css").status_code == 200


def test_values_are_escaped() -> None:
    template = templates.env.from_string("{{ x }}")
    assert template.render(x="<script>") == "&lt;script&gt;"


def test_privacy_notices_are_public(client: TestClient) -> None:
    index = client.get("/privacy")
    assert index.status_code == 200
    assert 'href="/privacy/lvws"' in index.text
    notice = client.get("/privacy/lvws")
    assert notice.status_code == 200
    assert "<title>Privacy notice:" in notice.text
    assert client.get("/privacy/nowhere").status_code == 404


def test_a_page_shows_one_error_summary_and_one_error_prefix() -> None:
    """base.html shows the error summary and puts "Error: " before the title whenever a
    page has errors; a page that did either again would show two summaries or "Error: Error:".
    """
    doubled = []
    for folder in template_dirs():
        for path in folder.rglob("*.html"):
            text = path.read_text(encoding="utf-8")
            if '{% extends "base.html" %}' not in text:
                continue
            if "error_summary(errors)" in text or "if errors %}Error:" in text:
                doubled.append(str(path.relative_to(folder)))
    assert doubled == []
    page = templates.env.from_string(
        '{% extends "base.html" %}{% block title %}Find a case{% endblock %}'
    ).render(errors={"q": "Enter a name"}, service_name="accord")
    assert page.count("govuk-error-summary__title") == 1
    assert "<title>Error: Find a case" in page
