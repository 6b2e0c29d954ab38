"""Why a pair scored what it did: the match weight each comparison added, as Splink's
waterfall chart shows it, as data and as a picture (SVG).

The two records are scored again with the model of the run that queued them, comparison by
comparison. That score leaves out term-frequency adjustments (how common a name or a
postcode is across the whole partnership, which one pair cannot show); the difference from
the queued score is given as its own step, so the steps always add up to the queued score.
The data names comparisons and levels ("Same postcode and address"), never the values.
"""

from __future__ import annotations

import io
import logging
import math
from copy import deepcopy
from typing import Any

import pandas as pd
from splink import Linker
from splink.internals.waterfall_chart import record_to_waterfall_data

from accord.linkage.engine import duckdb_engine

_TF_KEYS = ("tf_adjustment_column", "tf_adjustment_weight", "tf_minimum_u_value")


def _settings_without_tf(model: dict[str, Any]) -> dict[str, Any]:
    settings = deepcopy(model)
    settings.pop("sql_dialect", None)
    for comparison in settings.get("comparisons", []):
        for level in comparison["comparison_levels"]:
            for key in _TF_KEYS:
                level.pop(key, None)
    settings["blocking_rules_to_generate_predictions"] = ["1 = 1"]
    settings["retain_intermediate_calculation_columns"] = True
    settings["retain_matching_columns"] = True
    return settings


def explain(
    prepared: pd.DataFrame, model: dict[str, Any], *, scored_weight: float | None = None
) -> dict[str, Any]:
    """The waterfall of two prepared records (accord.linkage.prepare.for_linking) under
    `model`; `scored_weight` is the pair's score in the queue, when known."""
    if len(prepared) != 2:
        raise ValueError(f"a pair is two records, not {len(prepared)}")
    engine = duckdb_engine()
    try:
        table = engine.register(prepared.reset_index(drop=True), "accord_explain")
        linker = Linker(table, _settings_without_tf(model), log_level=logging.WARNING)
        frame = linker.inference.predict(warning_mode="never")
        row = frame.as_record_list()[0]
        data = record_to_waterfall_data(  # type: ignore[no-untyped-call]
            row,
            linker._settings_obj,
            hide_details=True,
        )
    finally:
        engine.close()
    steps = [
        {
            "comparison": "prior" if i == 0 else str(d["column_name"]),
            "level": str(d["label_for_charts"]),
            "match_weight": round(float(d["log2_bayes_factor"]), 4),
            "m_probability": d.get("m_probability"),
            "u_probability": d.get("u_probability"),
        }
        for i, d in enumerate(data[:-1])
    ]
    weight = float(row["match_weight"])
    if scored_weight is not None and not math.isclose(scored_weight, weight, abs_tol=1e-6):
        steps.append(
            {
                "comparison": "term frequencies",
                "level": "How common the names and postcode are across the partnership",
                "match_weight": round(scored_weight - weight, 4),
                "m_probability": None,
                "u_probability": None,
            }
        )
        weight = scored_weight
    return {
        "steps": steps,
        "match_weight": round(weight, 4),
        "match_probability": round(2**weight / (1 + 2**weight), 6),
    }


def waterfall_svg(explanation: dict[str, Any], *, title: str = "Why this pair scored") -> str:
    """The waterfall as an SVG: each step a bar from the running total, the final score."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams["svg.fonttype"] = "none"
    steps = explanation["steps"]
    labels = [f"{s['comparison']}: {s['level']}" for s in steps] + ["Final score"]
    figure, axes = plt.subplots(figsize=(8, 0.35 * len(labels) + 1.2))
    total = 0.0
    for i, step in enumerate(steps):
        weight = float(step["match_weight"])
        start = 0.0 if i == 0 else total
        colour = "#00703c" if weight >= 0 else "#d4351c"
        axes.barh(i, weight, left=start, color=colour)
        total = start + weight
    axes.barh(len(steps), explanation["match_weight"], color="#1d70b8")
    axes.axvline(0, color="#0b0c0c", linewidth=0.8)
    axes.set_yticks(range(len(labels)), labels, fontsize=8)
    axes.invert_yaxis()
    axes.set_xlabel("match weight (log2 of the Bayes factor)")
    axes.set_title(f"{title}: match probability {explanation['match_probability']:.3f}")
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight")
    plt.close(figure)
    return buffer.getvalue()
