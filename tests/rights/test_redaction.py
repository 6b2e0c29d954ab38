"""Finding other people's names and identifiers in free text, and leaving the requester's own."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from accord.rights import redaction

OWN = redaction.Own.of(
    [("name", "Amelia Hughes"), ("email", "amelia.hughes@example.org"), ("phone", "07700 900123")]
)


def _redacted(text: str, names: list[str] | None = None) -> str:
    parts = redaction.name_parts(names or [], OWN)
    hits = redaction.find(text, names=parts, own=OWN)
    return redaction.apply(text, [(h, True) for h in hits])


@pytest.mark.parametrize(
    ("text", "pattern"),
    [
        ("Call 07700 900999 after six", "phone"),
        ("Call +44 7700 900999 after six", "phone"),
        ("Call 020 7946 0018 after six", "phone"),
        ("Wrote to sam.example@mail.example.net today", "email"),
        ("Lives at SW1A 1AA now", "postcode"),
        ("Lives at sw1a1aa now", "postcode"),
        ("NI number AB 12 34 56 C on file", "ni-number"),
        ("NI number AB123456C on file", "ni-number"),
    ],
)
def test_each_pattern_is_found_and_withheld(text: str, pattern: str) -> None:
    hits = redaction.find(text, names=[], own=OWN)
    assert [h.pattern for h in hits] == [pattern]
    out = redaction.apply(text, [(h, True) for h in hits])
    assert text[hits[0].start : hits[0].end] not in out
    assert redaction.WITHHELD in out


def test_the_requesters_own_identifiers_stay_however_written() -> None:
    text = "Amelia (07700900123, +44 7700 900123, AMELIA.HUGHES@example.org) called."
    assert _redacted(text, ["Sam Example"]) == text


def test_other_peoples_names_and_their_parts_are_withheld_but_not_a_shared_surname() -> None:
    text = "Jo Hughes and Sam Example came; Sam said Example Road; Amelia Hughes agreed."
    out = _redacted(text, ["Sam Example", "Jo Hughes"])
    assert "Sam" not in out
    assert "Example" not in out
    assert "Jo Hughes" not in out
    assert "Amelia Hughes agreed" in out  # her surname is also Jo's: hers stays


def test_a_name_inside_the_requesters_own_email_is_left_alone() -> None:
    own = redaction.Own.of([("email", "sam@example.org")])
    parts = redaction.name_parts(["Priya Example"], own)
    hits = redaction.find("write to sam@example.org", names=parts, own=own)
    assert hits == []


def test_hits_are_numbered_per_pattern_so_items_keep_their_keys() -> None:
    hits = redaction.find("07700 900111 or 07700 900222, or x@y.org", names=[], own=OWN)
    assert [(h.pattern, h.occurrence) for h in hits] == [
        ("phone", 1), ("phone", 2), ("email", 1),
    ]  # fmt: skip


def test_a_hit_disclosed_by_the_reviewer_stays_in_the_text() -> None:
    text = "07700 900111 or 07700 900222"
    first, second = redaction.find(text, names=[], own=OWN)
    assert redaction.apply(text, [(first, False), (second, True)]) == (
        f"07700 900111 or {redaction.WITHHELD}"
    )


@given(
    before=st.text(alphabet="abc ,.", max_size=20),
    user=st.from_regex(r"[a-z]{1,8}", fullmatch=True),
    domain=st.from_regex(r"[a-z]{1,8}\.(org|net|co\.uk)", fullmatch=True),
    digits=st.from_regex(r"7[0-9]{3} [0-9]{6}", fullmatch=True),
    after=st.text(alphabet="abc ,.", max_size=20),
)
def test_no_email_or_phone_survives_when_everything_is_withheld(
    before: str, user: str, domain: str, digits: str, after: str
) -> None:
    email, phone = f"{user}@{domain}", f"0{digits}"
    text = f"{before} {email} {after} {phone} {after}"
    out = _redacted(text)
    assert email not in out
    assert phone not in out
