"""The partnership analyst's partner data pages in Chromium: deliveries and counts per feed,
and the rows set aside with the reasons (field names only, never the values)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from accord.accounts.models import User
from accord.feeds.contracts import get_contract
from accord.feeds.ingest import ingest_file
from factories.actors import actor
from support.axe import assert_accessible

from .conftest import LiveServer
from .test_sign_in import sign_in

pytestmark = pytest.mark.browser
CRIME_FIELDS = (
    "crime_ref,forename,surname,date_of_birth,address,postcode,phone,email,event_date,"
    "offence_group,involvement,knife_involved,lsoa,deleted"
)


def deliver(engine: Engine, live_server: LiveServer, tmp_path: Path) -> str:
    """A police delivery of three rows, one with a date of birth in the future."""
    contract = get_contract("tvt", "thames-valley-police", "crime-events")
    names = [f.name for f in contract.fields]
    assert ",".join(names) == CRIME_FIELDS
    tag = uuid.uuid4().hex[:6]
    lines = [
        CRIME_FIELDS,
        f"{tag}-1,Alex,Taylor,1999-04-02,12 Cowley Road,OX4 1HP,07700900001,,2025-06-01,robbery,victim,false,E01028500,false",
        f"{tag}-2,Sam,Reid,2999-01-01,4 Iffley Road,OX4 1EA,,,2025-06-02,robbery,victim,false,E01028501,false",
        f"{tag}-3,Jo,Khan,1988-02-03,9 High Street,OX1 4AA,,,2025-06-03,robbery,witness,false,E01028502,false",
    ]
    path = tmp_path / f"police-{tag}.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with Session(engine) as session:
        ingest_file(
            session,
            actor=actor("tvt", "partner-feed", "thames-valley-police"),
            partner="thames-valley-police",
            dataset="crime-events",
            path=path,
            register="tvt",
            settings=live_server.app.state.settings,
            today=date(2026, 11, 30),
        )
        session.commit()
    return path.name


def test_analyst_sees_deliveries_and_why_rows_were_set_aside(
    page: Any,
    engine: Engine,
    live_server: LiveServer,
    make_user: Callable[..., User],
    tmp_path: Path,
) -> None:
    file_name = deliver(engine, live_server, tmp_path)
    analyst = make_user(
        organisation="thames-valley-police",
        roles=(("tvt", "partnership-analyst"),),
        name="Ana Lyst",
    )
    page.goto("/")
    sign_in(page, analyst.email)
    page.click("#sections a:has-text('Partner data')")
    feeds = page.inner_text("#feeds-tvt")
    assert "Thames Valley Police: crime events" in feeds
    assert "lookback" not in page.content().lower()
    assert_accessible(page)
    page.click("#feeds-tvt a:has-text('in the last delivery')")
    batch = page.locator("table", has_text=file_name)
    text = batch.inner_text()
    assert "1 of 3 rows set aside" in text
    assert "date_of_birth: in the future" in text
    assert "2999" not in page.content()  # the reason, never the value
    assert_accessible(page)
