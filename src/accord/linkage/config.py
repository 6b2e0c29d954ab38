"""Linkage run configuration (thresholds, review band, guard, engine)."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

from accord.linkage.engine import EngineName


def probability_to_weight(probability: float) -> float:
    """Match weight (log2 Bayes factor with prior odds 1) for a match probability."""
    probability = min(max(probability, 1e-12), 1 - 1e-12)
    return math.log2(probability / (1 - probability))


def _register_declaring(record_type: str) -> str:
    """The one loaded register declaring `record_type` ("" when none or several do)."""
    from accord.register.registry import current_registry

    found = [
        r.id
        for r in current_registry().registers.values()
        if any(t.id == record_type for t in r.record_types)
    ]
    return found[0] if len(found) == 1 else ""


def _runs_linkage(register: str) -> str:
    """The organisation `register` binds the role that runs linkage to ("" unless one)."""
    from accord.gate.catalogue import Permission
    from accord.register.registry import current_registry

    owners = {
        role.organisation
        for role in current_registry().get(register).roles
        if Permission.LINKAGE_RUN_EXECUTE.value in role.permissions and role.organisation
    }
    return owners.pop() if len(owners) == 1 else ""


@dataclass(frozen=True)
class LinkageConfig:
    engine: EngineName = "duckdb"
    # pairs at or above this match probability are the same person
    threshold: float = 0.9
    # pairs with lower <= probability < threshold go to clerical review
    review_lower: float = 0.5
    # no person may hold more records than this; bigger clusters are re-clustered
    max_cluster_size: int = 500
    # match weight added per re-clustering pass of the giant-cluster guard
    guard_step: float = 2.0
    # a cluster over the bound is kept whole when at least this share of its record pairs
    # are linked (one prolific person), and broken up when sparser (a chain of people)
    guard_density: float = 0.3
    seed: int = 0
    # register context for the gate: linkage runs under this purpose and record type, in
    # `register` (not given: the one loaded register declaring the record type), on records
    # owned by `owner_organisation` (not given: the organisation that register binds the
    # role running linkage to)
    register: str = ""
    purpose: str = "data-matching"
    record_type: str = "linked-person"
    owner_organisation: str = ""

    def __post_init__(self) -> None:
        if not 0 < self.threshold < 1:
            raise ValueError(f"threshold must be a probability in (0, 1), got {self.threshold}")
        if not 0 < self.review_lower <= self.threshold:
            raise ValueError(
                f"review_lower must be in (0, threshold={self.threshold}], got {self.review_lower}"
            )
        if self.max_cluster_size < 2:
            raise ValueError("max_cluster_size must be at least 2")
        if not self.register:
            object.__setattr__(self, "register", _register_declaring(self.record_type))
        if self.register and not self.owner_organisation:
            object.__setattr__(self, "owner_organisation", _runs_linkage(self.register))

    @property
    def threshold_weight(self) -> float:
        return probability_to_weight(self.threshold)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)
