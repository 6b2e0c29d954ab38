"""Backup and restore of the case database, keystore and analytical store (kept apart)."""
