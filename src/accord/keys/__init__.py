"""Key management: master-key keyrings, the separate data-key keystore, keyed blind indexes."""
