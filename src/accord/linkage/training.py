"""Estimate the model's parameters on every full run, without labels.

u by random sampling of record pairs (by EM for the conditioned levels, model.ESTIMATED_U);
m (and the prior λ) by expectation maximisation on several separate blocking rules, each
leaving different comparisons free to be estimated; no m below M_FLOOR.

A delivery can be too small to train on: one record, three police rows with no two sharing
a date of birth, or thirty people delivered identically by two partners (each person one
profile, so no pair of profiles agrees on anything). Then `train` raises TooLittleToTrainError
and the run scores with the last trained model, or with the shipped default model
(`data/default_model.json`, see accord.linkage.defaults), and says so in its report.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Literal

import pandas as pd
from splink import Linker
from splink.internals.exceptions import EMTrainingException

from accord.linkage import model
from accord.linkage.engine import Engine

SAMPLE_RECORDS = 100_000
log = logging.getLogger(__name__)
EM_MAX_PAIRS = 1e6
# fewer identifier profiles than this are too few to estimate from: EM on a handful of
# pairs gives m values that say more about those pairs than about the partnership
MIN_PROFILES = 100

# EM within one blocking rule can drive an m to nothing: pairs of a level it starts to read
# as non-matches are then read so ever more surely (FEBRL: m of "another date of birth" went
# to 1e-24, a veto of 80 bits). No estimated m goes below this, so one disagreeing field
# counts at most about 10 bits against and the other fields can outweigh it.
M_FLOOR = 1e-3
ModelSource = Literal["trained", "last-run", "defaults"]


class TooLittleToTrainError(RuntimeError):
    """The records give no pairs to estimate a parameter from; the message says which."""


@dataclass(frozen=True)
class Training:
    """The model a full run scored with and where it came from."""

    model: dict[str, Any]
    source: ModelSource
    reason: str | None = None  # why the run did not train its own (plain words)

    def summary(self) -> str:
        if self.source == "trained":
            return "model trained on this run's records"
        taken = "the last trained model" if self.source == "last-run" else "the default model"
        return f"too little to train ({self.reason}): scored with {taken}"

    def as_report(self) -> dict[str, Any]:
        return {"source": self.source, "reason": self.reason, "summary": self.summary()}


def train(engine: Engine, prepared: pd.DataFrame, *, name: str, seed: int = 0) -> Linker:
    """A linker over `prepared` (registered as `name`) with every parameter estimated.

    Raises TooLittleToTrainError when the records give no pairs for one of the estimates."""
    n_records = len(prepared)
    if n_records < MIN_PROFILES:
        raise TooLittleToTrainError(
            f"{n_records} distinct identifier profile(s), fewer than the {MIN_PROFILES} "
            "needed to estimate the model"
        )
    table = engine.register(prepared, name)
    linker = Linker(table, model.settings(), log_level=logging.WARNING)
    # enough pairs for stable u values without dominating the run time at scale
    max_pairs = min(5e6, max(1e5, n_records * 5.0))
    # at scale, estimate on samples: the estimates settle long before every pair is seen
    sample = min(1.0, SAMPLE_RECORDS / max(n_records, 1))
    try:
        linker.training.estimate_probability_two_random_records_match(
            [
                "l.first_name = r.first_name and l.surname = r.surname and l.dob = r.dob",
                "l.email = r.email",
            ],
            recall=0.7,
            record_sample_proportion=sample,
        )
    except (ValueError, ZeroDivisionError) as exc:
        raise TooLittleToTrainError(
            f"the share of matching pairs cannot be estimated: {exc}"
        ) from exc
    settings = linker._settings_obj
    if not settings._probability_two_random_records_match:
        # no profile pair agrees exactly on name and date of birth or on email (FEBRL's
        # files, where every duplicate carries an error): start EM from about one match per
        # profile, and let EM estimate the prior
        settings._probability_two_random_records_match = 1.0 / n_records
    linker.training.estimate_u_using_random_sampling(max_pairs=max_pairs, seed=seed)
    for rules in model.training_blocking_rules():
        linker = _em_session(linker, table, rules, n_records)
    _conditioned_u(linker)
    _floor_m(linker)
    return linker


def _conditioned_u(linker: Linker) -> None:
    """The u of each level in model.ESTIMATED_U is EM's estimate alone: random sampling sees
    too few pairs meeting its condition (and not the ones that matter) to estimate it."""
    for comparison in linker._settings_obj.comparisons:
        for level in comparison._comparison_levels_excluding_null:
            if level.label_for_charts not in model.ESTIMATED_U:
                continue
            em = [
                r["probability"]
                for r in level._trained_u_probabilities
                if str(r["description"]).startswith("EM") and isinstance(r["probability"], float)
            ]
            if em:
                level.u_probability = em[-1]


def _floor_m(linker: Linker, floor: float = M_FLOOR) -> None:
    """No estimated m below `floor` (see M_FLOOR)."""
    for comparison in linker._settings_obj.comparisons:
        for level in comparison._comparison_levels_excluding_null:
            m = level._m_probability
            if not level._fix_m_probability and isinstance(m, float) and m < floor:
                level.m_probability = floor


def _em_session(linker: Linker, table: Any, rules: list[Any], n_records: int) -> Linker:
    """One EM session on the first of `rules` that gives usable estimates."""
    for number, rule in enumerate(rules, start=1):
        saved = linker.misc.save_model_to_json()
        try:
            with _u_estimated_only_for(linker, model.ESTIMATED_U):
                linker.training.estimate_parameters_using_expectation_maximisation(
                    rule,
                    estimate_without_term_frequencies=True,
                    fix_u_probabilities=False,
                    max_pairs=EM_MAX_PAIRS if n_records > SAMPLE_RECORDS else None,
                )
            return linker
        except EMTrainingException as exc:
            if number == len(rules):
                raise TooLittleToTrainError(
                    "no pairs of records agree on the fields a training session blocks on"
                ) from exc
            linker = Linker(table, saved, log_level=logging.WARNING)
        except ValueError as exc:
            if "below the minimum allowed" not in str(exc):
                raise
            # a failed session has already moved some estimates (λ among them): go
            # back to the model as it was, then try the next rule or go without
            log.warning("EM session %d of its list gave an unusable m value: %s", number, exc)
            linker = Linker(table, saved, log_level=logging.WARNING)
    return linker


@contextmanager
def _u_estimated_only_for(linker: Linker, labels: frozenset[str]) -> Iterator[None]:
    """Within the block, EM estimates u only for the levels labelled `labels`; every other u
    stays as random sampling estimated it. The u of a conditioned level (another forename
    with surname and date of birth equal) cannot come from random pairs, which almost never
    share both: EM estimates it among the session's pairs, which share the date of birth."""
    levels = [
        level
        for comparison in linker._settings_obj.comparisons
        for level in comparison.comparison_levels
    ]
    was = [level._fix_u_probability for level in levels]
    for level in levels:
        level._fix_u_probability = level._fix_u_probability or level.label_for_charts not in labels
    try:
        yield
    finally:
        for level, fixed in zip(levels, was, strict=True):
            level._fix_u_probability = fixed


def trained_model(linker: Linker) -> dict[str, Any]:
    saved: dict[str, Any] = linker.misc.save_model_to_json()
    return saved
