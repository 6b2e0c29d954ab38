"""Paging parameters shared by every list endpoint.

Both bounds matter: a database refuses an OFFSET or LIMIT outside its integer range with an
error, so a huge `offset` would be a 500 rather than an empty page.
"""

from __future__ import annotations

from typing import Annotated, Generic, TypeVar

from fastapi import Query
from pydantic import BaseModel

MAX_LIMIT = 200
# Within a 32-bit signed integer: every store accord runs on accepts it as OFFSET.
MAX_OFFSET = 2**31 - 1

Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Items per page.")]
Offset = Annotated[
    int, Query(ge=0, le=MAX_OFFSET, description="Items to skip before the first returned.")
]

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    """One page of a list, with the total the filters match."""

    items: list[T]
    total: int
    limit: int
    offset: int
