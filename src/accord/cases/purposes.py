"""The register purposes, record types and categories casework acts under (LVWS ids).

Kept in one place so a register that names them differently is a one-file change.
"""

from __future__ import annotations

# purposes
CASEWORK = "victim-support"  # support and casework
INTAKE = "victim-support"  # receiving a referral into the service
REFERRAL_CONSENT = "referral-to-provider"  # the consent the police record at referral
ROUTING = "referral-to-provider"  # passing a referral to the provider that will support
REFERRAL_ON = "referral-on"  # to specialist services, with consent
EQUALITY = "equality-monitoring"
COMPLAINTS = "complaints"
ENQUIRIES = "enquiries"

# record types
REFERRAL = "referral"
CASE = "case"
RJ_CASE = "rj-case"
COMPLAINT = "complaint"
ENQUIRY_TYPES = {
    "phone": "phone-enquiry",
    "email": "email-enquiry",
    "live-chat": "live-chat",
    "web": "web-enquiry",
}

# The team that picks up new referrals in each organisation (accounts teams are per
# organisation, so every provider has its own `intake` team).
INTAKE_TEAM = "intake"

# Data categories each stored field belongs to (minimisation filters on these).
IDENTITY_CATEGORIES: dict[str, str] = {
    "given_name": "name",
    "family_name": "name",
    "date_of_birth": "date-of-birth",
    "gender": "gender",
    "phone": "contact-details",
    "email": "contact-details",
    "address": "contact-details",
    "postcode": "contact-details",
    "crime_number": "crime-number",
    "crime_date": "crime-details",
    "crime_time": "crime-details",
    "description": "crime-details",
}
CLEAR_CATEGORIES: dict[str, str] = {
    "crime_type": "crime-details",
    "domestic_abuse": "crime-details",
    "age": "age",
    "vulnerable": "vulnerability",
}
EQUALITY_CATEGORIES: dict[str, str] = {
    "disability": "disability",
    "ethnicity": "ethnicity",
    "religion": "religion",
}
# Timeline entries: the category their sealed details hold. Administrative entries (routing,
# contact attempts, closure) carry none: whoever may read the case may read them.
EVENT_CATEGORIES: dict[str, str] = {
    "needs-assessment": "support-needs",
    "vulnerability": "vulnerability",
    "note": "support-needs",
    "support": "support-needs",
    "referral-on": "support-needs",
    "translation": "support-needs",
    "feedback": "service-outcomes",
}
