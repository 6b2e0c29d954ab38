"""What reports contributes: its tables."""

from accord.domains import Manifest

MANIFEST = Manifest(name="reports", models="accord.reports.models")
