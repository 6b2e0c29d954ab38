"""Facts the gate is given by the domains that hold them.

Besides the register and the person's flags, a decision may need what only a domain knows:
the consent ledger's state for a person (and the same rule as SQL, for listings), the
records held about a person, and the record a disclosure is made from with its values. A
domain provides these in a module `accord.<domain>.facts` holding any of
`CONSENT: ConsentFacts`, `SUBJECT_TARGETS: SubjectTargets`, `SUBJECT_RECORDS: SubjectRecords`
(everything held about a set of people, ledger entries included, for finding a person's data),
`IDENTIFIED_RECORDS: IdentifiedRecords` and `LINKED_RECORDS: LinkedRecords` (records that
belong to no person accord knows, such as partners' records, found by the identifiers a
requester gives and by record linkage) and `RECORDS: RecordSource`; the gate finds those modules on first use (`gate.discovery`) and
imports no domain itself.

With no consent provider the gate fails closed: consent reads as not recorded, and a
listing for a purpose that needs consent shows nobody.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import ColumnElement, false, select
from sqlalchemy.orm import Session

from accord.gate.discovery import domain_modules
from accord.gate.types import Target


class ConsentFacts(Protocol):
    def state(
        self, session: Session, *, subject_id: uuid.UUID, purpose: str, controller: str | None
    ) -> str | None:
        """The person's current consent to `controller` (None: their latest statement to
        any controller) for `purpose`: given, refused, withdrawn, or None when never asked
        or expired."""
        ...

    def given(self, *, subject_id: Any, controller: Any, purpose: str) -> ColumnElement[bool]:
        """A clause true for rows whose person (column `subject_id`) has consent to the row's
        controller (column `controller`) given and current for `purpose`."""
        ...


class SubjectTargets(Protocol):
    def __call__(self, session: Session, *, subject_id: uuid.UUID) -> list[Target]:
        """The gate targets of every record this domain holds about the person."""
        ...


@dataclass(frozen=True)
class HeldRecord:
    """One record or ledger entry a domain holds about a person, without its values."""

    kind: str  # case, complaint, enquiry, safety-case, consent, disclosure, notice ...
    record_id: uuid.UUID
    subject_id: uuid.UUID
    register: str
    owner_organisation: str
    # the register record type; None for an entry about the person (a consent statement, a
    # logged disclosure, a fair-processing notice), read through its own domain's service
    record_type: str | None
    at: datetime | None = None


def rows_about(
    session: Session,
    subject_ids: Sequence[uuid.UUID],
    kind: str,
    *,
    id: Any,
    subject_id: Any,
    register: Any,
    owner: Any,
    at: Any,
    record_type: Any = None,
) -> list[HeldRecord]:
    """A domain's rows about these people, as `kind` records: the columns holding the row's
    id, subject, register, owning organisation, date and (for a record) its record type."""
    typed = () if record_type is None else (record_type,)
    rows = session.execute(
        select(id, subject_id, register, owner, at, *typed).where(subject_id.in_(list(subject_ids)))
    )
    return [
        HeldRecord(kind, row_id, subject, reg, org, extra[0] if extra else None, when)
        for row_id, subject, reg, org, when, *extra in rows
    ]


class SubjectRecords(Protocol):
    def __call__(self, session: Session, *, subject_ids: Sequence[uuid.UUID]) -> list[HeldRecord]:
        """Every record and ledger entry this domain holds about any of these people."""
        ...


@dataclass(frozen=True)
class FoundRecord:
    """A record about no person accord knows (a partner's record), found for a requester by
    the identifiers they gave or by record linkage; `matched_on` says how, never a value."""

    kind: str  # partner-record
    record_id: uuid.UUID
    register: str
    owner_organisation: str
    record_type: str
    matched_on: frozenset[str]
    at: datetime | None = None


# Passes the gate for a target on the searcher's behalf (raising AccessDenied when refused,
# after the refusal is audited) and returns the data categories the decision allows.
GateCheck = Callable[[Target], frozenset[str]]


class IdentifiedRecords(Protocol):
    def __call__(
        self,
        session: Session,
        *,
        register: str,
        organisation: str,
        identifiers: Mapping[str, Sequence[str]],
        check: GateCheck,
    ) -> list[FoundRecord]:
        """Records `organisation` controls in `register` whose identifiers agree with those
        given (kind -> values, the blind index kinds), each checked with `check` first."""
        ...


class LinkedRecords(Protocol):
    def __call__(
        self,
        session: Session,
        *,
        register: str,
        organisation: str,
        record_ids: Sequence[uuid.UUID],
        check: GateCheck,
    ) -> list[FoundRecord]:
        """Other records `organisation` controls that record linkage joined into one person
        with any of `record_ids`."""
        ...


@dataclass(frozen=True)
class SourceRecord:
    """A record a disclosure is made from: its target, its person, values by category id."""

    target: Target
    subject_id: uuid.UUID
    values: dict[str, Any]


class RecordSource(Protocol):
    def target(self, session: Session, *, record_id: uuid.UUID) -> Target | None:
        """The gate's view of the record (nothing unsealed), or None if not held here."""
        ...

    def record(self, session: Session, *, record_id: uuid.UUID) -> SourceRecord | None:
        """The record with its unsealed values, or None if not held here."""
        ...


@dataclass
class Providers:
    consent: ConsentFacts | None = None
    subject_targets: list[SubjectTargets] = field(default_factory=list)
    subject_records: list[SubjectRecords] = field(default_factory=list)
    identified_records: list[IdentifiedRecords] = field(default_factory=list)
    linked_records: list[LinkedRecords] = field(default_factory=list)
    records: list[RecordSource] = field(default_factory=list)


_providers: list[Providers] = []
_lock = threading.Lock()


def providers() -> Providers:
    """The providers the domains declare, found once (thread-safe: requests may race)."""
    if _providers:
        return _providers[0]
    with _lock:
        if not _providers:
            _providers.append(_discover())
    return _providers[0]


def _discover() -> Providers:
    found = Providers()
    for module in domain_modules("facts"):
        consent = getattr(module, "CONSENT", None)
        if consent is not None:
            if found.consent is not None:
                raise RuntimeError(f"{module.__name__}: a second consent provider")
            found.consent = consent
        if (targets := getattr(module, "SUBJECT_TARGETS", None)) is not None:
            found.subject_targets.append(targets)
        if (held := getattr(module, "SUBJECT_RECORDS", None)) is not None:
            found.subject_records.append(held)
        if (identified := getattr(module, "IDENTIFIED_RECORDS", None)) is not None:
            found.identified_records.append(identified)
        if (linked := getattr(module, "LINKED_RECORDS", None)) is not None:
            found.linked_records.append(linked)
        if (records := getattr(module, "RECORDS", None)) is not None:
            found.records.append(records)
    return found


def consent_state(
    session: Session, *, subject_id: uuid.UUID, purpose: str, controller: str | None
) -> str | None:
    consent = providers().consent
    if consent is None:
        return None
    return consent.state(session, subject_id=subject_id, purpose=purpose, controller=controller)


def consent_given(*, subject_id: Any, controller: Any, purpose: str) -> ColumnElement[bool]:
    consent = providers().consent
    if consent is None:
        return false()
    return consent.given(subject_id=subject_id, controller=controller, purpose=purpose)


def subject_targets(session: Session, *, subject_id: uuid.UUID) -> list[Target]:
    """The gate targets of every record any domain holds about the person."""
    return [
        target
        for provide in providers().subject_targets
        for target in provide(session, subject_id=subject_id)
    ]


def subject_records(session: Session, *, subject_ids: Sequence[uuid.UUID]) -> list[HeldRecord]:
    """Every record and ledger entry any domain holds about these people (one query or a few
    per domain, whatever their number)."""
    if not subject_ids:
        return []
    return [
        held
        for provide in providers().subject_records
        for held in provide(session, subject_ids=subject_ids)
    ]


def identified_records(
    session: Session,
    *,
    register: str,
    organisation: str,
    identifiers: Mapping[str, Sequence[str]],
    check: GateCheck,
) -> list[FoundRecord]:
    """Records of no known person whose identifiers agree with those given (every domain)."""
    if not identifiers:
        return []
    return [
        found
        for provide in providers().identified_records
        for found in provide(
            session,
            register=register,
            organisation=organisation,
            identifiers=identifiers,
            check=check,
        )
    ]


def linked_records(
    session: Session,
    *,
    register: str,
    organisation: str,
    record_ids: Sequence[uuid.UUID],
    check: GateCheck,
) -> list[FoundRecord]:
    """Records record linkage joined into one person with any of these (every domain)."""
    if not record_ids:
        return []
    return [
        found
        for provide in providers().linked_records
        for found in provide(
            session,
            register=register,
            organisation=organisation,
            record_ids=record_ids,
            check=check,
        )
    ]


def record_target(session: Session, *, record_id: uuid.UUID) -> Target | None:
    for source in providers().records:
        target = source.target(session, record_id=record_id)
        if target is not None:
            return target
    return None


def source_record(session: Session, *, record_id: uuid.UUID) -> SourceRecord | None:
    for source in providers().records:
        found = source.record(session, record_id=record_id)
        if found is not None:
            return found
    return None
