"""What retention disposes of here: enquiries, each under its channel's record type.

An enquiry under an `anonymise` rule keeps what counts it (its record type, channel, status
and dates, none of them about the person): its sealed name, contact and message are replaced
by an empty seal, who handled it and whether the person wanted updates go, and it leaves the
clock. Its person's key goes once none of their other records need it (accord.retention)."""

from __future__ import annotations

from accord.cases.purposes import ENQUIRY_TYPES
from accord.enquiries.models import Enquiry
from accord.retention.declare import ClockedRows, content_emptied, present

DECLARATIONS = (
    ClockedRows(
        name="enquiries",
        model=Enquiry,
        record_types=lambda register: present(register, *ENQUIRY_TYPES.values()),
        has_service=False,
        anonymise=content_emptied(Enquiry, cleared={"assigned_user": None, "wants_updates": False}),
    ),
)
