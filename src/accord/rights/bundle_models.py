"""Finding a person's data and answering the right of access: the tables.

A discovery (`DiscoverySearch`) lists every record found about a requester as a
`DiscoveryCandidate` with why it matched (which identifier, or which link); a person
confirms or rejects each, and only confirmed records go into an access bundle. A bundle
(`AccessBundle`) keeps no copy of the data: it keeps the digest of the records it was made
from and the decision on each item withheld (`BundleWithholding`: the exemption, who decided
and why), and is made again from the records on release, which is refused if they changed.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, LargeBinary, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from accord.store.base import Base, UtcDateTime, UuidPk, utcnow

SUBJECT_FK = "subjects.id"
REQUEST_FK = "rights_requests.id"


class DiscoverySearch(UuidPk, Base):
    """One search for a requester's records: the kinds of identifier used, never their values."""

    __tablename__ = "rights_searches"

    register: Mapped[str] = mapped_column(String(64))
    organisation: Mapped[str] = mapped_column(String(64))  # the controller answering
    request_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey(REQUEST_FK, ondelete="CASCADE"), index=True
    )
    kinds: Mapped[list[str]] = mapped_column(JSON)  # identifier kinds searched and links followed
    searched_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    searched_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class DiscoveryCandidate(UuidPk, Base):
    """A record found about the requester, with why, for a person to confirm or reject."""

    __tablename__ = "rights_candidates"

    search_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("rights_searches.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(32))  # case, complaint, enquiry, safety-case ...
    record_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    subject_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey(SUBJECT_FK, ondelete="CASCADE"), index=True
    )
    register: Mapped[str] = mapped_column(String(64))
    owner: Mapped[str] = mapped_column(String(64))
    record_type: Mapped[str | None] = mapped_column(String(64))
    held_since: Mapped[datetime | None] = mapped_column(UtcDateTime)
    matched_on: Mapped[list[str]] = mapped_column(JSON)  # identifier kinds and links, no values
    status: Mapped[str] = mapped_column(String(16), default="proposed")  # confirmed | rejected
    decided_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class AccessBundle(UuidPk, Base):
    """An answer to the right of access: made, reviewed, approved, released."""

    __tablename__ = "rights_access_bundles"

    search_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("rights_searches.id", ondelete="CASCADE"), index=True
    )
    register: Mapped[str] = mapped_column(String(64))
    organisation: Mapped[str] = mapped_column(String(64))
    subject_id: Mapped[uuid.UUID] = mapped_column(  # the requester (a confirmed subject)
        ForeignKey(SUBJECT_FK, ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(16), default="draft")  # approved | released
    digest: Mapped[str] = mapped_column(String(64))  # of the records before any redaction
    records: Mapped[int] = mapped_column(Integer)
    produced_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    produced_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    approved_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    approved_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    released_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    released_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class BundleWithholding(UuidPk, Base):
    """One item of a bundle withheld or considered for withholding, and the decision on it."""

    __tablename__ = "rights_bundle_withholdings"

    bundle_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("rights_access_bundles.id", ondelete="CASCADE"), index=True
    )
    item: Mapped[str] = mapped_column(String(300))  # where in the bundle (stable across remakes)
    kind: Mapped[str] = mapped_column(String(16))  # person | pattern | item
    pattern: Mapped[str | None] = mapped_column(String(32))  # name, phone, email, postcode ...
    other_subject_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)  # the other person, id only
    exemption: Mapped[str] = mapped_column(String(48))
    factors: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # Sch 2 para 16 factors
    reason: Mapped[bytes | None] = mapped_column(LargeBinary)  # sealed under the requester's key
    status: Mapped[str] = mapped_column(String(16), default="proposed")  # withheld | disclosed
    decided_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
