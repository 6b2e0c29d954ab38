"""The gate: every read or write of personal data passes here (policy decision + audit)."""
