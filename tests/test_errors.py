"""Every error a service raises for a request is an accord error (accord.errors), carrying its
HTTP status and its field itself: the HTTP edge never reads an error's text.

The walk reads the source (no imports), so a module someone is still writing cannot break
it: every exception class that is a ValueError or LookupError (bad input, no such thing), or
is defined in an `errors.py`, must derive from accord.errors.AccordError, unless it is named
below with the reason it never becomes an answer to a request.
"""

from __future__ import annotations

import ast
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from accord import errors
from accord.accounts.errors import AccountError
from accord.consent.ledger import ConsentError
from accord.disclosures.requests import AlreadyReleased, DisclosureNotApproved
from accord.disclosures.service import DisclosureError
from accord.feeds.errors import AmbiguousFeed, FileRejected, NoFeedContract, UnknownFeed
from accord.gate.access import AccessError, AlreadyInCaseloadError, AlreadyReviewedError
from accord.linkage.review import BadDecision, UnknownPair
from accord.notifications.service import NotificationError
from accord.panels.access import NotFound as CaseNotFound
from accord.panels.access import PanelError
from accord.people.errors import SubjectNotFound, SubjectShredded
from accord.register.errors import NotInRegisters

SRC = Path(__file__).resolve().parents[1] / "src"

# Errors that are not answers to a request, each with the reason.
NOT_REQUEST_ERRORS: dict[str, str] = {
    "accord.keys.errors.KeysError": "a key-management fault: the service cannot serve (500)",
    "accord.keys.errors.UnknownMasterKey": "a key-management fault: the service cannot serve",
    "accord.keys.errors.UnwrapFailed": "a key-management fault: the service cannot serve",
    "accord.keys.errors.InvalidMasterKey": "a key-management fault: the service cannot serve",
    "accord.keys.errors.KeystoreMisconfigured": "a deployment fault, refused at start-up",
    "accord.people.errors.PeopleError": "the base of the people errors (each kind is checked)",
    "accord.people.errors.SealError": "a damaged or misfiled sealed value: a fault, not input",
    "accord.register.errors.RegisterError": "a register file refused when loaded, not served",
    "accord.referrals.bulk.BadFileError": "the command line's import file, reported there",
    "accord.referrals.rejects.SealedRejectsError": "the command line's sealed rejects file",
    "accord.linkage.prepare.IdentifiersError": "a linkage run's own frame: a pipeline fault",
    "accord.cases.caseload.SearchError": "caught by the caseload page and shown on its form",
}
BASES_IN_SCOPE = frozenset({"ValueError", "LookupError", "KeyError", "IndexError"})
ACCORD_ERRORS = frozenset(
    f"accord.errors.{name}"
    for name in ("AccordError", "NotFound", "Invalid", "Conflict", "Refused", "Gone")
)


def _module_name(path: Path) -> str:
    parts = path.relative_to(SRC).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _classes() -> dict[str, list[str]]:
    """Every class in src/accord by qualified name, with its bases as qualified names
    (a builtin base keeps its bare name)."""
    found: dict[str, list[str]] = {}
    for path in (SRC / "accord").rglob("*.py"):
        if "migrations" in path.parts:
            continue
        module = _module_name(path)
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names: dict[str, str] = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                for alias in node.names:
                    names[alias.asname or alias.name] = f"{node.module}.{alias.name}"
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    names[alias.asname or alias.name] = alias.name
        for node in tree.body:
            if isinstance(node, ast.ClassDef):
                names[node.name] = f"{module}.{node.name}"
        for node in tree.body:
            if not isinstance(node, ast.ClassDef):
                continue
            bases = []
            for base in node.bases:
                text = ast.unparse(base)
                head, _, rest = text.partition(".")
                qualified = names.get(head, head)
                bases.append(f"{qualified}.{rest}" if rest else qualified)
            found[f"{module}.{node.name}"] = bases
    return found


def _ancestors(name: str, classes: dict[str, list[str]]) -> Iterator[str]:
    for base in classes.get(name, ()):
        yield base
        yield from _ancestors(base, classes)


def _is_exception(name: str, classes: dict[str, list[str]]) -> bool:
    return any(a.endswith(("Error", "Exception")) for a in _ancestors(name, classes))


def test_the_walk_sees_the_domains_errors() -> None:
    classes = _classes()
    assert "accord.consent.ledger.ConsentError" in classes
    assert "accord.errors.Invalid" in set(_ancestors("accord.consent.ledger.ConsentError", classes))


def test_every_domain_error_is_an_accord_error() -> None:
    classes = _classes()
    exceptions = {
        name
        for name in classes
        if any(a in BASES_IN_SCOPE for a in _ancestors(name, classes))
        or (name.rsplit(".", 2)[-2] == "errors" and _is_exception(name, classes))
    }
    assert len(exceptions) > 10
    stray = sorted(
        name
        for name in exceptions - ACCORD_ERRORS
        if ACCORD_ERRORS.isdisjoint(_ancestors(name, classes)) and name not in NOT_REQUEST_ERRORS
    )
    assert stray == [], (
        "derive these from accord.errors (NotFound, Invalid with the field, Conflict, Refused,"
        f" Gone), or name them in NOT_REQUEST_ERRORS with the reason: {stray}"
    )
    stale = sorted(set(NOT_REQUEST_ERRORS) - set(classes))
    assert stale == [], f"no longer defined; remove from NOT_REQUEST_ERRORS: {stale}"


SUBJECT = uuid.UUID(int=7)


@pytest.mark.parametrize(
    ("error", "status", "field"),
    [
        (AccountError("email", "already used"), 422, "email"),
        (ConsentError("purpose", "not a purpose"), 422, "purpose"),
        (DisclosureError("recipient", "unknown"), 422, "recipient"),
        (DisclosureNotApproved("request_id", "pending"), 422, "request_id"),
        (NotificationError("record_id", "already told"), 422, "record_id"),
        (PanelError("risk_level", "unknown"), 422, "risk_level"),
        (AccessError("hours", "too long"), 422, "hours"),
        (AmbiguousFeed("two registers"), 422, "register"),
        (FileRejected(Path("f.csv"), "no header"), 422, "file"),
        (BadDecision("maybe"), 422, "decision"),
        (AlreadyInCaseloadError("record_id", "already yours"), 409, "record_id"),
        (AlreadyReviewedError("grant_id", "already reviewed"), 409, "grant_id"),
        (AlreadyReleased(), 409, "request_id"),
        (CaseNotFound("case"), 404, None),
        (SubjectNotFound(SUBJECT), 404, None),
        (NotInRegisters("register", "nosuch"), 404, None),
        (NoFeedContract("no contract"), 404, None),
        (UnknownFeed("r", "p", "d", ()), 404, None),
        (UnknownPair(SUBJECT), 404, None),
        (SubjectShredded(SUBJECT), 410, None),
    ],
    ids=lambda value: type(value).__name__ if isinstance(value, Exception) else None,
)
def test_each_domain_error_carries_its_status_and_field(
    error: errors.AccordError, status: int, field: str | None
) -> None:
    assert isinstance(error, errors.AccordError)
    assert error.status == status
    assert getattr(error, "field", None) == field
    assert error.message
    assert error.message == error.detail()["message"]
