"""Test factories, one module per domain, that build what production builds the way it does.

- `registers`: a shipped register (optionally with overrides), a registry, `using(...)`.
- `actors`: a person or token holding a role of a register, made by `accounts.actor`.
- `people`: a data subject with sealed details and blind indexes.
- `cases`: a police referral payload and a referred person and case (through intake).
- `panels`: a community safety case opened from a referral form, meetings, shared actions.
- `consent`: a consent statement in the ledger, citing the register's notice.
"""
