"""Relational store: engine and session factories, the declarative base, migrations."""
