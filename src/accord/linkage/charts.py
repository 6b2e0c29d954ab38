"""Charts for the quality report, drawn with matplotlib as SVG: no identifiers, only counts,
weights and the model's parameters."""

from __future__ import annotations

import io
import math
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt


def _save(figure: Any, path: Path) -> Path:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight")
    plt.close(figure)
    path.write_text(buffer.getvalue())
    return path


def weight_distribution(report: dict[str, Any], path: Path) -> Path:
    histogram = report["match_weight_histogram"]
    figure, axes = plt.subplots(figsize=(7, 3.5))
    axes.bar(
        [b["from"] for b in histogram],
        [b["count"] for b in histogram],
        width=1.0,
        align="edge",
        color="#1d70b8",
    )
    axes.set_yscale("symlog")
    threshold = report["run"].get("threshold")
    if threshold:
        weight = math.log2(threshold / (1 - threshold))
        axes.axvline(weight, color="#d4351c", linestyle="--", label="threshold")
        axes.legend()
    axes.set_xlabel("match weight")
    axes.set_ylabel("pairs scored")
    axes.set_title("Match weight distribution")
    return _save(figure, path)


def cluster_sizes(report: dict[str, Any], path: Path) -> Path:
    distribution = report["cluster_sizes"]["distribution"]
    sizes = [int(k) for k in distribution]
    figure, axes = plt.subplots(figsize=(7, 3.5))
    axes.bar(sizes, list(distribution.values()), color="#00703c")
    axes.set_yscale("symlog")
    axes.set_xlabel("records per person")
    axes.set_ylabel("people")
    axes.set_title("Cluster sizes")
    return _save(figure, path)


def parameters(model: dict[str, Any], path: Path) -> Path:
    """m and u of every comparison level (log scale), as Splink's parameter chart."""
    labels, m, u = [], [], []
    for comparison in model.get("comparisons", []):
        for level in comparison["comparison_levels"]:
            if level.get("is_null_level"):
                continue
            labels.append(
                f"{comparison['output_column_name']}: {level.get('label_for_charts', '')}"
            )
            m.append(level.get("m_probability", float("nan")))
            u.append(level.get("u_probability", float("nan")))
    figure, axes = plt.subplots(figsize=(8, 0.28 * len(labels) + 1))
    rows = range(len(labels))
    axes.barh([r + 0.2 for r in rows], m, height=0.4, label="m (among matches)", color="#1d70b8")
    axes.barh(
        [r - 0.2 for r in rows], u, height=0.4, label="u (among non-matches)", color="#f47738"
    )
    axes.set_yticks(list(rows), labels, fontsize=7)
    axes.invert_yaxis()
    axes.set_xscale("log")
    axes.set_xlabel("probability")
    axes.set_title("Model parameters: m and u per comparison level")
    axes.legend(fontsize=7)
    return _save(figure, path)
