"""Oversight pages for a data protection officer: access outside caseloads to review, and the
audit trail to search and check."""
