"""Fair-processing notices (sent or withheld) go with the record they are about, and with the
person when nothing else of theirs remains."""

from __future__ import annotations

from accord.notifications.models import FairProcessingNotice
from accord.retention.declare import Dependent, delete_where

DECLARATIONS = (
    Dependent(
        name="fair-processing-notices",
        remove_for_records=delete_where(FairProcessingNotice, "record_id"),
    ),
)
