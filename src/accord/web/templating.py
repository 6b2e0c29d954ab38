"""The Jinja2 templates every domain's pages render with.

The loader searches accord/web/templates first (base.html and shared macros), then each
domain's own accord/<domain>/templates folder, so a domain's page says
`{% extends "base.html" %}` and lives beside its code. Every page gets `csrf_token` (put it
in each form as `<input type="hidden" name="csrf_token" value="{{ csrf_token }}">`),
`actor` (None when nobody is signed in) and `service_name`.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import jinja2
from fastapi.templating import Jinja2Templates
from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.templating import _TemplateResponse

from accord.accounts import csrf
from accord.register.errors import RegisterError
from accord.register.registry import current_registry

PACKAGE_ROOT = Path(__file__).resolve().parent.parent
WEB_TEMPLATES = Path(__file__).resolve().parent / "templates"
SERVICE_NAME = "accord"


def template_dirs() -> list[Path]:
    """accord/web/templates, then every other accord/<domain>/templates, in name order."""
    domains = sorted(
        p for p in PACKAGE_ROOT.glob("*/templates") if p.is_dir() and p != WEB_TEMPLATES
    )
    return [WEB_TEMPLATES, *domains]


class _DomainLoader(jinja2.ChoiceLoader):
    """A ChoiceLoader that looks for new domain folders again if a template is not found."""

    def __init__(self) -> None:
        super().__init__(self._loaders())

    @staticmethod
    def _loaders() -> list[jinja2.BaseLoader]:
        return [jinja2.FileSystemLoader(str(d)) for d in template_dirs()]

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str | None, Any]:
        try:
            return super().get_source(environment, template)
        except jinja2.TemplateNotFound:
            self.loaders = self._loaders()
            return super().get_source(environment, template)


def _privacy_notices() -> list[dict[str, str]]:
    """The registers whose privacy notices the footer links to."""
    try:
        registers = current_registry().registers.values()
    except (RegisterError, OSError):
        return []  # a page must still render while the registers are being fixed
    return [{"id": r.id, "title": r.title} for r in sorted(registers, key=lambda r: r.title)]


def _page_context(request: Request) -> dict[str, Any]:
    settings = request.app.state.settings
    return {
        "csrf_token": csrf.csrf_token(request, settings),
        "actor": getattr(request.state, "actor", None),
        "service_name": SERVICE_NAME,
        "privacy_notices": _privacy_notices(),
    }


class AccordTemplates(Jinja2Templates):
    """Jinja2Templates that also hands an anonymous visitor the cookie their CSRF token needs."""

    def TemplateResponse(  # noqa: N802 (the name Starlette gives it)
        self,
        request: Request,
        name: str,
        context: dict[str, Any] | None = None,
        status_code: int = 200,
        headers: Mapping[str, str] | None = None,
        media_type: str | None = None,
        background: BackgroundTask | None = None,
    ) -> _TemplateResponse:
        # The page's own values win over the defaults (a test may pass `actor` itself).
        response = super().TemplateResponse(
            request,
            name,
            context={**_page_context(request), **(context or {})},
            status_code=status_code,
            headers=headers,
            media_type=media_type,
            background=background,
        )
        csrf.set_anon_cookie(request, response, request.app.state.settings)
        return response


def organisation_name(organisation_id: str) -> str:
    """An organisation's name from the registers, or its id if no register names it."""
    try:
        return current_registry().organisation(organisation_id).name
    except (KeyError, RegisterError, OSError):
        return organisation_id


def _make_environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=_DomainLoader(),
        autoescape=jinja2.select_autoescape(["html", "j2"], default_for_string=True),
    )
    env.filters["organisation_name"] = organisation_name
    return env


templates = AccordTemplates(env=_make_environment())
