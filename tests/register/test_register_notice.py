"""Generated notices state every retention period, lawful basis and recipient of their register."""

from __future__ import annotations

import html
import itertools
import re
from functools import cache
from pathlib import Path

import pytest

from accord.register import plain
from accord.register.load import load_all, parse
from accord.register.notice import build_notice
from accord.register.notice_render import NoticeFormat, render
from accord.register.schema import Register

from .fixture import BAD_FILE, minimal, problems_of

REGISTERS = load_all(Path(__file__).resolve().parents[2] / "registers")
IDS = sorted(REGISTERS)


@cache
def _texts_of(register_id: str) -> dict[NoticeFormat, str]:
    return _texts(REGISTERS[register_id])


def _texts(register: Register) -> dict[NoticeFormat, str]:
    notice = build_notice(register)
    md = render(notice, NoticeFormat.MD)
    page = render(notice, NoticeFormat.HTML)
    # Compare the visible text of the page: tags dropped, entities decoded, spaces collapsed.
    visible = html.unescape(re.sub(r"<[^>]+>", " ", page))
    return {
        NoticeFormat.MD: " ".join(md.replace("\\|", "|").split()),
        NoticeFormat.HTML: " ".join(visible.split()),
    }


def _norm(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("register_id", IDS)
def test_notice_states_every_retention_period(register_id: str) -> None:
    register = REGISTERS[register_id]
    for text in _texts_of(register_id).values():
        for rt in register.record_types:
            if rt.retention is None or not rt.personal_data:
                continue
            assert _norm(rt.name) in text
            assert _norm(plain.retention(rt.retention)) in text, (
                rt.id,
                plain.retention(rt.retention),
            )
            assert plain.period_text(rt.retention) in text


@pytest.mark.parametrize("register_id", IDS)
def test_notice_states_every_lawful_basis(register_id: str) -> None:
    register = REGISTERS[register_id]
    for text in _texts_of(register_id).values():
        for purpose in register.purposes:
            basis = purpose.basis
            assert _norm(purpose.name) in text
            assert plain.ART6[basis.art6] in text
            if basis.art6_detail:
                assert _norm(basis.art6_detail) in text
            if basis.art9 is not None:
                assert f"Article 9(2)({plain.ART9[basis.art9][0]})" in text
            for condition in (
                basis.art9_schedule1,
                *basis.art9_schedule1_also,
                basis.art10_schedule1,
                *basis.art10_schedule1_also,
            ):
                if condition is not None:
                    assert _norm(plain.schedule1(condition)) in text
            if basis.art10 is not None:
                assert _norm(plain.art10(basis) or "") in text
            if purpose.consent is not None:
                assert _norm(purpose.consent.how_to_withdraw).rstrip(".") in text
                assert plain.EFFECT[purpose.consent.effect] in text


@pytest.mark.parametrize("register_id", IDS)
def test_notice_names_every_recipient_and_transfer(register_id: str) -> None:
    register = REGISTERS[register_id]
    for text in _texts_of(register_id).values():
        for recipient in register.recipients:
            assert _norm(recipient.name) in text
            for transfer in recipient.transfers:
                assert _norm(transfer.country) in text
                assert transfer.safeguard is not None
                assert plain.SAFEGUARD[transfer.safeguard] in text
        assert "Information Commissioner" in text
        for category in register.categories:
            assert _norm(category.name) in text
        for source in register.sources:
            assert _norm(source.name) in text
        for organisation in register.organisations:
            if organisation.dpo is not None and organisation.dpo.email:
                assert organisation.dpo.email in text


def _section(text: str, title: str, next_title: str) -> str:
    return text.split(title, 1)[1].split(next_title, 1)[0]


def test_rights_follow_the_lawful_bases() -> None:
    hounslow = _texts_of("hounslow")[NoticeFormat.MD]
    portability = _section(hounslow, "The right to data portability", "The right to object")
    assert "Does not apply" in portability
    objection = _section(hounslow, "The right to object", "Rights about automated decisions")
    assert "Multi-Agency Risk Assessment Conference" in objection
    # a legal obligation, not a public task: no right to object
    assert "Trends and hotspot mapping" not in objection

    mopac = _texts_of("mopac")[NoticeFormat.MD]
    portability = _section(mopac, "The right to data portability", "The right to object")
    assert "Sending you our newsletter" in portability
    assert "Occupational health assessment" in portability  # contract
    assert "Answering Freedom of Information requests" not in portability
    withdraw = _section(mopac, "The right to withdraw consent", "How to complain")
    assert "opted-out list" in withdraw


def test_html_is_self_contained_and_accessible() -> None:
    page = render(build_notice(REGISTERS["lvws"]), NoticeFormat.HTML)
    assert page.startswith("<!DOCTYPE html>")
    assert '<html lang="en-GB">' in page
    assert "<script" not in page
    assert "<link" not in page
    assert "<main" in page
    assert 'class="skip"' in page
    assert page.count("<caption>") == page.count("<table>")
    assert '<th scope="col">' in page
    headings = re.findall(r"<h([1-6])", page)
    assert headings[0] == "1"
    assert all(int(b) - int(a) <= 1 for a, b in itertools.pairwise(headings))


def test_html_escapes_register_text() -> None:
    document = minimal()
    document["purposes"][0]["description"] = "<script>alert(1)</script> & more"
    register = _register(document)
    page = render(build_notice(register), NoticeFormat.HTML)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in page


def test_markdown_table_cells_cannot_break_rows() -> None:
    document = minimal()
    document["recipients"][2]["name"] = "Pipe | in the name"
    md = render(build_notice(_register(document)), NoticeFormat.MD)
    assert "Pipe \\| in the name" in md


def _register(document: dict[str, object]) -> Register:
    assert problems_of(document) == []
    return parse(document, BAD_FILE)
