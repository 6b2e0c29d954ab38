"""Every validation rule refuses a register broken in exactly that way, naming file and path."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from accord.register.errors import RegisterError
from accord.register.load import load_file

from .fixture import BAD_FILE, minimal, problems_of

Doc = dict[str, Any]


def test_the_fixture_is_lawful() -> None:
    assert problems_of(minimal()) == []


def _set(path: str, value: Any) -> Callable[[Doc], None]:
    """A mutation setting `a.b[2].c` to value (None deletes an optional field's value)."""

    def mutate(doc: Doc) -> None:
        target: Any = doc
        parts = path.replace("]", "").replace("[", ".").split(".")
        for part in parts[:-1]:
            target = target[int(part)] if part.isdigit() else target[part]
        last = parts[-1]
        if isinstance(target, list):
            target[int(last)] = value
        else:
            target[last] = value

    return mutate


def _append(path: str, value: Any) -> Callable[[Doc], None]:
    def mutate(doc: Doc) -> None:
        target: Any = doc
        for part in path.replace("]", "").replace("[", ".").split("."):
            target = target[int(part)] if part.isdigit() else target[part]
        target.append(value)

    return mutate


def _both(*mutations: Callable[[Doc], None]) -> Callable[[Doc], None]:
    def mutate(doc: Doc) -> None:
        for m in mutations:
            m(doc)

    return mutate


_FEED: dict[str, Any] = {
    "partner": "ctl",
    "dataset": "events",
    "key": "ref",
    "delivery": "snapshot",
    "cadence": "7 days",
    "purpose": "support",
    "fields": [{"name": "ref", "type": "string", "role": "key", "categories": ["name"]}],
}

CASES: list[tuple[str, Callable[[Doc], None], str, str]] = [
    # special category data without an Art 9 condition: on the purpose, and on the record type
    ("purpose special no art9", _both(_set("purposes[0].basis.art9", None), _set("purposes[0].basis.art9_schedule1", None)),
     "art9-condition-required", "purposes[0].basis.art9"),
    ("record type special no art9", _both(_set("purposes[0].basis.art9", None), _set("purposes[0].basis.art9_schedule1", None)),
     "art9-condition-required", "record_types[0].categories[1]"),
    ("record type special, no purpose uses it", _set("purposes[0].categories", ["name", "offence"]),
     "art9-condition-required", "record_types[0].categories[1]"),
    # Schedule 1 conditions
    ("art9 g no schedule 1", _set("purposes[0].basis.art9_schedule1", None),
     "schedule1-condition-required", "purposes[0].basis.art9_schedule1"),
    ("art9 h wrong part", _set("purposes[0].basis.art9", "health_social_care"),
     "schedule1-condition-mismatch", "purposes[0].basis.art9_schedule1"),
    ("art10 schedule 1 unnamed", _set("purposes[0].basis.art10", "schedule_1"),
     "schedule1-condition-required", "purposes[0].basis.art10_schedule1"),
    # criminal offence data without an Art 10 basis
    ("purpose criminal no art10", _set("purposes[0].basis.art10", None),
     "art10-basis-required", "purposes[0].basis.art10"),
    ("record type criminal no art10", _set("purposes[0].basis.art10", None),
     "art10-basis-required", "record_types[0].categories[2]"),
    # legitimate interests for an official function
    ("legitimate interests official function", _set("purposes[0].basis.art6", "legitimate_interests"),
     "legitimate-interests-official-function", "purposes[0].basis.art6"),
    # retention
    ("no retention", _set("record_types[0].retention", None), "retention-required", "record_types[0].retention"),
    ("no period", _set("record_types[0].retention.period", None),
     "retention-period-required", "record_types[0].retention.period"),
    ("period and indefinite", _set("record_types[0].retention.indefinite", True),
     "retention-period-conflict", "record_types[0].retention.indefinite"),
    # transfers outside the UK
    ("transfer no safeguard", _set("recipients[0].transfers[0].safeguard", None),
     "transfer-safeguard-required", "recipients[0].transfers[0].safeguard"),
    ("hosted abroad, no transfer recorded", _set("recipients[0].transfers", []),
     "transfer-safeguard-required", "recipients[0].hosting_location"),
    # consent
    ("consent without withdrawal", _set("purposes[1].consent", None), "consent-withdrawal-required", "purposes[1].consent"),
    ("consent with blank withdrawal", _set("purposes[1].consent.how_to_withdraw", "  "),
     "consent-withdrawal-required", "purposes[1].consent"),
    ("explicit consent without withdrawal",
     _both(_set("purposes[0].basis.art9", "explicit_consent"), _set("purposes[0].basis.art9_schedule1", None)),
     "consent-withdrawal-required", "purposes[0].consent"),
    ("explicit consent not marked explicit",
     _both(_set("purposes[0].basis.art9", "explicit_consent"), _set("purposes[0].basis.art9_schedule1", None),
           _set("purposes[0].consent", {"how_to_withdraw": "Call us."})),
     "explicit-consent-required", "purposes[0].consent.explicit"),
    # references
    ("unknown organisation", _set("services[0].organisation", "nobody"), "unknown-organisation", "services[0].organisation"),
    ("unknown category", _set("purposes[0].categories[0]", "shoe-size"), "unknown-category", "purposes[0].categories[0]"),
    ("unknown purpose", _set("record_types[0].purposes[1]", "marketing"), "unknown-purpose", "record_types[0].purposes[1]"),
    ("unknown service", _set("record_types[0].service", "nothing"), "unknown-service", "record_types[0].service"),
    ("unknown recipient", _set("sharing[0].recipients[0]", "somebody"), "unknown-recipient", "sharing[0].recipients[0]"),
    ("unknown data subject", _set("record_types[0].data_subjects[0]", "alien"), "unknown-data-subject", "record_types[0].data_subjects[0]"),
    ("unknown source", _set("record_types[0].sources[0]", "rumour"), "unknown-source", "record_types[0].sources[0]"),
    ("unknown routing service", _set("routing[0].to_service", "elsewhere"), "unknown-service", "routing[0].to_service"),
    ("unknown role purpose", _set("roles[0].purposes[0]", "snooping"), "unknown-purpose", "roles[0].purposes[0]"),
    ("unknown consent purpose", _set("sharing[1].consent_purpose", "nothing"), "unknown-purpose", "sharing[1].consent_purpose"),
    # duplicates, roles and permissions
    ("duplicate purpose", lambda d: d["purposes"].append(dict(d["purposes"][1])), "duplicate-id", "purposes[2].id"),
    ("duplicate role", lambda d: d["roles"].append(dict(d["roles"][0])), "duplicate-id", "roles[1].id"),
    ("unknown permission", _append("roles[0].permissions", "case:everything:read"), "unknown-permission", "roles[0].permissions[1]"),
    ("anonymous role reading identifying data",
     _both(_set("roles[0].anonymous_only", True), _append("roles[0].permissions", "reports:identifying:read")),
     "anonymous-role-identifying", "roles[0].permissions[1]"),
    ("consent terms on a public task", _set("purposes[0].consent", {"how_to_withdraw": "Call us."}),
     "consent-terms-without-consent", "purposes[0].consent"),
    ("feed key not a field", lambda d: d.update(feeds=[_FEED | {"key": "missing"}]), "unknown-feed-field", "feeds[0].key"),
    ("feed partner unknown", lambda d: d.update(feeds=[_FEED | {"partner": "nobody"}]), "unknown-organisation", "feeds[0].partner"),
    ("feed field category unknown",
     lambda d: d.update(feeds=[_FEED | {"fields": [{"name": "ref", "type": "string", "role": "key", "categories": ["shoe-size"]}]}]),
     "unknown-category", "feeds[0].fields[0].categories[0]"),
    ("invalid caseload", _set("roles[0].caseload", "everyone"), "invalid-caseload", "roles[0].caseload"),
    # processors and joint controllers
    ("processor without controller", _set("organisations[1].controller", None),
     "processor-controller-required", "organisations[1].controller"),
    ("processor of a non-controller", _set("organisations[1].controller", "comm"),
     "processor-controller-required", "organisations[1].controller"),
    ("joint controller without arrangement", _set("organisations[2].joint_arrangement", None),
     "joint-arrangement-required", "organisations[2].joint_arrangement"),
    # sharing
    ("anonymous statistics marked identifying", _set("sharing[0].identifying", True),
     "anonymous-sharing-identifying", "sharing[0].identifying"),
    ("commissioner outside consent", _both(_set("sharing[0].identifying", True), _set("sharing[0].kind", "legal_requirement")),
     "commissioner-anonymous-only", "sharing[0].recipients[0]"),
    ("consent sharing without consent purpose", _set("sharing[1].consent_purpose", None),
     "sharing-consent-required", "sharing[1].consent_purpose"),
    ("consent sharing naming a non-consent purpose", _set("sharing[1].consent_purpose", "support"),
     "sharing-consent-required", "sharing[1].consent_purpose"),
    ("risk of harm not required", _set("sharing[0].kind", "disclosure_risk_of_harm"),
     "risk-of-harm-required", "sharing[0].requires_risk_of_harm"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("mutate", "rule", "path"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_each_rule_refuses_its_bad_register(
    mutate: Callable[[Doc], None], rule: str, path: str
) -> None:
    document = minimal()
    mutate(document)
    problems = problems_of(document)
    found = [(p.rule, p.path) for p in problems]
    assert (rule, path) in found, f"expected {rule} at {path}, got {found}"
    problem = next(p for p in problems if (p.rule, p.path) == (rule, path))
    assert problem.file == BAD_FILE
    assert rule in str(problem)
    assert path in str(problem)
    assert problem.message


@pytest.mark.parametrize("art9", ["employment_social_security", "substantial_public_interest", "health_social_care", "public_health", "archiving_research_statistics"])  # fmt: skip
def test_art9_conditions_that_need_schedule_1(art9: str) -> None:
    document = minimal()
    document["purposes"][0]["basis"].update(art9=art9, art9_schedule1=None)
    assert ("schedule1-condition-required", "purposes[0].basis.art9_schedule1") in [
        (p.rule, p.path) for p in problems_of(document)
    ]


@pytest.mark.parametrize(
    "art9", ["explicit_consent", "vital_interests", "legal_claims", "made_public"]
)
def test_art9_conditions_that_stand_alone(art9: str) -> None:
    document = minimal()
    document["purposes"][0]["basis"].update(art9=art9, art9_schedule1=None)
    document["purposes"][0]["consent"] = {"how_to_withdraw": "Call us.", "explicit": True}
    assert [p for p in problems_of(document) if p.rule.startswith("schedule1")] == []


def test_a_valid_feed_passes() -> None:
    document = minimal()
    document["feeds"] = [_FEED]
    assert problems_of(document) == []


def test_record_type_without_personal_data_needs_no_retention() -> None:
    document = minimal()
    document["record_types"][0].update(retention=None, personal_data=False)
    assert problems_of(document) == []


def test_indefinite_retention_is_lawful_without_a_period() -> None:
    document = minimal()
    document["record_types"][0]["retention"].update(period=None, indefinite=True, action="review")
    assert problems_of(document) == []


def test_legitimate_interests_outside_official_functions_is_allowed() -> None:
    document = minimal()
    document["purposes"][0].update(official_function=False)
    document["purposes"][0]["basis"]["art6"] = "legitimate_interests"
    assert problems_of(document) == []


def test_every_problem_is_reported_at_once() -> None:
    document = minimal()
    document["record_types"][0]["retention"] = None
    document["roles"][0]["permissions"] = ["nope:nope:nope"]
    document["services"][0]["organisation"] = "nobody"
    rules = {p.rule for p in problems_of(document)}
    assert {"retention-required", "unknown-permission", "unknown-organisation"} <= rules


def test_a_file_that_breaks_the_schema_names_the_field(tmp_path: Any) -> None:
    import yaml

    document = minimal()
    document["purposes"][0]["basis"]["art6"] = "because"
    file = tmp_path / "broken.yaml"
    file.write_text(yaml.safe_dump(document), encoding="utf-8")
    with pytest.raises(RegisterError) as caught:
        load_file(file)
    [problem] = caught.value.problems
    assert problem.file == file
    assert problem.rule == "schema"
    assert problem.path == "purposes[0].basis.art6"
