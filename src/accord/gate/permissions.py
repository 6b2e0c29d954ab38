"""Which permission each (record type, action) needs.

The mapping lives here, not with callers, so no caller can pick a weaker permission than the
record needs: a caller may only add a further requirement (`authorize(..., permission=...)`).
A record type or action missing from this table is refused (fail closed) until mapped here.
"""

from __future__ import annotations

from collections.abc import Mapping

from accord.gate import catalogue, types

# Short names keep the table readable.
P = catalogue.Permission
A = types.Action

# Each (record type, action) lists the permissions any one of which will do: a retention job,
# an erasure and a caseworker closing a case all delete, under different permissions.
_Row = Mapping[A, tuple[P, ...]]

_DELETE = (P.CASE_CASE_CLOSE, P.RETENTION_RUN_EXECUTE, P.RIGHTS_REQUEST_MANAGE)
_DISCLOSE = (P.DISCLOSURE_REQUEST_CREATE, P.DISCLOSURE_REQUEST_APPROVE)
_EXPORT = (P.RIGHTS_REQUEST_MANAGE, *_DISCLOSE)
# Statistics over a record type: counts never carry identifying categories (see policy).
_AGGREGATE = (P.STATS_AGGREGATE_READ, P.REPORTS_AGGREGATE_READ)

# Casework record types: referrals become cases; enquiries and complaints are lighter records.
_CASEWORK: _Row = {
    A.READ: (P.CASE_CASE_READ,),
    A.LIST: (P.CASE_CASE_LIST,),
    A.CREATE: (P.CASE_CASE_UPDATE,),
    A.UPDATE: (P.CASE_CASE_UPDATE,),
    A.DELETE: _DELETE,
    A.DISCLOSE: _DISCLOSE,
    A.EXPORT: _EXPORT,
    A.AGGREGATE: _AGGREGATE,
}
_REFERRAL: _Row = {
    **_CASEWORK,
    A.READ: (P.CASE_REFERRAL_READ,),
    A.LIST: (P.CASE_REFERRAL_READ,),
    A.CREATE: (P.CASE_REFERRAL_CREATE,),
}
_ENQUIRY: _Row = {
    **_CASEWORK,
    A.READ: (P.CASE_ENQUIRY_READ,),
    A.LIST: (P.CASE_ENQUIRY_READ,),
    A.CREATE: (P.CASE_ENQUIRY_CREATE,),
    A.UPDATE: (P.CASE_ENQUIRY_CREATE,),
}
_COMPLAINT: _Row = {
    **_CASEWORK,
    A.READ: (P.CASE_COMPLAINT_READ,),
    A.LIST: (P.CASE_COMPLAINT_READ,),
    A.CREATE: (P.CASE_COMPLAINT_CREATE,),
    A.UPDATE: (P.CASE_COMPLAINT_CREATE,),
}
_PANEL: _Row = {
    **_CASEWORK,
    A.READ: (P.PANEL_CASE_READ,),
    A.LIST: (P.PANEL_CASE_READ,),
    A.CREATE: (P.PANEL_CASE_UPDATE,),
    A.UPDATE: (P.PANEL_CASE_UPDATE,),
}
# Information rights and corporate records (MOPAC): handled by the information rights unit.
_RIGHTS: _Row = {
    A.READ: (P.RIGHTS_REQUEST_MANAGE,),
    A.LIST: (P.RIGHTS_REQUEST_MANAGE,),
    A.CREATE: (P.RIGHTS_REQUEST_MANAGE,),
    A.UPDATE: (P.RIGHTS_REQUEST_MANAGE,),
    A.DELETE: (P.RETENTION_RUN_EXECUTE, P.RIGHTS_REQUEST_MANAGE),
    A.DISCLOSE: _DISCLOSE,
    A.EXPORT: _EXPORT,
    A.AGGREGATE: _AGGREGATE,
}
# Partner data for matching: identifiers are for the matching team only.
_PARTNER: _Row = {
    A.READ: (P.LINKAGE_IDENTIFIERS_READ,),
    A.LIST: (P.LINKAGE_IDENTIFIERS_READ,),
    A.CREATE: (P.FEEDS_BATCH_INGEST,),
    A.UPDATE: (P.FEEDS_BATCH_INGEST,),
    A.DELETE: (P.RETENTION_RUN_EXECUTE, P.FEEDS_BATCH_INGEST),
    A.EXPORT: (P.LINKAGE_RUN_EXECUTE,),
    A.AGGREGATE: _AGGREGATE,
}
_REPORT_IDENTIFYING: _Row = {
    A.READ: (P.REPORTS_IDENTIFYING_READ,),
    A.LIST: (P.REPORTS_IDENTIFYING_READ,),
    A.CREATE: (P.LINKAGE_RUN_EXECUTE,),
    A.DELETE: (P.RETENTION_RUN_EXECUTE,),
    A.EXPORT: (P.REPORTS_IDENTIFYING_READ,),
}
_REPORT_AGGREGATE: _Row = {
    A.READ: (P.REPORTS_AGGREGATE_READ,),
    A.LIST: (P.REPORTS_AGGREGATE_READ,),
    A.EXPORT: (P.REPORTS_AGGREGATE_READ,),
    A.AGGREGATE: _AGGREGATE,
    A.CREATE: (P.LINKAGE_RUN_EXECUTE,),
    A.DELETE: (P.RETENTION_RUN_EXECUTE,),
}
_STATISTICS: _Row = {
    A.READ: (P.STATS_AGGREGATE_READ,),
    A.LIST: (P.STATS_AGGREGATE_READ,),
    A.EXPORT: (P.STATS_AGGREGATE_READ,),
    A.AGGREGATE: _AGGREGATE,
    A.CREATE: (P.FEEDS_BATCH_INGEST,),
    A.UPDATE: (P.FEEDS_BATCH_INGEST,),
    A.DELETE: (P.RETENTION_RUN_EXECUTE,),
}

