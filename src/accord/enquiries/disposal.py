"""What retention disposes of here: enquiries, each under its channel's record type."""

from __future__ import annotations

from accord.cases.purposes import ENQUIRY_TYPES
from accord.enquiries.models import Enquiry
from accord.retention.declare import ClockedRows, present

DECLARATIONS = (
    ClockedRows(
        name="enquiries",
        model=Enquiry,
        record_types=lambda register: present(register, *ENQUIRY_TYPES.values()),
        has_service=False,
    ),
)
