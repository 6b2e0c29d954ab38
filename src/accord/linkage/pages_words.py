"""What the matching pages show, in an analyst's words: a pair's two records side by side
(read through the gate), the evidence each comparison gave, who decided, and the quality
report's figures and chart descriptions (counts, weights and parameters only)."""

from __future__ import annotations

import base64
import re
import tempfile
import uuid
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from accord.accounts.models import User
from accord.gate.types import Actor
from accord.linkage.config import LinkageConfig
from accord.linkage.models import LinkageRun, ReviewPair

# the form's values, as review.decide names them
DECISIONS = {"accept": "The same person", "reject": "Different people"}

FIELDS = (
    ("first_name", "First name"),
    ("surname", "Last name"),
    ("dob", "Date of birth"),
    ("address", "Address"),
    ("postcode", "Postcode"),
    ("phone", "Phone"),
    ("email", "Email"),
)
COMPARISONS = {
    "prior": "Before comparing anything",
    "first_name": "First name",
    "surname": "Last name",
    "dob": "Date of birth",
    "location": "Address and postcode",
    "phone": "Phone",
    "email": "Email",
    "term frequencies": "How common the details are",
}
PRIOR_LEVEL = "How likely any two records are to be about the same person"
LEVELS = (
    (re.compile(r"\bis NULL\b"), "Missing from one or both records"),
    (re.compile(r"^Exact match on username$"), "Same email username"),
    (re.compile(r"^Exact match on "), "The same"),
    (re.compile(r"^Jaro-Winkler >\s*0\.\d+ on username$"), "Similar email username"),
    (re.compile(r"^Jaro-Winkler distance of \w+ >= 0\.9\d*$"), "Spelt very nearly the same"),
    (re.compile(r"^Jaro-Winkler distance of \w+ >= 0\.\d+$"), "Spelt similarly"),
    (re.compile(r"^Levenshtein distance of \w+ <= 1$"), "One digit differs"),
    (re.compile(r"^All other comparisons$"), "Different"),
    (re.compile(r"^Same sound$"), "Sounds the same"),
    (re.compile(r"^Initial$"), "An initial that agrees"),
)
KINDS = {"full": "All records matched again", "incremental": "New and changed records"}
STATES = {"finished": "Finished", "running": "Running", "failed": "Did not finish"}
COUNTS = (
    ("records", "Partner records"),
    ("people", "People they belong to"),
    ("comparisons", "Pairs of records compared"),
    ("edges_at_threshold", "Pairs judged to be the same person"),
    ("review_pairs_added", "Pairs sent for a person to decide"),
    ("merges_refused_by_rejections", "Joins stopped by an earlier 'different people' decision"),
    (
        "pairs_kept_apart_as_different_forenames",
        "Pairs kept apart: another first name, same last name and date of birth",
    ),
    (
        "accepted_pairs_conflicting_with_rejections",
        "'Same person' decisions that conflict with 'different people' ones",
    ),
)
ACCURACY = (
    ("precision", "Of the pairs joined, the share truly the same person"),
    ("recall", "Of the true pairs, the share joined"),
    ("f1", "Both together (F1)"),
)


def comparison_words(comparison: str) -> str:
    return COMPARISONS.get(comparison, comparison.replace("_", " ").capitalize())


def level_words(comparison: str, level: str) -> str:
    if comparison == "prior":
        return PRIOR_LEVEL
    for pattern, words in LEVELS:
        if pattern.search(level):
            return words
    return level


def _direction(weight: float) -> str:
    if abs(weight) < 0.05:
        return "neither way"
    return "for the same person" if weight > 0 else "against the same person"