# Record type ids are shared across registers (a `case` is casework wherever it appears).
REQUIRED: Mapping[str, _Row] = {
    "referral": _REFERRAL,
    "case": _CASEWORK,
    "rj-case": _CASEWORK,
    "dsv-outreach-case": _CASEWORK,
    "fgm-case": _CASEWORK,
    "live-chat": _ENQUIRY,
    "web-enquiry": _ENQUIRY,
    "phone-enquiry": _ENQUIRY,
    "email-enquiry": _ENQUIRY,
    "correspondence": _ENQUIRY,
    "complaint": _COMPLAINT,
    "marac-case": _PANEL,
    "crp-case": _PANEL,
    "iom-case": _PANEL,
    "foi-request": _RIGHTS,
    "rights-request": _RIGHTS,
    "photo-video": _RIGHTS,
    "applicant-unsuccessful": _RIGHTS,
    "applicant-merit-list": _RIGHTS,
    "volunteer-application": _RIGHTS,
    "survey-cohort": _RIGHTS,
    "survey-response": _RIGHTS,
    "evaluation-record": _RIGHTS,
    "event-registration": _RIGHTS,
    "partner-contact": _RIGHTS,
    "social-media-dm": _RIGHTS,
    "newsletter-subscriber": _RIGHTS,
    "newsletter-opt-out": _RIGHTS,
    "partner-record": _PARTNER,
    "linked-person": _PARTNER,
    "report-identifying": _REPORT_IDENTIFYING,
    "report-aggregate": _REPORT_AGGREGATE,
    "crime-statistics": _STATISTICS,
}


def required_permissions(record_type: str, action: A) -> tuple[P, ...]:
    """The permissions (any one) `action` on `record_type` needs; empty when unmapped (refused)."""
    row = REQUIRED.get(record_type)
    return () if row is None else row.get(action, ())
