"""Enquiries by phone, email, live chat and web form, each its own record type."""
