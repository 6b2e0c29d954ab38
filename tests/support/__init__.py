"""Helpers shared by tests of several domains."""
