"""Pydantic shapes for the linkage API."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class RunOut(BaseModel):
    id: str
    kind: str
    status: str
    engine: str
    started_at: datetime
    finished_at: datetime | None
    records: int
    delta_records: int
    comparisons: int
    people: int
    error: str | None


class StatusOut(BaseModel):
    records: int
    people: int
    review_open: int
    review_decided: int
    runs: list[RunOut]


class ReviewPairOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    record_id_l: str
    record_id_r: str
    match_weight: float
    match_probability: float
    status: str
    decision: str | None
    decided_by: str | None
    decided_at: datetime | None
    note: str | None


class DecisionIn(BaseModel):
    decision: Literal["accept", "reject"]
    note: str | None = Field(default=None, max_length=2000)


class ExplanationStep(BaseModel):
    comparison: str  # "prior", a compared field, or "term frequencies"
    level: str  # the level the pair fell in, in words
    match_weight: float
    m_probability: float | None
    u_probability: float | None


class ExplanationOut(BaseModel):
    pair_id: uuid.UUID
    record_id_l: str
    record_id_r: str
    run_id: uuid.UUID
    steps: list[ExplanationStep]
    match_weight: float
    match_probability: float
