"""Who may ingest, read identifiers and see feed status: the gate decides, and audits."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from accord.feeds.identifiers import read_identifiers, write_frame
from accord.feeds.ingest import ingest_file
from accord.feeds.status import feed_status
from accord.gate.models import AuditEntry
from accord.gate.types import AccessDenied, ReasonCode
from accord.synthetic.tvt import POLICE

from .conftest import police_row, write_rows
from .test_identifiers import _frame


def test_matching_role_reads_identifiers_through_the_gate(session, analyst, settings) -> None:  # type: ignore[no-untyped-def]
    write_frame(session, _frame(), settings=settings, register="tvt")
    audited = session.scalar(select(func.count()).select_from(AuditEntry))
    table = read_identifiers(session, actor=analyst, settings=settings, register="tvt")
    assert table.num_rows == 2
    assert sorted(table.column("first_name").to_pylist()) == ["Siobhán", "Zoë"]
    # one audited decision per partner dataset
    assert session.scalar(select(func.count()).select_from(AuditEntry)) == audited + 2


def test_report_recipient_cannot_read_identifiers(session, recipient, settings) -> None:  # type: ignore[no-untyped-def]
    write_frame(session, _frame(), settings=settings, register="tvt")
    with pytest.raises(AccessDenied) as caught:
        read_identifiers(session, actor=recipient, settings=settings, register="tvt")
    assert caught.value.decision.reason in {
        ReasonCode.NO_PERMISSION,
        ReasonCode.PURPOSE_NOT_FOR_ROLE,
    }


def test_report_recipient_cannot_ingest(session, recipient, settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = write_rows(tmp_path / "p.csv", POLICE, [police_row("P1")])
    with pytest.raises(AccessDenied):
        ingest_file(
            session,
            actor=recipient,
            partner=POLICE.partner,
            dataset=POLICE.dataset,
            path=path,
            settings=settings,
            register="tvt",
        )


def test_status_needs_the_status_permission(session, recipient, settings) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(AccessDenied, match="no-permission") as refused:
        feed_status(session, actor=recipient, settings=settings, register="tvt")
    assert refused.value.decision.audit_id is not None  # the refusal is in the audit trail
