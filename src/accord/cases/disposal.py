"""What retention disposes of in casework: cases (referrals, cases, restorative justice) with
their timeline, shares and match proposals, and complaints (accord.retention.declare)."""

from __future__ import annotations

from accord.cases import purposes
from accord.cases.models import Case, Complaint
from accord.retention.declare import ClockedRows, present

DECLARATIONS = (
    ClockedRows(
        name="cases",
        model=Case,
        record_types=lambda register: present(
            register, purposes.REFERRAL, purposes.CASE, purposes.RJ_CASE
        ),
    ),
    ClockedRows(
        name="complaints",
        model=Complaint,
        record_types=lambda register: present(register, purposes.COMPLAINT),
        has_service=False,
    ),
)
