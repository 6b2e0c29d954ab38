"""Estimate the model's parameters on every full run, without labels.

u by random sampling of record pairs; m (and the prior λ) by expectation maximisation on
several separate blocking rules, each leaving different comparisons free to be estimated.
"""

from __future__ import annotations

import logging
from typing import Any

import pandas as pd
from splink import Linker

from accord.linkage import model
from accord.linkage.engine import Engine

SAMPLE_RECORDS = 100_000
log = logging.getLogger(__name__)
EM_MAX_PAIRS = 1e6


def train(engine: Engine, prepared: pd.DataFrame, *, name: str, seed: int = 0) -> Linker:
    """A linker over `prepared` (registered as `name`) with every parameter estimated."""
    table = engine.register(prepared, name)
    linker = Linker(table, model.settings(), log_level=logging.WARNING)
    n_records = len(prepared)
    # enough pairs for stable u values without dominating the run time at scale
    max_pairs = min(5e6, max(1e5, n_records * 5.0))
    # at scale, estimate on samples: the estimates settle long before every pair is seen
    sample = min(1.0, SAMPLE_RECORDS / max(n_records, 1))
    linker.training.estimate_probability_two_random_records_match(
        [
            "l.first_name = r.first_name and l.surname = r.surname and l.dob = r.dob",
            "l.email = r.email",
        ],
        recall=0.7,
        record_sample_proportion=sample,
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=max_pairs, seed=seed)
    for rules in model.training_blocking_rules():
        for number, rule in enumerate(rules, start=1):
            saved = linker.misc.save_model_to_json()
            try:
                linker.training.estimate_parameters_using_expectation_maximisation(
                    rule,
                    estimate_without_term_frequencies=True,
                    max_pairs=EM_MAX_PAIRS if n_records > SAMPLE_RECORDS else None,
                )
                break
            except ValueError as exc:
                if "below the minimum allowed" not in str(exc):
                    raise
                # a failed session has already moved some estimates (λ among them): go
                # back to the model as it was, then try the next rule or go without
                log.warning("EM session %d of its list gave an unusable m value: %s", number, exc)
                linker = Linker(table, saved, log_level=logging.WARNING)
    return linker


def trained_model(linker: Linker) -> dict[str, Any]:
    saved: dict[str, Any] = linker.misc.save_model_to_json()
    return saved
