"""Partner feeds: contracts, ingest (validate, quarantine, split), the encrypted identifier
store and the lookback sweep. Attributes go to the analytical store (`accord.analytics`)."""
