"""Imports every domain's models so Base.metadata is complete (for Alembic and tests).

Add one import line per domain package that defines tables.
"""

from __future__ import annotations

import accord.store.models  # noqa: F401
from accord.store.base import Base

metadata = Base.metadata
