"""The analytical engine a report runs on: the store's file (under its writer lock, since
disclosure control materialises working tables) for partner data, else one in memory."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from accord.analytics.engine import AnalyticsEngine
from accord.register.report_checks import PARTNER_PREFIX
from accord.register.report_schema import ReportDefinition
from accord.settings import Settings


@contextmanager
def report_engine(settings: Settings, report: ReportDefinition) -> Iterator[AnalyticsEngine]:
    from accord.analytics.duckdb_engine import DuckDBEngine
    from accord.analytics.lock import writer_lock

    if not report.source.startswith(PARTNER_PREFIX):
        engine = DuckDBEngine(":memory:")
        try:
            yield engine
        finally:
            engine.close()
        return
    wait = settings.analytics_lock_wait_seconds
    with writer_lock(settings.analytics_path, wait=wait):
        stored = DuckDBEngine(settings.analytics_path, wait=wait)
        try:
            yield stored
        finally:
            stored.close()
