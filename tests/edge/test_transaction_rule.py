"""The request's one transaction (accord.deps): a route that returns has its writes committed
before the answer is sent; a route that raises has them rolled back, and its error is
answered in the one shape."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import APIRouter, FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, event, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from accord.deps import DbSession
from accord.errors import Conflict
from accord.store.engine import make_session_factory
from accord.web import errors as web_errors

router = APIRouter()


def _refuse(session: Session) -> None:
    raise OperationalError("COMMIT", {}, Exception("the store went away"))


@router.post("/notes/{word}")
def write(word: str, session: DbSession) -> dict[str, str]:
    session.execute(text("INSERT INTO notes (word) VALUES (:word)"), {"word": word})
    if word == "clash":
        raise Conflict("this note clashes", field="word")
    if word == "doomed":  # the store refuses the commit (a lost connection, a constraint)
        event.listen(session, "before_commit", _refuse, once=True)
    return {"written": word}


@pytest.fixture
def small_app(tmp_path: Path) -> Iterator[FastAPI]:
    engine = create_engine(f"sqlite:///{tmp_path / 'notes.db'}")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE notes (word TEXT UNIQUE)"))
    app = FastAPI()
    app.state.session_factory = make_session_factory(engine)
    app.include_router(router)
    web_errors.install(app)
    yield app
    engine.dispose()


def _words(app: FastAPI) -> list[str]:
    with app.state.session_factory() as session:
        return list(session.scalars(text("SELECT word FROM notes ORDER BY word")))


def test_a_route_that_returns_has_its_writes_committed(small_app: FastAPI) -> None:
    with TestClient(small_app) as client:
        assert client.post("/notes/kept").status_code == 200
    assert _words(small_app) == ["kept"]


def test_a_route_that_raises_writes_nothing_and_answers_in_shape(small_app: FastAPI) -> None:
    with TestClient(small_app) as client:
        answer = client.post("/notes/clash")
    assert answer.status_code == 409
    assert answer.json() == {"detail": {"message": "this note clashes", "field": "word"}}
    assert _words(small_app) == []


def test_a_commit_that_fails_is_not_answered_as_success(small_app: FastAPI) -> None:
    with TestClient(small_app, raise_server_exceptions=False) as client:
        answer = client.post("/notes/doomed")
    assert answer.status_code == 500
    assert _words(small_app) == []
