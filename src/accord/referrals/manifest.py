"""What referrals contribute: the referrals API, the public referral form, the staff intake
queue and routing pages, `accord referrals`."""

from accord.domains import Command, Manifest

MANIFEST = Manifest(
    name="referrals",
    routers=(
        "accord.referrals.api",
        "accord.referrals.pages",
        "accord.referrals.consent_pages",
        "accord.referrals.staff_pages",
    ),
    commands=(Command("accord.referrals.cli", "referrals"),),
)
