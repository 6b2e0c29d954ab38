"""`accord restore` (defined beside `accord backup` in accord.backup.cli)."""

from __future__ import annotations

from accord.backup.cli import restore_app as app

__all__ = ["app"]
