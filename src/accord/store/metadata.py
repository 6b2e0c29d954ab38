"""Imports every domain's models so Base.metadata is complete (for Alembic and tests).

The models modules are the ones the domain manifests name (accord.domains).
"""

from __future__ import annotations

import importlib

from accord.domains import manifests
from accord.store.base import Base

for _domain in manifests():
    if _domain.models is not None:
        importlib.import_module(_domain.models)

metadata = Base.metadata
