"""The permission catalogue, named scope:resource:action.

Roles in the register list these names; `accord.register.validate` and the gate refuse unknown
ones. Add a member here when a domain needs a new permission, never a bare string elsewhere.
"""

from __future__ import annotations

from enum import StrEnum


class Permission(StrEnum):
    # casework
    CASE_REFERRAL_CREATE = "case:referral:create"
    CASE_REFERRAL_READ = "case:referral:read"
    CASE_CASE_READ = "case:case:read"
    CASE_CASE_LIST = "case:case:list"
    CASE_CASE_UPDATE = "case:case:update"
    CASE_CASE_CLOSE = "case:case:close"
    CASE_CASE_ROUTE = "case:case:route"
    CASE_ENQUIRY_CREATE = "case:enquiry:create"
    CASE_ENQUIRY_READ = "case:enquiry:read"
    CASE_COMPLAINT_CREATE = "case:complaint:create"
    CASE_COMPLAINT_READ = "case:complaint:read"
    CASE_SUBJECT_MATCH = "case:subject:match"
    # panels
    PANEL_MEETING_MANAGE = "panel:meeting:manage"
    PANEL_CASE_READ = "panel:case:read"
    PANEL_CASE_UPDATE = "panel:case:update"
    PANEL_ACTION_UPDATE = "panel:action:update"
    # consent and disclosures
    CONSENT_RECORD_CREATE = "consent:record:create"
    CONSENT_RECORD_READ = "consent:record:read"
    DISCLOSURE_REQUEST_CREATE = "disclosure:request:create"
    DISCLOSURE_REQUEST_APPROVE = "disclosure:request:approve"
    DISCLOSURE_LOG_READ = "disclosure:log:read"
    # access outside a caseload
    ACCESS_OUTSIDE_CASELOAD_REQUEST = "access:outside-caseload:request"
    ACCESS_REVIEW_READ = "access:review:read"
    ACCESS_REVIEW_DECIDE = "access:review:decide"
    # rights, retention, audit, register
    RIGHTS_REQUEST_MANAGE = "rights:request:manage"
    RIGHTS_REQUEST_CREATE = "rights:request:create"  # make a request (the public form)
    RETENTION_RUN_EXECUTE = "retention:run:execute"
    AUDIT_TRAIL_READ = "audit:trail:read"
    AUDIT_TRAIL_VERIFY = "audit:trail:verify"
    AUDIT_HISTORY_READ = "audit:history:read"
    REGISTER_REGISTER_READ = "register:register:read"
    REGISTER_REGISTER_MANAGE = "register:register:manage"
    # accounts
    ACCOUNTS_USER_MANAGE = "accounts:user:manage"
    ACCOUNTS_TOKEN_MANAGE = "accounts:token:manage"  # noqa: S105 (a permission name, not a secret)
    KEYS_MASTER_ROTATE = "keys:master:rotate"
    # partner data and linkage
    FEEDS_BATCH_INGEST = "feeds:batch:ingest"
    FEEDS_STATUS_READ = "feeds:status:read"
    LINKAGE_IDENTIFIERS_READ = "linkage:identifiers:read"
    LINKAGE_RUN_EXECUTE = "linkage:run:execute"
    LINKAGE_REVIEW_DECIDE = "linkage:review:decide"
    # reports and statistics
    REPORTS_AGGREGATE_READ = "reports:aggregate:read"
    REPORTS_IDENTIFYING_READ = "reports:identifying:read"
    STATS_AGGREGATE_READ = "stats:aggregate:read"
    REPORTS_RUN_EXECUTE = "reports:run:execute"  # produce a report the partners agreed
    REPORTS_DEFINITION_APPROVE = "reports:definition:approve"  # a partner's approval
    REPORTS_OUTPUT_CHECK = "reports:output:check"  # release an output held for review
