"""Agreed reports: definitions approved by the partners, statistical disclosure control, releases."""
