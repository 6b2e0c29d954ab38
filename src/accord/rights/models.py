"""Data subject rights requests and the dated events of their statutory clock.

A request (`RightsRequest`, record type `rights-request`) names the requester, a data subject
whose identifying details are sealed under their own key, and any representative, another
subject with a key of their own. The rights asked for are its `RightsRequestRight` rows. The
clock is the append-only ledger of `RightsRequestEvent` rows: the due date and the deadline
to notify an extension are computed from it (`accord.rights.clock`), never stored.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, LargeBinary, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from accord.store.base import Base, Timestamps, UtcDateTime, UuidPk

SUBJECT_FK = "subjects.id"
REQUEST_FK = "rights_requests.id"


class RightsRequest(UuidPk, Timestamps, Base):
    __tablename__ = "rights_requests"

    register: Mapped[str] = mapped_column(String(64))
    organisation: Mapped[str] = mapped_column(String(64), index=True)  # the controller answering
    record_type: Mapped[str] = mapped_column(String(64))  # rights-request
    service: Mapped[str | None] = mapped_column(String(64))  # the service it concerns, if named
    channel: Mapped[str] = mapped_column(String(16))  # web | api | letter | phone | email | ...
    nation: Mapped[str] = mapped_column(String(24))  # whose bank holidays the clock skips
    # The requester: a data subject; name and contact details sealed under their key.
    subject_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey(SUBJECT_FK, ondelete="CASCADE"), index=True
    )
    details: Mapped[bytes] = mapped_column(LargeBinary)  # sealed under subject_id
    # Someone acting for them, with their own key, and the authority they claim.
    representative_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey(SUBJECT_FK, ondelete="SET NULL"), index=True
    )
    representative_details: Mapped[bytes | None] = mapped_column(LargeBinary)
    authority: Mapped[str | None] = mapped_column(String(32))  # parent | power-of-attorney | ...
    status: Mapped[str] = mapped_column(String(16), index=True)  # open | closed
    outcome: Mapped[str | None] = mapped_column(String(32))  # answered | refused | withdrawn
    assigned_user: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    team: Mapped[str | None] = mapped_column(String(64))
    received_on: Mapped[date] = mapped_column(Date, index=True)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    retention_from: Mapped[datetime | None] = mapped_column(UtcDateTime)
    retention_due: Mapped[datetime | None] = mapped_column(UtcDateTime, index=True)


class RightsRequestRight(Base):
    """One right asked for in a request (access, erasure, ...)."""

    __tablename__ = "rights_request_rights"

    request_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey(REQUEST_FK, ondelete="CASCADE"), primary_key=True
    )
    right: Mapped[str] = mapped_column(String(32), primary_key=True)


class RightsRequestEvent(UuidPk, Base):
    """A dated step on a request's clock. Rows are only ever added."""

    __tablename__ = "rights_request_events"

    request_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey(REQUEST_FK, ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)  # order of recording within the request
    kind: Mapped[str] = mapped_column(String(32))
    occurred_on: Mapped[date] = mapped_column(Date)  # the day it happened (the clock counts days)
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime)
    actor_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    reason: Mapped[str | None] = mapped_column(String(32))  # e.g. complex, manifestly-excessive
    partner: Mapped[str | None] = mapped_column(String(64))  # forwarded to / answered by
    note: Mapped[bytes | None] = mapped_column(LargeBinary)  # sealed under the requester's key


import accord.rights.bundle_models  # noqa: E402  (the discovery and access bundle tables, for metadata)
import accord.rights.decision_models  # noqa: E402, F401  (the tables of decisions on each right, for metadata)
