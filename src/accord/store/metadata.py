"""Imports every domain's models so Base.metadata is complete (for Alembic and tests).

Add one import line per domain package that defines tables (no noqa needed but on the last).
"""

from __future__ import annotations

import accord.accounts.models
import accord.cases.models
import accord.consent.models
import accord.disclosures.models
import accord.enquiries.models
import accord.feeds.models
import accord.gate.models
import accord.linkage.models
import accord.notifications.models
import accord.panels.models
import accord.people.models
import accord.store.models  # noqa: F401 (the imports above bind `accord`; only their tables matter)
from accord.store.base import Base

metadata = Base.metadata
