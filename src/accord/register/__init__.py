"""The processing register: the single source of policy (schema, loading, validation, notices)."""
