"""What jobs contributes."""

from accord.domains import Manifest

MANIFEST = Manifest(name="jobs")