def steps_in_words(steps: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each comparison's evidence: what was compared, what was found, the weight and which
    way it points."""
    return [
        {
            "comparison": comparison_words(step["comparison"]),
            "level": level_words(step["comparison"], step["level"]),
            "weight": float(step["match_weight"]),
            "direction": _direction(float(step["match_weight"])),
        }
        for step in steps
    ]


def _shown(value: Any) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, date):
        return value.strftime("%-d %B %Y")
    return str(value)


def pair_records(
    session: Session, *, actor: Actor, config: LinkageConfig, pair: ReviewPair
) -> dict[str, Any]:
    """The pair's two records, field by field, read through the gate as a run reads them
    (one audited decision per partner dataset; fields the decision leaves out stay empty)."""
    from accord.feeds.identifiers import authorize_datasets, identifiers_table
    from accord.web.templating import organisation_name

    allowed = authorize_datasets(
        session, actor=actor, purpose=config.purpose, register=config.register
    )
    rows = identifiers_table(
        session,
        register=config.register,
        datasets=list(allowed),
        columns=allowed,
        only=[pair.record_id_l, pair.record_id_r],
    ).to_pylist()
    by_id = {row["record_id"]: row for row in rows}
    left, right = by_id.get(pair.record_id_l), by_id.get(pair.record_id_r)
    sources = [
        f"{organisation_name(r['partner'])}: {r['dataset'].replace('-', ' ')}" if r else ""
        for r in (left, right)
    ]
    fields = []
    for column, label in FIELDS:
        values = [_shown(r.get(column)) if r else "" for r in (left, right)]
        fields.append(
            {"label": label, "values": values, "same": bool(values[0]) and values[0] == values[1]}
        )
    return {"sources": sources, "fields": fields, "held": left is not None and right is not None}


def decided_by_name(session: Session, label: str | None) -> str:
    """The reviewer's name (review pairs keep the account's id), or who else it was."""
    if not label:
        return ""
    try:
        user = session.get(User, uuid.UUID(label))
    except ValueError:
        return "an automatic process"
    return user.name if user is not None else "someone who no longer has an account"


def _histogram_words(report: dict[str, Any]) -> str:
    bins = [b for b in report.get("match_weight_histogram") or [] if int(b["count"])]
    if not bins:
        return "No pairs were scored."
    total = sum(int(b["count"]) for b in bins)
    peak = max(bins, key=lambda b: int(b["count"]))
    return (
        f"{total:,} pairs of records were scored, from a weight of {float(bins[0]['from']):.0f}"
        f" to {float(bins[-1]['to']):.0f}. Most pairs ({int(peak['count']):,}) scored between"
        f" {float(peak['from']):.0f} and {float(peak['to']):.0f}. The dashed line is the score"
        " above which two records are joined as one person."
    )


def _cluster_rows(report: dict[str, Any]) -> list[tuple[str, int]]:
    distribution = (report.get("cluster_sizes") or {}).get("distribution") or {}
    return [(str(size), int(people)) for size, people in distribution.items()]


def _parameter_rows(model: dict[str, Any] | None) -> list[dict[str, Any]]:
    rows = []
    for comparison in (model or {}).get("comparisons", []):
        name = str(comparison.get("output_column_name", ""))
        for level in comparison.get("comparison_levels", []):
            if level.get("is_null_level"):
                continue
            rows.append(
                {
                    "comparison": comparison_words(name),
                    "level": level_words(name, str(level.get("label_for_charts", ""))),
                    "m": level.get("m_probability"),
                    "u": level.get("u_probability"),
                }
            )
    return rows


def _model_words(training: dict[str, Any] | None) -> str:
    if not training:
        return ""
    if training.get("source") == "trained":
        return "The matching rules were learnt from this run's records."
    taken = (
        "the last rules learnt from a run"
        if training.get("source") == "last-run"
        else "the rules accord comes with, learnt from made-up UK partner data"
    )
    return f"There were too few records to learn the matching rules from, so this run used {taken}."


def quality_summary(
    run: LinkageRun, fallback_model: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The run's report in words: figures, accuracy where it was measured, and what each
    chart shows."""
    report: dict[str, Any] = run.report or {}
    counts = report.get("counts") or {}
    accuracy = report.get("accuracy") or {}
    stability = report.get("id_stability")
    model = run.model or fallback_model
    clusters = _cluster_rows(report)
    largest = (report.get("cluster_sizes") or {}).get("largest") or []
    return {
        "kind": KINDS.get(run.kind, run.kind),
        "counts": [(label, int(counts[key])) for key, label in COUNTS if key in counts],
        "stability": None if stability is None else f"{float(stability):.1%}",
        "model": _model_words(report.get("model")),
        "accuracy": [
            (label, f"{float(accuracy[key]):.1%}") for key, label in ACCURACY if key in accuracy
        ],
        "weights": _histogram_words(report),
        "clusters": clusters,
        "clusters_words": (
            f"{sum(p for _, p in clusters):,} people; the most records any one person has is"
            f" {largest[0] if largest else 0}."
        ),
        "parameters": _parameter_rows(model),
    }


def _image(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def waterfall_image(explanation: dict[str, Any]) -> str:
    """The pair's evidence as a waterfall chart (an image address), labelled in the page's
    words: comparisons and findings, never the records' values."""
    from accord.linkage.explain import waterfall_svg

    worded = {
        **explanation,
        "steps": [
            {
                **step,
                "comparison": comparison_words(step["comparison"]),
                "level": level_words(step["comparison"], step["level"]),
            }
            for step in explanation["steps"]
        ],
    }
    return _image(waterfall_svg(worded, title="Evidence for and against"))


def _worded(model: dict[str, Any]) -> dict[str, Any]:
    """The model's comparisons and findings named in the page's words, for its chart."""
    comparisons = []
    for comparison in model.get("comparisons", []):
        name = str(comparison.get("output_column_name", ""))
        levels = [
            {**level, "label_for_charts": level_words(name, str(level.get("label_for_charts", "")))}
            for level in comparison.get("comparison_levels", [])
        ]
        comparisons.append(
            {
                **comparison,
                "output_column_name": comparison_words(name),
                "comparison_levels": levels,
            }
        )
    return {**model, "comparisons": comparisons}


def report_charts(report: dict[str, Any], model: dict[str, Any] | None) -> dict[str, str]:
    """The quality report's charts as image addresses: match weights, records per person and,
    when a model is known, its m and u per finding."""
    from accord.linkage import charts

    if not report.get("counts"):
        return {}
    drawn: dict[str, str] = {}
    with tempfile.TemporaryDirectory() as folder:
        here = Path(folder)
        drawn["weights"] = charts.weight_distribution(report, here / "w.svg").read_text()
        drawn["clusters"] = charts.cluster_sizes(report, here / "c.svg").read_text()
        if model and model.get("comparisons"):
            drawn["parameters"] = charts.parameters(_worded(model), here / "p.svg").read_text()
    return {name: _image(svg) for name, svg in drawn.items()}
