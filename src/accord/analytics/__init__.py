"""The analytical store: partner attributes against pseudonymous record ids.

DuckDB (an embedded file at settings.analytics_path) by default; Spark for partnerships that
outgrow one machine. One pipeline (`engine.AnalyticsEngine`), small per-engine hooks.
"""
