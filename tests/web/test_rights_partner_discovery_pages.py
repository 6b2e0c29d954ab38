"""A Thames Valley Together partner's rights officer sees the partner records found for a
requester, with why each was found, in Chromium, checked with axe."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import Engine, delete, select
from sqlalchemy.orm import Session

from accord.accounts.models import User
from accord.feeds.models import FeedIdentity
from accord.linkage.models import LinkageRun, PersonId
from accord.rights import discovery
from factories.actors import actor
from factories.registers import using
from rights.test_partner_discovery import GIVEN, TVP, _partners, _request
from support.axe import assert_accessible

from .test_sign_in import sign_in

pytestmark = pytest.mark.browser

LINKED = "Found by the partners' record matching, which joined it to a record that matched."


def test_a_partners_officer_sees_the_partner_records_found_and_why(
    page: Any, make_user: Callable[..., User], engine: Engine
) -> None:
    ids = {k: uuid.uuid4().hex for k in ("jane", "jayne", "john", "phoned", "care")}
    with using("tvt"), Session(engine) as session:
        _partners(session, ids)
        dpo = actor("tvt", "dpo", TVP)
        request_id = _request(session, dpo)
        search = discovery.discover(
            session, actor=dpo, register="tvt", identifiers=GIVEN, request_id=request_id
        )
        session.commit()
    try:
        officer = make_user(organisation=TVP, roles=(("tvt", "dpo"),), name="Tom Officer")
        page.goto(f"/rights/discovery/{search.id}")
        sign_in(page, officer.email)
        text = page.inner_text("main")
        assert text.count("Partner record supplied to TVT") == 3
        assert "Found by email address; name and date of birth; postcode." in text
        assert LINKED in text
        assert_accessible(page)
    finally:  # partner records stay no longer than the test: other tests count them
        with Session(engine) as session:
            held = list(ids.values())
            runs = session.scalars(select(PersonId.run_id).where(PersonId.record_id.in_(held)))
            run_ids = set(runs)
            session.execute(delete(PersonId).where(PersonId.record_id.in_(held)))
            session.execute(delete(LinkageRun).where(LinkageRun.id.in_(run_ids)))
            session.execute(delete(FeedIdentity).where(FeedIdentity.record_id.in_(held)))
            session.commit()
