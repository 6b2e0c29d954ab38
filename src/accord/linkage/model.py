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
from splink.internals.comparison_level_creator import ComparisonLevelCreator

# Siblings and household members share a surname, an address and often a landline: summed,
# those fields outweigh one disagreeing forename. A forename that is clearly another name
# (not equal, a nickname, an initial, a typo, a sound-alike or a swap: every such case has a
# level above) while the surname agrees and the date of birth does not is strong evidence of
# two people of one family, not weak evidence of one person, so its weight is fixed, not
# estimated: EM would learn it from pairs that are mostly the same person, and u sampling
# from random pairs, which rarely share a surname at all.
OTHER_FORENAME_M = 1e-9
OTHER_FORENAME_U = 0.999
# The same with the date of birth equal too is twins in a partnership, and a replaced
# forename in a file whose duplicates have one (FEBRL): the data decide which. The level's m
# and u are estimated by EM among pairs sharing a date of birth (accord.linkage.training);
# whether a pair of this kind is kept apart is decided from the data by accord.linkage.apart
# (EM counts twins among the matches, so the weight it learns cannot make that call).
SAME_FAMILY = "Another forename, same surname and date of birth"
# A date of birth many years away that no typo explains, with the same forename and surname:
# a parent and child named alike (Jr/Sr), or a replaced date (FEBRL). Estimated like the
# level above, among pairs with the same names in one postcode district; a parent and child
# in one home are kept apart by accord.linkage.apart where the data say so.
FAR_DOB = "Same names, born years apart (parent and child)"
# the conditioned levels: EM estimates their u among its session's pairs, which meet part of
# the condition already (random pairs almost never meet it); every other u comes from random
# sampling
ESTIMATED_U = frozenset({SAME_FAMILY, FAR_DOB})
FAR_DOB_YEARS = 15
# The conditioned levels compare keys (accord.linkage.prepare.LINKING_KEYS), not the columns
# the keys are made of: Splink leaves a comparison out of an EM session that blocks on a
# column it reads, and the forename comparison is estimated in the session on `dob`.


def _fixed(level: ComparisonLevelCreator, label: str, m: float, u: float) -> ComparisonLevelCreator:
    return level.configure(
        label_for_charts=label,
        m_probability=m,
        u_probability=u,
        fix_m_probability=True,
        fix_u_probability=True,
    )


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
            cll.CustomLevel(
                "(length(first_name_l) = 1 OR length(first_name_r) = 1)"
                " AND substr(first_name_l, 1, 1) = substr(first_name_r, 1, 1)",
                label_for_charts="Initial",
            ),
            cll.CustomLevel("family_key_l = family_key_r", label_for_charts=SAME_FAMILY),
            _fixed(
                cll.CustomLevel("surname_l = surname_r"),
                "Another forename, same surname",
                OTHER_FORENAME_M,
                OTHER_FORENAME_U,
            ),
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
            cll.CustomLevel(
                f"abs(cast(dob_year_l AS INTEGER) - cast(dob_year_r AS INTEGER))"
                f" >= {FAR_DOB_YEARS} AND levenshtein(dob_l, dob_r) > 2"
                " AND name_key_l = name_key_r",
                label_for_charts=FAR_DOB,
            ),
            cll.ElseLevel(),
        ],
    )


def _location() -> ComparisonCreator:
    """Postcode and address as one comparison: the same address nearly always means the same
    postcode, so scoring them apart would count one fact twice."""
    return cl.CustomComparison(
        output_column_name="location",
        comparison_levels=[
            cll.And(cll.NullLevel("address"), cll.NullLevel("postcode")),
            cll.And(
                cll.ExactMatchLevel("postcode", term_frequency_adjustments=True),
                cll.JaroWinklerLevel("address", 0.9),
            ).configure(label_for_charts="Same postcode and address"),
            cll.ExactMatchLevel("postcode", term_frequency_adjustments=True).configure(
                label_for_charts="Same postcode"
            ),
            cll.JaroWinklerLevel("address", 0.9).configure(label_for_charts="Same address"),
            cll.ExactMatchLevel("postcode_sector").configure(label_for_charts="Same sector"),
            cll.ExactMatchLevel("postcode_district").configure(label_for_charts="Same district"),
            cll.JaroWinklerLevel("address", 0.75).configure(label_for_charts="Similar address"),
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
        _location(),
        _phone(),
        cl.EmailComparison("email"),
    ]


def prediction_blocking_rules() -> list[BlockingRuleCreator]:
    """Several rules so one corrupted field never hides a match (recall is measured).

    Date of birth blocks alone only where it is rare (`dob_rare`): across a million records
    each date is shared by dozens of unrelated people, which made it most of the pairs
    scored for little recall. Paired with each name form and with the district it still
    finds a record whose other fields are all spoiled but one.
    """
    return [
        block_on("dob_rare"),
        block_on("dob", "first_name_canon"),
        block_on("dob", "surname_ph"),
        block_on("dob", "postcode_district"),
        block_on("dob", "first_name_ph"),
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


def training_blocking_rules() -> list[list[BlockingRuleCreator]]:
    """EM sessions: each leaves a different set of comparisons free to be estimated.

    Not postcode or address alone: pairs sharing an address are mostly members of one
    household, and EM would learn "lives with" as "is the same person". Not name alone
    either: once equal records are one profile, most same-name pairs in a large
    partnership are different people, and EM would learn "a different date of birth" as
    common among matches. Name within one postcode district is mostly one person.

    Each session lists its rule and the fallbacks tried in turn when EM drives a level's m
    to an unusable value (Splink refuses m below 1e-300, which a small partnership whose
    matches always agree on a field can reach); name alone is then fine, as few people
    share a name in a small set.
    """
    return [
        [block_on("dob")],
        [block_on("first_name", "surname", "postcode_district"), block_on("first_name", "surname")],
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
