"""What reports contributes."""

from accord.domains import Manifest

MANIFEST = Manifest(name="reports")
