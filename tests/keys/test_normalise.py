"""Normalisation for blind indexes: idempotent, insensitive to how a value is written."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from accord.keys.blind import BlindIndexer
from accord.keys.normalise import NORMALISERS, name_dob_value, normalise

SAME = [
    ("name", ["Zoë O'Brien-Smith", "ZOE OBRIEN SMITH", "  zoe  o brien smith. "]),
    ("date", ["1990-01-31", "31/01/1990", "31.1.1990", "31 Jan 1990", "January 31, 1990"]),
    (
        "name_dob",
        ["Zoë O'Brien|31/01/1990", "ZOE OBRIEN|1990-01-31", "zoe o'brien | 31 January 1990"],
    ),
    ("email", ["Zoe@Example.ORG", " zoe@example.org "]),
    (
        "phone",
        [
            "07700 900123",
            "+44 (0)7700-900123",
            "0044 7700 900123",
            "+44 7700 900 123",
            "447700900123",
        ],
    ),
    ("crime_number", ["ab/1234/22", "AB 1234 22", "AB-1234-22", "AB123422"]),
    ("postcode", ["sw1a 1aa", "SW1A1AA", " Sw1A  1aA "]),
]

BAD = [
    ("name", "---"),
    ("date", "1990"),
    ("date", "31/02/1990"),
    ("date", "not a date"),
    ("name_dob", "Zoe O'Brien 1990-01-31"),
    ("email", "zoe.example.org"),
    ("phone", "12345"),
    ("phone", "0770 0900"),
    ("crime_number", "//"),
    ("postcode", "SW1"),
]


@pytest.mark.parametrize(("kind", "values"), SAME)
def test_differently_written_values_normalise_alike(kind: str, values: list[str]) -> None:
    assert len({normalise(kind, v) for v in values}) == 1


def test_canonical_forms() -> None:
    assert normalise("name_dob", "Zoë O'Brien|31/01/1990") == "zoeobrien|1990-01-31"
    assert normalise("phone", "07700 900123") == "+447700900123"
    assert normalise("phone", "+33 1 23 45 67 89") == "+33123456789"
    assert normalise("postcode", "sw1a 1aa") == "SW1A1AA"
    assert normalise("date", "01/02/1990") == "1990-02-01"  # UK order: day first
    assert name_dob_value("Zoë O'Brien", "1990-01-31") == "Zoë O'Brien|1990-01-31"


@pytest.mark.parametrize(("kind", "value"), BAD)
def test_unreadable_values_are_refused_naming_the_kind(kind: str, value: str) -> None:
    with pytest.raises(ValueError, match=f"^{kind.split('_')[0]}") as error:
        normalise(kind, value)
    assert value not in str(error.value)  # identifiers are personal data: never echoed


def test_unknown_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown index kind 'nhs_number'"):
        normalise("nhs_number", "123")


def test_blind_index_is_keyed_and_kind_separated() -> None:
    indexer = BlindIndexer(b"index-key-for-tests")
    assert indexer.digest("phone", "07700 900123") == indexer.digest("phone", "+447700900123")
    # The same canonical text under two kinds gives unrelated digests.
    assert indexer.digest("crime_number", "SW1A1AA") != indexer.digest("postcode", "SW1A1AA")
    assert indexer.digest("name", "2020") != indexer.digest("crime_number", "2020")
    other = BlindIndexer(b"another-index-key!!")
    assert other.digest("phone", "07700 900123") != indexer.digest("phone", "07700 900123")
    assert b"447700900123" not in indexer.digest("phone", "07700 900123")


# Property tests: build values from parts, then write them in many ways.
_letters = st.text(alphabet="abcdefghijklmnopqrstuvwxyzàéïöüçñ", min_size=1, max_size=12)
_noise = st.sampled_from(["", " ", "  ", "-", "'", ".", ","])


@st.composite
def _written_names(draw: st.DrawFn) -> tuple[str, str]:
    words = draw(st.lists(_letters, min_size=1, max_size=4))
    plain = "".join(words)
    written = ""
    for word in words:
        cased = "".join(c.upper() if draw(st.booleans()) else c for c in word)
        written += draw(_noise) + cased
    return plain, written + draw(_noise)


@given(_written_names())
def test_name_is_case_punctuation_and_spacing_insensitive(pair: tuple[str, str]) -> None:
    plain, written = pair
    assert normalise("name", written) == normalise("name", plain)


@st.composite
def _written_phones(draw: st.DrawFn) -> tuple[str, str]:
    # UK numbers after the trunk 0 start 1-9 (a leading 00 would be an international prefix).
    digits = draw(st.sampled_from("123456789")) + draw(
        st.text(alphabet="0123456789", min_size=9, max_size=9)
    )
    national = "0" + digits
    prefix = draw(st.sampled_from(["0", "+44", "+44 (0)", "0044", "+44 0"]))
    body = "".join(d + draw(st.sampled_from(["", "", " ", "-"])) for d in digits)
    return national, prefix + body


@given(_written_phones())
def test_phone_is_format_insensitive(pair: tuple[str, str]) -> None:
    national, written = pair
    assert normalise("phone", written) == normalise("phone", national)


@given(st.dates(), st.sampled_from(["%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y", "%d %B %Y", "%d %b %Y"]))
def test_dates_in_uk_formats_read_back_to_the_same_day(day: object, fmt: str) -> None:
    import datetime

    assert isinstance(day, datetime.date)
    if day.year < 1000:
        return  # four-digit years only; strftime pads inconsistently below 1000
    assert normalise("date", day.strftime(fmt)) == day.isoformat()


@given(st.sampled_from(sorted(NORMALISERS)), st.text(max_size=40))
def test_normalising_is_idempotent(kind: str, value: str) -> None:
    try:
        once = normalise(kind, value)
    except ValueError:
        return
    assert normalise(kind, once) == once


@pytest.mark.parametrize(("kind", "values"), SAME)
def test_normalising_examples_is_idempotent(kind: str, values: list[str]) -> None:
    for value in values:
        once = normalise(kind, value)
        assert normalise(kind, once) == once


_separators = st.sampled_from(["", " ", "  ", "-", "/", "."])


@given(
    st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", min_size=2, max_size=4),
    st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", min_size=3, max_size=3),
    st.booleans(),
    _separators,
)
def test_postcode_is_case_and_spacing_insensitive(
    outward: str, inward: str, lower: bool, gap: str
) -> None:
    written = f" {outward}{' ' if gap else ''}{inward} "
    assert normalise("postcode", written.lower() if lower else written) == outward + inward


@given(
    st.lists(
        st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", min_size=1, max_size=6),
        min_size=1,
        max_size=4,
    ),
    _separators,
    st.booleans(),
)
def test_crime_number_ignores_separators_and_case(parts: list[str], sep: str, lower: bool) -> None:
    written = sep.join(parts)
    assert normalise("crime_number", written.lower() if lower else written) == "".join(parts)
