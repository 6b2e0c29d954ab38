"""The date of birth alone is a blind index kind: intake adds it, a search through the gate
finds people by it, intake matching never proposes a match on it alone, and people indexed
before it existed get it from `accord cases reindex` (`cases.reindex`)."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from accord.cases import caseload
from accord.cases.models import MatchProposal
from accord.cases.reindex import reindex, reindex_batch
from accord.people import service as people
from accord.people.models import SubjectIndex
from accord.referrals.matching import index_values
from cases.lvws import refer
from factories.actors import actor


def _born(session: Session, born: str) -> list[uuid.UUID]:
    return people.find_subjects(session, register="lvws", kind="date_of_birth", value=born)


def test_intake_indexes_the_date_of_birth_and_search_finds_it(session: Session) -> None:
    accepted = refer(session, person__date_of_birth="1961-07-30")
    assert accepted.subject_id in _born(session, "30/07/1961")
    manager = actor("lvws", "team-manager", "victim-support", teams=("intake",))
    found = caseload.search(
        session,
        actor=manager,
        query=caseload.Search(date_of_birth=date(1961, 7, 30)),
    )
    assert accepted.case_id in {r.id for r in found.rows}


def test_a_shared_date_of_birth_alone_proposes_no_match(session: Session) -> None:
    refer(
        session,
        person__given_name="Olwen",
        person__family_name="Treharne",
        person__date_of_birth="1958-11-03",
        person__phone="07700 900611",
        person__email="olwen@example.org",
    )
    second = refer(
        session,
        person__given_name="Piotr",
        person__family_name="Zielinski",
        person__date_of_birth="1958-11-03",
        person__phone="07700 900612",
        person__email="piotr@example.org",
        person__postcode="N1 9GU",
    )
    assert second.match_proposals == 0
    assert (
        session.scalar(select(MatchProposal).where(MatchProposal.case_id == second.case_id)) is None
    )


def test_people_indexed_before_the_kind_existed_get_it_from_the_reindex(session: Session) -> None:
    accepted = refer(session, person__date_of_birth="1949-01-17")
    session.execute(
        delete(SubjectIndex).where(
            SubjectIndex.subject_id == accepted.subject_id, SubjectIndex.kind == "date_of_birth"
        )
    )
    assert accepted.subject_id not in _born(session, "1949-01-17")
    last, done = reindex_batch(session, values_of=index_values, limit=100_000)
    assert last is not None
    assert done.added >= 1
    assert accepted.subject_id in _born(session, "1949-01-17")
    # Run again: nothing left to add for them.
    _, again = reindex_batch(session, values_of=index_values, limit=100_000)
    assert again.added == 0


def test_the_reindex_runs_in_batches_until_nobody_lacks_the_index(session: Session) -> None:
    subjects = [
        refer(session, person__date_of_birth="1990-05-0" + str(n)).subject_id for n in (1, 2, 3)
    ]
    session.execute(
        delete(SubjectIndex).where(
            SubjectIndex.subject_id.in_(subjects), SubjectIndex.kind == "date_of_birth"
        )
    )
    seen: list[int] = []
    done = reindex(
        lambda: _Nested(session),  # type: ignore[arg-type,return-value]
        values_of=index_values,
        batch=1,
        progress=lambda d: seen.append(d.people),
    )
    assert done.added >= 3
    assert seen == sorted(seen)
    for n, subject_id in zip((1, 2, 3), subjects, strict=True):
        assert subject_id in _born(session, f"1990-05-0{n}")


class _Nested:
    """The test's one session standing in for a session factory (commits become flushes)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def __enter__(self) -> _Nested:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def __getattr__(self, name: str) -> object:
        return getattr(self.session, name)

    def commit(self) -> None:
        self.session.flush()
