"""Casework: cases and their timeline (contacts, needs, support, closure) and complaints."""
