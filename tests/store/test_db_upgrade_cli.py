"""`accord db upgrade` readies every database accord keeps: the case database's schema, and
the keystore and erasure log, saying so for each."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import inspect
from typer.testing import CliRunner

from accord.cli import app
from accord.settings import get_settings
from accord.store.engine import make_engine


def test_upgrade_migrates_the_case_database_and_creates_the_key_databases(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    case, keys, erasures = (tmp_path / name for name in ("case.db", "keys.db", "erasures.db"))
    monkeypatch.setenv("ACCORD_ENVIRONMENT", "development")
    monkeypatch.setenv("ACCORD_DATABASE_URL", f"sqlite:///{case}")
    monkeypatch.setenv("ACCORD_KEYSTORE_URL", f"sqlite:///{keys}")
    monkeypatch.setenv("ACCORD_ERASURE_LOG_URL", f"sqlite:///{erasures}")
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["db", "upgrade"], env={"COLUMNS": "200"})
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    said = result.output.replace("\n", "")  # a narrow terminal breaks the long paths
    assert "case database schema up to date" in said
    assert f"keystore ready (sqlite:///{keys})" in said
    assert f"erasure log ready (sqlite:///{erasures})" in said
    for path, table in ((case, "cases"), (keys, "data_keys"), (erasures, "key_erasures")):
        engine = make_engine(f"sqlite:///{path}")
        try:
            assert table in inspect(engine).get_table_names(), (path, table)
        finally:
            engine.dispose()
