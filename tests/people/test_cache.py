"""The per-process data-key cache: bounded, expiring, dropped on erase."""

from __future__ import annotations

import uuid

import pytest

from accord.people.cache import DataKeyCache


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_least_recently_used_key_goes_first() -> None:
    cache = DataKeyCache(maxsize=2)
    a, b, c = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    cache.put(a, b"a")
    cache.put(b, b"b")
    assert cache.get(a) == b"a"  # a is now more recent than b
    cache.put(c, b"c")
    assert len(cache) == 2
    assert cache.get(b) is None
    assert (cache.get(a), cache.get(c)) == (b"a", b"c")


def test_keys_expire_after_ttl() -> None:
    clock = Clock()
    cache = DataKeyCache(ttl=60, clock=clock)
    subject = uuid.uuid4()
    cache.put(subject, b"k")
    clock.now += 59
    assert cache.get(subject) == b"k"
    clock.now += 2
    assert cache.get(subject) is None
    assert len(cache) == 0


def test_drop_and_clear() -> None:
    cache = DataKeyCache()
    a, b = uuid.uuid4(), uuid.uuid4()
    cache.put(a, b"a")
    cache.put(b, b"b")
    cache.drop(a)
    cache.drop(uuid.uuid4())  # dropping an absent key is fine
    assert cache.get(a) is None
    cache.clear()
    assert cache.get(b) is None


def test_size_must_be_positive() -> None:
    with pytest.raises(ValueError, match="maxsize"):
        DataKeyCache(maxsize=0)
