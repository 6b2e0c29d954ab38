"""`GET /api/me`: who the caller is, as the gate sees them (for API clients checking a token)."""

from __future__ import annotations

import uuid
from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel

from accord.accounts.deps import CurrentActor

router = APIRouter(prefix="/api", tags=["accounts"])


class Me(BaseModel):
    id: uuid.UUID | None
    kind: Literal["user", "token", "system"]
    name: str
    organisation: str
    roles: list[str]
    teams: list[str]
    permissions: list[str]


@router.get("/me", response_model=Me)
def me(actor: CurrentActor) -> Me:
    return Me(
        id=actor.id,
        kind=actor.kind,
        name=actor.name,
        organisation=actor.organisation,
        roles=sorted(actor.roles),
        teams=sorted(actor.teams),
        permissions=sorted(actor.permissions),
    )
