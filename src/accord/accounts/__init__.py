"""Accounts: people, roles, sign-in (password, TOTP, OIDC), sessions and API tokens."""
