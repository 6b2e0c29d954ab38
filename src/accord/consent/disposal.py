"""Consent events belong to the person: they go when nothing else of theirs remains (the
subject row's deletion cascades to them). The opted-out list keeps blind indexes only, under
an indefinite rule, so it never falls due."""

from __future__ import annotations

from accord.retention.declare import Dependent, present

DECLARATIONS = (
    Dependent(name="consent-events"),
    Dependent(
        name="opt-outs",
        record_types=lambda register: present(register, "newsletter-opt-out"),
    ),
)
