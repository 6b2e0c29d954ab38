"""The migration branches are those docs/architecture.md describes, each shaped as it says."""

from __future__ import annotations

import re
from pathlib import Path

from alembic.script import ScriptDirectory

from accord.store import migrate

ARCHITECTURE = Path(__file__).resolve().parents[2] / "docs" / "architecture.md"


def _scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(migrate.alembic_config("sqlite://"))


def _documented_labels() -> set[str]:
    text = ARCHITECTURE.read_text()
    paragraph = text[text.index("- Migrations:") :].split("\n- ", 1)[0]
    listed = paragraph[paragraph.index("The branches are") : paragraph.index("A new domain")]
    return set(re.findall(r"`([a-z_]+)`", listed))


def test_each_branch_starts_on_the_foundation_with_one_label() -> None:
    labels: set[str] = set()
    for script in _scripts().walk_revisions():
        if script.revision == "0001":
            continue
        # The module's own labels (alembic's Script also carries those of its ancestors).
        own = set(getattr(script.module, "branch_labels", None) or ())
        if script.down_revision == "0001":
            assert len(own) == 1, f"{script.revision}: one branch label"
            labels |= own
        else:
            assert not own, f"{script.revision} continues a branch: no label"
            assert isinstance(script.down_revision, str), f"{script.revision}: one parent"
    assert labels == _documented_labels()


def test_every_branch_has_one_head() -> None:
    heads = _scripts().get_heads()
    assert len(heads) == len(_documented_labels())
