"""Retention enforced: what falls due under the register's rules, disposal with holds and certificates."""
