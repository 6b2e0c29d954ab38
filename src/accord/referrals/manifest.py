"""What referrals contribute: the referrals API, the public referral form, `accord referrals`."""

from accord.domains import Command, Manifest

MANIFEST = Manifest(
    name="referrals",
    routers=("accord.referrals.api", "accord.referrals.pages"),
    commands=(Command("accord.referrals.cli", "referrals"),),
)
