"""The register's feed contracts are the ones the generator writes to, and they make sense."""

from __future__ import annotations

from datetime import date

from accord.feeds.contracts import get_contract, lookback_cutoff
from accord.register.registry import Registry
from accord.synthetic.tvt import ALL_FEEDS


def test_register_contracts_equal_the_generators(tvt_registry: Registry) -> None:
    assert list(tvt_registry.get("tvt").feeds) == list(ALL_FEEDS)


def test_every_identifier_maps_to_a_matching_column(tvt_registry: Registry) -> None:
    columns = {"first_name", "surname", "dob", "postcode", "address", "phone", "email"}
    for contract in tvt_registry.get("tvt").feeds:
        for field in contract.fields:
            if field.role.value == "identifier":
                assert field.match_as in columns, (contract.dataset, field.name)
        assert contract.personal_data == any(f.match_as for f in contract.fields)


def test_lookback_is_six_years_back() -> None:
    police = get_contract("tvt", "thames-valley-police", "crime-events")
    assert lookback_cutoff(police, date(2026, 11, 23)) == date(2020, 11, 23)
    assert lookback_cutoff(get_contract("tvt", "ons", "census-areas"), date(2026, 1, 1)) is None
