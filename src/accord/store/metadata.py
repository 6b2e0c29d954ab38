"""Imports every domain's models so Base.metadata is complete (for Alembic and tests).

Add one import line per domain package that defines tables.
"""

from __future__ import annotations

import accord.accounts.models
import accord.cases.models  # noqa: F401
import accord.consent.models  # noqa: F401
import accord.disclosures.models  # noqa: F401
import accord.enquiries.models  # noqa: F401
import accord.feeds.models  # noqa: F401
import accord.gate.models  # noqa: F401
import accord.linkage.models  # noqa: F401
import accord.notifications.models  # noqa: F401
import accord.panels.models  # noqa: F401
import accord.people.models  # noqa: F401
import accord.store.models  # noqa: F401
from accord.store.base import Base

metadata = Base.metadata
