"""The linkage model: comparisons suited to UK identifiers, blocking rules and Splink settings.

Every comparison works on the prepared columns (accord.linkage.prepare), so the SQL is the
same on DuckDB and Spark; phonetic codes and nickname forms are columns, not UDFs.
"""

from __future__ import annotations

from typing import Any

import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import SettingsCreator, block_on
from splink.blocking_rule_library import CustomRule
from splink.internals.blocking_rule_creator import BlockingRuleCreator
from splink.internals.comparison_creator import ComparisonCreator


def _first_name() -> ComparisonCreator:
    return cl.CustomComparison(
        output_column_name="first_name",
        comparison_levels=[
            cll.NullLevel("first_name"),
            cll.ExactMatchLevel("first_name", term_frequency_adjustments=True),
            cll.ExactMatchLevel("first_name_canon").configure(
                label_for_charts="Same name by nickname (Bob/Robert)"
            ),
            cll.JaroWinklerLevel("first_name", 0.92),
            cll.ExactMatchLevel("first_name_ph").configure(label_for_charts="Same sound"),
            cll.JaroWinklerLevel("first_name", 0.8),
            cll.CustomLevel("first_name_l = surname_r", label_for_charts="Swapped with surname"),
            cll.ElseLevel(),
        ],
    )


def _surname() -> ComparisonCreator:
    return cl.CustomComparison(
        output_column_name="surname",
        comparison_levels=[
            cll.NullLevel("surname"),
            cll.ExactMatchLevel("surname", term_frequency_adjustments=True),
            cll.JaroWinklerLevel("surname", 0.92),
            cll.ExactMatchLevel("surname_ph").configure(label_for_charts="Same sound"),
            cll.JaroWinklerLevel("surname", 0.8),
            cll.CustomLevel("surname_l = first_name_r", label_for_charts="Swapped with forename"),
            cll.ElseLevel(),
        ],
    )


def _dob() -> ComparisonCreator:
    return cl.CustomComparison(
        output_column_name="dob",
        comparison_levels=[
            cll.NullLevel("dob"),
            cll.ExactMatchLevel("dob"),
            cll.CustomLevel(
                "(dob_swapped_l = dob_r OR dob_l = dob_swapped_r)",
                label_for_charts="Day and month swapped",
            ),
            cll.LevenshteinLevel("dob", 1).configure(label_for_charts="One digit differs"),
            cll.ExactMatchLevel("dob_year").configure(label_for_charts="Same year"),
            cll.ElseLevel(),
        ],
    )


def _postcode() -> ComparisonCreator:
    return cl.CustomComparison(
        output_column_name="postcode",
        comparison_levels=[
            cll.NullLevel("postcode"),
            cll.ExactMatchLevel("postcode", term_frequency_adjustments=True),
            cll.ExactMatchLevel("postcode_sector").configure(label_for_charts="Same sector"),
            cll.ExactMatchLevel("postcode_district").configure(label_for_charts="Same district"),
            cll.ElseLevel(),
        ],
    )


def _address() -> ComparisonCreator:
    return cl.CustomComparison(
        output_column_name="address",
        comparison_levels=[
            cll.NullLevel("address"),
            cll.ExactMatchLevel("address"),
            cll.JaroWinklerLevel("address", 0.9),
            cll.JaroWinklerLevel("address", 0.75),
            cll.ElseLevel(),
        ],
    )


def _phone() -> ComparisonCreator:
    return cl.CustomComparison(
        output_column_name="phone",
        comparison_levels=[
            cll.NullLevel("phone"),
            cll.ExactMatchLevel("phone"),
            cll.LevenshteinLevel("phone", 1),
            cll.ElseLevel(),
        ],
    )


def comparisons() -> list[ComparisonCreator]:
    return [
        _first_name(),
        _surname(),
        _dob(),
        _postcode(),
        _address(),
        _phone(),
        cl.EmailComparison("email"),
    ]


def prediction_blocking_rules() -> list[BlockingRuleCreator]:
    """Several rules so one corrupted field never hides a match (recall is measured)."""
    return [
        block_on("dob"),
        block_on("surname_ph", "postcode_district"),
        block_on("first_name_canon", "surname"),
        block_on("first_name_ph", "dob_year", "postcode_district"),
        block_on("phone"),
        block_on("email"),
        block_on("postcode", "first_name"),
        CustomRule("l.first_name = r.surname and l.surname = r.first_name"),
        CustomRule(
            "l.postcode_district = r.postcode_district"
            " and substr(l.address, 1, 10) = substr(r.address, 1, 10)"
        ),
    ]


def training_blocking_rules() -> list[BlockingRuleCreator]:
    """EM sessions: each leaves a different set of comparisons free to be estimated."""
    return [
        block_on("first_name", "surname"),
        block_on("dob"),
        block_on("postcode"),
    ]


def settings(*, probability_two_random_records_match: float = 1e-4) -> SettingsCreator:
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="record_id",
        comparisons=list(comparisons()),
        blocking_rules_to_generate_predictions=list(prediction_blocking_rules()),
        probability_two_random_records_match=probability_two_random_records_match,
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=False,
        additional_columns_to_retain=["source"],
    )


def settings_json(model: dict[str, Any]) -> dict[str, Any]:
    """A saved model (from Linker.misc.save_model_to_json) ready to load on another run."""
    return dict(model)
