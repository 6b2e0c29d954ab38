"""The home page (what this person can do, by role), the privacy notices, the static files."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.routing import Match

from accord.accounts.deps import CurrentActor, OptionalActor
from accord.cases import caseload
from accord.cases.pages_team import manages_a_team
from accord.deps import DbSession
from accord.gate.catalogue import Permission
from accord.gate.policy import permissions_in, roles_for
from accord.gate.types import AccessDenied, Actor
from accord.oversight.pages_consent import oversees_consent
from accord.oversight.pages_disclosures import oversees_disclosures
from accord.register.notice import build_notice
from accord.register.notice_render import NoticeFormat, render
from accord.register.registry import current_registry
from accord.web.headers import policy_for_inline_styles
from accord.web.routing import PageRoute
from accord.web.templating import templates

STATIC_DIR = Path(__file__).resolve().parent / "static"

router = APIRouter(include_in_schema=False, route_class=PageRoute)
router.mount("/static", StaticFiles(directory=STATIC_DIR, check_dir=False), name="static")


@dataclass(frozen=True)
class Section:
    path: str
    title: str
    description: str
    permission: Permission
    also: Callable[[Actor], bool] | None = None  # a further condition on the person


# Work areas shown on the home page: each appears only for people whose roles carry its
# permission, and only once the package serving that path is part of the application.
SECTIONS = (
    Section(
        "/cases",
        "Cases",
        "Your caseload: referrals, contacts, needs and support.",
        Permission.CASE_CASE_LIST,
    ),
    Section(
        "/referrals",
        "Intake queue",
        "New referrals waiting for their service to be accepted.",
        Permission.CASE_REFERRAL_READ,
    ),
    Section(
        "/cases/team",
        "Your team",
        "Unassigned referrals, assignment and overdue contacts, with counts.",
        Permission.CASE_CASE_ROUTE,
        also=manages_a_team,
    ),
    Section(
        "/enquiries",
        "Enquiries",
        "Web, phone, email and chat enquiries.",
        Permission.CASE_ENQUIRY_READ,
    ),
    Section(
        "/panels",
        "Panel meetings",
        "MARAC, community risk panel and IOM meetings, their cases and actions.",
        Permission.PANEL_CASE_READ,
    ),
    Section(
        "/disclosures",
        "Disclosures",
        "Requests to share information, and the disclosure log.",
        Permission.DISCLOSURE_LOG_READ,
    ),
    Section(
        "/access-reviews",
        "Access outside caseloads",
        "Review why people opened records outside their caseload.",
        Permission.ACCESS_REVIEW_READ,
    ),
    Section(
        "/rights",
        "Rights requests",
        "Access, erasure, rectification and objection requests against the statutory clock.",
        Permission.RIGHTS_REQUEST_MANAGE,
    ),
    Section(
        "/retention",
        "Retention",
        "Records due for deletion or review.",
        Permission.RETENTION_RUN_EXECUTE,
    ),
    Section(
        "/audit",
        "Audit trail",
        "Who did what, and check the trail has not been altered.",
        Permission.AUDIT_TRAIL_READ,
    ),
    Section(
        "/disclosure-log",
        "Disclosure log",
        "Information shared with other organisations, with and without consent.",
        Permission.DISCLOSURE_LOG_READ,
        also=oversees_disclosures,
    ),
    Section(
        "/consent-withdrawals",
        "Consent withdrawals",
        "Who withdrew consent, for what, and what was done about it.",
        Permission.CONSENT_RECORD_READ,
        also=oversees_consent,
    ),
    Section(
        "/feeds",
        "Partner data",
        "Partner feeds: deliveries, checks and status.",
        Permission.FEEDS_STATUS_READ,
    ),
    Section(
        "/linkage", "Matching", "Linkage runs and clerical review.", Permission.LINKAGE_RUN_EXECUTE
    ),
    Section(
        "/reports", "Reports", "Agreed partnership reports.", Permission.REPORTS_AGGREGATE_READ
    ),
    Section(
        "/reports/reviews",
        "Partner data reviews",
        "Every six months: what each partner sent, and what was held, matched and reported.",
        Permission.REPORTS_DEFINITION_APPROVE,
    ),
    Section("/statistics", "Statistics", "Anonymous statistics.", Permission.STATS_AGGREGATE_READ),
)


def _served(request: Request, path: str) -> bool:
    """Whether the application answers GET `path` (asked of the router, as a request would)."""
    scope = {"type": "http", "method": "GET", "path": path, "root_path": "", "headers": []}
    return any(route.matches(scope)[0] == Match.FULL for route in request.app.router.routes)


@router.get("/privacy")
def privacy_index(request: Request, actor: OptionalActor) -> Response:
    """Every register's privacy notice; public, no sign-in (the menu shows if signed in)."""
    return templates.TemplateResponse(request, "privacy_index.html", {"actor": actor})


@router.get("/privacy/{register_id}", response_class=HTMLResponse)
def privacy_notice(register_id: str) -> HTMLResponse:
    """The privacy notice, rendered from the register itself, so it cannot drift from it."""
    try:
        register = current_registry().get(register_id)
    except KeyError:
        raise HTTPException(
            status_code=404, detail=f"There is no privacy notice called {register_id!r}."
        ) from None
    html = render(build_notice(register), NoticeFormat.HTML)
    # A self-contained document with its own <style>: the policy allows that style by hash.
    return HTMLResponse(html, headers={"Content-Security-Policy": policy_for_inline_styles(html)})


def _counts(session: DbSession, actor: Actor, paths: set[str]) -> dict[str, str]:
    """A line of numbers for each casework section shown (none where the gate refuses)."""
    if not paths & {"/cases", "/referrals", "/cases/team"}:
        return {}
    try:
        found = caseload.counts(session, actor=actor, overdue="/cases/team" in paths)
    except AccessDenied:
        return {}

    def cases(n: int) -> str:
        return f"{n} {'case' if n == 1 else 'cases'}"

    return {
        "/cases": f"{cases(found.mine_open)} open and assigned to you",
        "/referrals": f"{found.awaiting_routing} waiting",
        "/cases/team": f"{found.unassigned} unassigned, {found.overdue} overdue contacts",
    }


@router.get("/")
def home(request: Request, actor: CurrentActor, session: DbSession) -> Response:
    registry = current_registry()
    # A role's permissions count only in the register it was granted in (for the actor's
    # organisation there): the same role id elsewhere opens no section here.
    held: set[str] = set()
    for register in registry.registers.values():
        held |= permissions_in(actor, register)
    sections = [
        s
        for s in SECTIONS
        if s.permission in held and (s.also is None or s.also(actor)) and _served(request, s.path)
    ]
    counts = _counts(session, actor, {s.path for s in sections})
    roles = [
        {"register": register.title, "role": role.name, "anonymous_only": role.anonymous_only}
        for register in registry.registers.values()
        for role in roles_for(actor, register)
    ]
    return templates.TemplateResponse(
        request,
        "home.html",
        {"actor": actor, "sections": sections, "roles": roles, "counts": counts},
    )
