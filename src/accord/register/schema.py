"""Typed model of a processing register (one YAML file per organisation or partnership).

Structure is checked here by pydantic; the lawfulness and completeness rules that span several
parts of a register (Art 9 conditions, Schedule 1, references, retention, transfers) live in
`accord.register.validate`, which reports the file, the path inside it and the rule broken.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Protocol, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from accord.register.errors import NotInRegisters
from accord.register.period import Period
from accord.register.report_schema import DisclosureControl, ReportDefinition


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# --- organisations and services -------------------------------------------------------------


class OrgRole(StrEnum):
    CONTROLLER = "controller"
    JOINT_CONTROLLER = "joint_controller"
    PROCESSOR = "processor"
    COMMISSIONER = "commissioner"  # receives anonymous data only
    RECIPIENT = "recipient"  # a third party that receives data under a sharing rule
    SOURCE = "source"  # provides data (e.g. referrals, census tables) and receives none


class Contact(Model):
    name: str | None = None
    email: str | None = None
    phone: str | None = None
    address: str | None = None
    web: str | None = None


class Organisation(Model):
    id: str
    name: str
    role: OrgRole
    public_authority: bool = False
    ico_registration: str | None = None
    dpo: Contact | None = None
    contact: Contact | None = None
    # processor: the controller it acts for
    controller: str | None = None
    # joint controller: the arrangement between the joint controllers (Art 26)
    joint_arrangement: str | None = None
    description: str | None = None


class Service(Model):
    id: str
    name: str
    organisation: str
    kind: str  # e.g. adult_da_support, children_young_people, restorative_justice, marac
    description: str | None = None


# --- people, data and purposes -------------------------------------------------------------


class DataSubjectType(Model):
    id: str
    name: str
    description: str | None = None


class CategoryKind(StrEnum):
    ORDINARY = "ordinary"
    SPECIAL = "special"  # Art 9(1)
    CRIMINAL_OFFENCE = "criminal_offence"  # Art 10


class SpecialType(StrEnum):
    """The Art 9(1) list."""

    RACIAL_ETHNIC_ORIGIN = "racial_ethnic_origin"
    POLITICAL_OPINIONS = "political_opinions"
    RELIGIOUS_PHILOSOPHICAL_BELIEFS = "religious_philosophical_beliefs"
    TRADE_UNION_MEMBERSHIP = "trade_union_membership"
    GENETIC = "genetic"
    BIOMETRIC = "biometric"
    HEALTH = "health"
    SEX_LIFE_SEXUAL_ORIENTATION = "sex_life_sexual_orientation"


class DataCategory(Model):
    id: str
    name: str
    kind: CategoryKind = CategoryKind.ORDINARY
    special_type: SpecialType | None = None
    # Identifies a person on its own or with little else (name, contact, crime number...):
    # stored encrypted per data subject and never shown to anonymous-only roles.
    identifying: bool = False
    description: str | None = None


class Source(Model):
    id: str
    name: str
    description: str | None = None


class Art6(StrEnum):
    CONSENT = "consent"  # 6(1)(a)
    CONTRACT = "contract"  # 6(1)(b)
    LEGAL_OBLIGATION = "legal_obligation"  # 6(1)(c)
    VITAL_INTERESTS = "vital_interests"  # 6(1)(d)
    PUBLIC_TASK = "public_task"  # 6(1)(e)
    LEGITIMATE_INTERESTS = "legitimate_interests"  # 6(1)(f)


class Art9(StrEnum):
    EXPLICIT_CONSENT = "explicit_consent"  # 9(2)(a)
    EMPLOYMENT_SOCIAL_SECURITY = "employment_social_security"  # 9(2)(b)
    VITAL_INTERESTS = "vital_interests"  # 9(2)(c)
    NOT_FOR_PROFIT_BODY = "not_for_profit_body"  # 9(2)(d)
    MADE_PUBLIC = "made_public"  # 9(2)(e)
    LEGAL_CLAIMS = "legal_claims"  # 9(2)(f)
    SUBSTANTIAL_PUBLIC_INTEREST = "substantial_public_interest"  # 9(2)(g)
    HEALTH_SOCIAL_CARE = "health_social_care"  # 9(2)(h)
    PUBLIC_HEALTH = "public_health"  # 9(2)(i)
    ARCHIVING_RESEARCH_STATISTICS = "archiving_research_statistics"  # 9(2)(j)


class Art10(StrEnum):
    OFFICIAL_AUTHORITY = "official_authority"
    SCHEDULE_1 = "schedule_1"  # a DPA 2018 Schedule 1 condition, named in `schedule1`


class Schedule1Condition(Model):
    """A DPA 2018 Schedule 1 condition, e.g. part 2, paragraph 6 (statutory purposes)."""

    part: int = Field(ge=1, le=3)
    paragraph: int = Field(ge=1)
    name: str


class WithdrawalEffect(StrEnum):
    STOP_PROCESSING = "stop_processing"
    DELETE_RECORD = "delete_record"  # e.g. the Cambridgeshire hub: deleted immediately
    STOP_AND_EXCLUDE = "stop_and_exclude"  # excluded from every later extract
    OPT_OUT_LIST = "opt_out_list"  # kept on a suppression list, checked before any contact


class ConsentTerms(Model):
    how_to_withdraw: str
    effect: WithdrawalEffect = WithdrawalEffect.STOP_PROCESSING
    explicit: bool = False  # explicit consent (needed where it is the Art 9 condition)


class LawfulBasis(Model):
    art6: Art6
    art6_detail: str | None = None  # the law or task relied on
    art9: Art9 | None = None
    art9_schedule1: Schedule1Condition | None = None
    art10: Art10 | None = None
    art10_schedule1: Schedule1Condition | None = None
    # Further Schedule 1 conditions relied on as well as the main one (e.g. Hounslow names four).
    art9_schedule1_also: list[Schedule1Condition] = []
    art10_schedule1_also: list[Schedule1Condition] = []


class Purpose(Model):
    id: str
    name: str
    description: str
    basis: LawfulBasis
    official_function: bool = False  # an official function of a public authority
    consent: ConsentTerms | None = None
    # Data minimisation: the categories this purpose may see.
    categories: list[str]
    # Storage and legal claims are the only purposes that pass a restriction (Art 18).
    survives_restriction: bool = False


# --- record types and retention ------------------------------------------------------------


class Trigger(StrEnum):
    CREATED = "created"
    LAST_CONTACT = "last_contact"
    CASE_CLOSED = "case_closed"
    LAST_ACTION = "last_action"
    REFERRAL_NOT_TAKEN_UP = "referral_not_taken_up"
    REQUEST_CLOSED = "request_closed"
    CONSENT_WITHDRAWN = "consent_withdrawn"
    APPLICATION_DECIDED = "application_decided"
    UNSUBSCRIBED = "unsubscribed"
    MEETING_HELD = "meeting_held"
    RECORD_DATE = "record_date"  # the date the data describes (e.g. a partner's event date)


class DisposalAction(StrEnum):
    DELETE = "delete"
    ANONYMISE = "anonymise"
    REVIEW = "review"  # a person decides


class RetentionRule(Model):
    trigger: Trigger
    period: Period | None = None  # None only with `indefinite`
    indefinite: bool = False  # e.g. an opted-out list kept so people are never contacted again
    action: DisposalAction
    source: str  # rationale or legal source, e.g. "Limitation Act 1980 s2"
    note: str | None = None


class AccessRules(Model):
    """The permissions (any one of which will do) each action on a record type needs.

    An action left out is refused to everyone. `extends` starts from a named profile and
    replaces only the actions given here. The action names are the gate's actions.
    """

    # Dumped as the register names it (`list`), so a dumped register reads back the same.
    model_config = ConfigDict(extra="forbid", frozen=True, serialize_by_alias=True)

    extends: str | None = None
    read: list[str] | None = None
    list_: list[str] | None = Field(default=None, alias="list")
    create: list[str] | None = None
    update: list[str] | None = None
    delete: list[str] | None = None
    disclose: list[str] | None = None
    export: list[str] | None = None
    aggregate: list[str] | None = None  # statistics: never carries identifying categories


class AccessProfile(AccessRules):
    """Access rules shared by several record types (`access: <id>` on each)."""

    id: str
    description: str | None = None


class RecordType(Model):
    id: str
    name: str
    service: str | None = None
    categories: list[str]
    purposes: list[str]
    data_subjects: list[str]
    sources: list[str] = []
    retention: RetentionRule | None = None  # required: validate reports its absence clearly
    personal_data: bool = True  # e.g. crime statistics hold no personal data
    # A named access profile or the rules inline; required: validate reports its absence.
    access: str | AccessRules | None = None
    # {stored field: category} where this register's ids differ from casework's defaults
    # (e.g. ethnicity -> racial-ethnic-origin); each category must be one the record type holds.
    fields: dict[str, str] = {}
    # {timeline entry kind: category of its details}, likewise (e.g. feedback -> service-feedback).
    events: dict[str, str] = {}
    # Where records of this type are kept when accord keeps none of them (e.g. a processor's
    # own system); accord's retention runs leave their disposal to that system.
    kept_elsewhere: str | None = None
    # The statistics an `anonymise` rule keeps, generalised (age -> age band, crime_type,
    # outcome); everything else about the person goes.
    statistical: list[str] = []


# --- recipients, transfers, sharing and routing --------------------------------------------


class Safeguard(StrEnum):
    ADEQUACY = "adequacy"  # UK adequacy regulations
    UK_ADDENDUM = "uk_addendum"  # UK Addendum to the EU SCCs
    IDTA = "idta"  # International Data Transfer Agreement
    BCR = "bcr"  # binding corporate rules


class Transfer(Model):
    country: str
    safeguard: Safeguard | None = None  # required for any country outside the UK
    detail: str | None = None


class Recipient(Model):
    id: str
    name: str
    kind: str = "recipient"  # recipient | processor | joint_controller | commissioner
    organisation: str | None = None
    purposes: list[str] = []
    categories: list[str] = []
    identifying: bool = True  # False: anonymous or aggregate data only
    hosting_location: str = "UK"
    transfers: list[Transfer] = []
    description: str | None = None


class SharingKind(StrEnum):
    REFERRAL_WITH_CONSENT = "referral_with_consent"
    DISCLOSURE_RISK_OF_HARM = "disclosure_risk_of_harm"  # without consent, risk recorded
    JOINT_CONTROLLERS = "joint_controllers"
    ANONYMOUS_STATISTICS = "anonymous_statistics"
    LEGAL_REQUIREMENT = "legal_requirement"
    PROCESSOR = "processor"
    PARTNER_ROUTING = "partner_routing"  # between providers of one service (e.g. LVWS routing)
    WITH_CONSENT = "with_consent"  # any other disclosure made only while a consent stands
    STATUTORY_GATEWAY = "statutory_gateway"  # a power in law, e.g. Crime and Disorder Act s115


class SharingRule(Model):
    id: str
    kind: SharingKind
    from_organisations: list[str]
    recipients: list[str]
    purposes: list[str] = []
    consent_purpose: str | None = None  # the consent that must be given (referral_with_consent)
    requires_risk_of_harm: bool = False
    requires_approver: bool = False
    identifying: bool = True
    description: str


class RouteCondition(Model):
    age_under: int | None = None
    age_at_least: int | None = None
    requested_service: str | None = None  # e.g. restorative_justice
    case_types: list[str] = []  # e.g. [adult, domestic_abuse]


class RoutingRule(Model):
    id: str
    when: RouteCondition
    to_service: str
    rationale: str
    priority: int = 100  # lower first


# --- roles, statements, rights -------------------------------------------------------------


class Role(Model):
    id: str
    name: str
    organisation: str | None = None  # None: any organisation in the register
    purposes: list[str] = []
    permissions: list[str] = []  # names from accord.gate's catalogue, scope:resource:action
    anonymous_only: bool = False  # can never receive an identifying field
    caseload: str = "own"  # own | team | organisation | none


class Statements(Model):
    automated_decisions: str  # "none" or how a human always decides
    data_matching: str | None = None
    profiling: str | None = None
    review_cycle: str | None = None
    review_every: Period | None = None
    complaints: str = (
        "You can complain to the Information Commissioner's Office (ICO), Wycliffe House, "
        "Water Lane, Wilmslow, Cheshire SK9 5AF, telephone 0303 123 1113, ico.org.uk/make-a-complaint."
    )
    updates: str | None = None
    security: str | None = None  # technical and organisational measures (ROPA, notice)
    disclosure_policy: str | None = None  # e.g. "decided case by case, only what is necessary"


class RightNote(Model):
    """Register-specific conditions or exemptions for one data-subject right."""

    right: str  # access, rectification, erasure, restriction, portability, objection, ...
    note: str


# --- feeds (partner datasets) --------------------------------------------------------------


class FieldRole(StrEnum):
    IDENTIFIER = "identifier"  # split off and kept encrypted, for matching only
    ATTRIBUTE = "attribute"  # kept against a pseudonymous key in the analytical store
    KEY = "key"  # the partner's record key


class FeedField(Model):
    name: str
    type: str  # string | integer | number | date | boolean | code
    required: bool = False
    role: FieldRole = FieldRole.ATTRIBUTE
    categories: list[str] = []
    codes: list[str] = []  # allowed values when type is code
    # Identifier fields: the matching column they feed (first_name, surname, dob, postcode,
    # address, phone, email); the partner's own field names differ from system to system.
    match_as: str | None = None
    description: str | None = None


class Delivery(StrEnum):
    SNAPSHOT = "snapshot"
    DELTA = "delta"


class FeedContract(Model):
    partner: str  # organisation id
    dataset: str
    description: str | None = None
    key: str  # field holding the partner's record key
    delivery: Delivery
    cadence: Period
    purpose: str
    lookback: Period | None = None
    date_field: str | None = None  # the field the lookback window is measured on
    delete_field: str | None = None  # delta rows with this field true are deletions
    personal_data: bool = True  # e.g. census-area attributes describe places, not people
    fields: list[FeedField]


# --- the register --------------------------------------------------------------------------


class Register(Model):
    id: str
    title: str
    version: str
    effective_from: date
    summary: str
    organisations: list[Organisation]
    services: list[Service] = []
    data_subjects: list[DataSubjectType]
    categories: list[DataCategory]
    sources: list[Source] = []
    purposes: list[Purpose]
    access_profiles: list[AccessProfile] = []
    record_types: list[RecordType]
    recipients: list[Recipient] = []
    sharing: list[SharingRule] = []
    routing: list[RoutingRule] = []
    roles: list[Role] = []
    statements: Statements
    rights: list[RightNote] = []
    feeds: list[FeedContract] = []
    # Reports the partners agreed, and the disclosure control every one passes (the floor).
    disclosure_control: DisclosureControl = DisclosureControl()
    reports: list[ReportDefinition] = []

    # Lookups by id; validate guarantees ids are unique and references resolve.
    def organisation(self, org_id: str) -> Organisation:
        return _by_id(self.organisations, org_id, "organisation")

    def service(self, service_id: str) -> Service:
        return _by_id(self.services, service_id, "service")

    def category(self, category_id: str) -> DataCategory:
        return _by_id(self.categories, category_id, "category")

    def purpose(self, purpose_id: str) -> Purpose:
        return _by_id(self.purposes, purpose_id, "purpose")

    def record_type(self, record_type_id: str) -> RecordType:
        return _by_id(self.record_types, record_type_id, "record type")

    def recipient(self, recipient_id: str) -> Recipient:
        return _by_id(self.recipients, recipient_id, "recipient")

    def role(self, role_id: str) -> Role:
        return _by_id(self.roles, role_id, "role")


class _HasId(Protocol):
    @property
    def id(self) -> str: ...


_T = TypeVar("_T", bound=_HasId)


def _by_id(items: list[_T], item_id: str, what: str) -> _T:
    for item in items:
        if item.id == item_id:
            return item
    raise NotInRegisters(what, item_id)
