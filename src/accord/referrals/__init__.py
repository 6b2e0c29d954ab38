"""Intake: police referrals (API and bulk file), self-referral, match proposals and routing."""
