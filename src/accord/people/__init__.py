"""Data subjects: their encrypted fields, blind indexes, erasure and processing flags."""
