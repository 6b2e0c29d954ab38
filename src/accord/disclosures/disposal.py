"""Disclosure log entries and requests go with the record they were disclosed from, and with
the person when nothing else of theirs remains (ON DELETE CASCADE from the subject)."""

from __future__ import annotations

from accord.disclosures.models import DisclosureEntry, DisclosureRequest
from accord.retention.declare import Dependent, delete_where

DECLARATIONS = (
    Dependent(name="disclosure-log", remove_for_records=delete_where(DisclosureEntry, "record_id")),
    Dependent(
        name="disclosure-requests", remove_for_records=delete_where(DisclosureRequest, "record_id")
    ),
)
