"""`PageRoute`: refusals on pages shown as GOV.UK error pages rather than JSON.

Use it for routers that serve pages: `APIRouter(route_class=PageRoute)`. A browser (HTML
accepted, no bearer token) that meets a 400-499 refusal, or an accord error a page did not
handle itself, gets a page saying what happened and what to do, in plain words (never the
gate's reason code); API clients still get the JSON body; redirects pass through untouched.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Mapping
from typing import Any

from fastapi import HTTPException, Request
from fastapi.routing import APIRoute
from starlette.responses import Response

from accord import errors
from accord.accounts.deps import wants_page
from accord.web.templating import templates

TITLES = {
    400: "There is a problem with your request",
    401: "You need to sign in",
    403: "You cannot do this",
    404: "Page not found",
    405: "You cannot do this",
    409: "This cannot be done now",
    410: "This information has been erased",
    422: "There is a problem with what you entered",
    429: "Too many attempts",
}


def error_page(
    request: Request, status_code: int, detail: str, headers: Mapping[str, str] | None
) -> Response:
    return templates.TemplateResponse(
        request,
        "error.html",
        {"title": TITLES.get(status_code, "Sorry, there is a problem"), "detail": detail},
        status_code=status_code,
        headers=headers,
    )


# What a person can do about each kind of error a service raises.
ADVICE = {
    403: (
        "You do not have access to this. If your work needs it, ask your team manager, or your "
        "data protection officer, giving the reason."
    ),
    410: "This person's information has been erased, so there is nothing to show.",
}


def accord_error_page(request: Request, error: errors.AccordError) -> Response:
    detail = ADVICE.get(error.status, error.message)
    return error_page(request, error.status, detail, None)


class PageRoute(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def page_handler(request: Request) -> Response:
            try:
                return await handler(request)
            except HTTPException as exc:
                if 400 <= exc.status_code < 500 and wants_page(request):
                    detail = exc.detail if isinstance(exc.detail, str) else ""
                    return error_page(request, exc.status_code, detail, exc.headers)
                raise
            except errors.AccordError as error:
                if wants_page(request):
                    return accord_error_page(request, error)
                raise

        return page_handler
