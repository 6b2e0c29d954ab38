"""Retention in words: a rule as the register gives it and as a run recorded it on a
certificate read the same, for every trigger; actions and outcomes never show their codes."""

from __future__ import annotations

import pytest

from accord.register.schema import DisposalAction, RetentionRule, Trigger
from accord.retention import words
from accord.retention.run import rule_text


@pytest.mark.parametrize("trigger", list(Trigger))
def test_a_certificates_rule_reads_as_the_registers(trigger: Trigger) -> None:
    rule = RetentionRule.model_validate(
        {"trigger": trigger, "period": "6 years", "action": "delete", "source": "a test"}
    )
    said = words.rule_words(rule)
    assert said.startswith("Kept 6 years after ")
    assert "_" not in said
    assert words.stored_rule_words(rule_text(rule)) == said


def test_one_of_a_period_is_singular_and_no_end_date_is_said_so() -> None:
    yearly = RetentionRule.model_validate(
        {"trigger": "case_closed", "period": "1 year", "action": "review", "source": "a test"}
    )
    assert words.rule_words(yearly) == "Kept 1 year after the case closed"
    forever = RetentionRule.model_validate(
        {"trigger": "unsubscribed", "indefinite": True, "action": "delete", "source": "a test"}
    )
    assert words.rule_words(forever) == words.stored_rule_words(rule_text(forever))
    assert words.rule_words(None) == words.stored_rule_words(rule_text(None))


def test_actions_and_outcomes_in_words() -> None:
    assert [words.action_words(a.value) for a in DisposalAction] == [
        "deleted",
        "anonymised",
        "put to a person to review",
    ]
    assert words.outcome_words("queued") == "Put to a person to review"
    assert words.outcome_words("held") == "Kept: under a legal hold"
    # every outcome a store's sweep records has words of its own, not its code
    for outcome in ("analytical-rows", "working-sets", "not-anonymised"):
        assert words.outcome_words(outcome) in words.OUTCOMES.values()
    assert words.record_page("panel-cases", "x") == "/panels/cases/x"
    assert words.record_page("enquiries", "x") is None
