"""A record type's field and timeline mappings name only categories the record type holds."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from accord.register.errors import RegisterError
from accord.register.load import load_file
from register.fixture import BAD_FILE, minimal, problems_of


def test_mappings_to_held_categories_pass() -> None:
    document = minimal()
    document["record_types"][0]["fields"] = {"given_name": "name", "disability": "health"}
    document["record_types"][0]["events"] = {"needs-assessment": "health"}
    assert problems_of(document) == []


@pytest.mark.parametrize(
    ("key", "name", "what"),
    [("fields", "ethnicity", "field"), ("events", "feedback", "entry")],
)
def test_a_mapping_to_a_category_the_record_type_does_not_hold_is_refused(
    key: str, name: str, what: str
) -> None:
    document = minimal()
    # `offence` is a category of the register (and of a purpose) but not of this record type.
    document["record_types"][0]["categories"] = ["name", "health"]
    document["record_types"][0][key] = {name: "offence"}
    problems = problems_of(document)
    assert [(p.file, p.path, p.rule) for p in problems] == [
        (BAD_FILE, f"record_types[0].{key}.{name}", "field-category-not-held")
    ]
    assert f"{what} {name!r}" in problems[0].message
    assert "'offence'" in problems[0].message


def test_a_file_with_a_bad_mapping_is_refused_when_loaded(tmp_path: Path) -> None:
    document = minimal()
    document["record_types"][0]["fields"] = {"phone": "contact-details"}
    file = tmp_path / "mini.yaml"
    file.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    with pytest.raises(RegisterError) as refused:
        load_file(file)
    assert [(p.file, p.path, p.rule) for p in refused.value.problems] == [
        (file, "record_types[0].fields.phone", "field-category-not-held")
    ]
