"""The register purposes, record types and categories casework acts under (LVWS ids).

Kept in one place so a register that names them differently is a one-file change; the
categories of stored fields come from the register where it names its own.
"""

from __future__ import annotations

from accord.register.schema import RecordType, Register

# purposes
CASEWORK = "victim-support"  # support and casework
INTAKE = "victim-support"  # receiving a referral into the service
REFERRAL_CONSENT = "referral-to-provider"  # the consent the police record at referral
ROUTING = "referral-to-provider"  # passing a referral to the provider that will support
REFERRAL_ON = "referral-on"  # to specialist services, with consent
EQUALITY = "equality-monitoring"
COMPLAINTS = "complaints"
ENQUIRIES = "enquiries"
# A team's cases in outline (name, reference, status, next contact) for its caseworkers,
# where the register grants it; the full case stays with their own caseload.
TEAM_CASELOAD = "team-caseload"

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

# The category each stored field belongs to (minimisation filters on these), as LVWS names
# them. A record type's `fields` in the register overrides them one field at a time, since the
# ids differ between registers (one register's `contact-details` is another's `telephone`).
DEFAULT_FIELDS: dict[str, str] = {
    # sealed identity
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
    # in clear
    "crime_type": "crime-details",
    "domestic_abuse": "crime-details",
    "age": "age",
    "vulnerable": "vulnerability",
    # equality monitoring, sealed apart
    "disability": "disability",
    "ethnicity": "ethnicity",
    "religion": "religion",
}
IDENTITY_FIELDS = frozenset(
    {
        "given_name",
        "family_name",
        "date_of_birth",
        "gender",
        "phone",
        "email",
        "address",
        "postcode",
        "crime_number",
        "crime_date",
        "crime_time",
        "description",
    }
)
EQUALITY_FIELDS = ("disability", "ethnicity", "religion")
# A register that lists the address as a category of its own holds the address (and the
# postcode) under it unless its record type says otherwise.
ADDRESS_FIELDS = frozenset({"address", "postcode"})

# Timeline entries: the category their sealed details hold. Administrative entries (routing,
# contact attempts, closure) carry none: whoever may read the case may read them. A record
# type's `events` in the register overrides them one kind at a time.
DEFAULT_EVENTS: dict[str, str] = {
    "needs-assessment": "support-needs",
    "vulnerability": "vulnerability",
    "note": "support-needs",
    "support": "support-needs",
    "referral-on": "support-needs",
    "translation": "support-needs",
    "feedback": "service-outcomes",
}


def _record_type(register: Register, record_type: str) -> RecordType | None:
    return next((rt for rt in register.record_types if rt.id == record_type), None)


def field_categories(register: Register, record_type: str) -> dict[str, str]:
    """{stored field: category} for `record_type` of `register`: the defaults, with the
    register's own ids where its record type declares them. A field mapped to a category the
    record type does not hold is refused by the gate (and never shown)."""
    mapping = dict(DEFAULT_FIELDS)
    if any(c.id == "address" for c in register.categories):
        mapping.update(dict.fromkeys(ADDRESS_FIELDS, "address"))
    rt = _record_type(register, record_type)
    if rt is not None:
        mapping.update(rt.fields)
    return mapping


def event_categories(register: Register, record_type: str) -> dict[str, str]:
    """{timeline entry kind: category of its details} for `record_type` of `register`."""
    rt = _record_type(register, record_type)
    return {**DEFAULT_EVENTS, **(rt.events if rt is not None else {})}
