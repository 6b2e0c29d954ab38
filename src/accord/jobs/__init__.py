"""Recurring jobs: a job table with leases, run by `accord jobs run` under cron or a systemd timer."""
