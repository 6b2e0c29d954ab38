"""What rights contributes."""

from accord.domains import Manifest

MANIFEST = Manifest(name="rights", models="accord.rights.models")
