"""Report definitions and disclosure-control settings, as the register holds them.

A register's `disclosure_control` is both the default and the floor: a report may tighten any
setting (a higher minimum cell count, a coarser rounding base, a stricter dominance rule) and
never loosen one (`accord.register.report_checks` refuses it). A report names its purpose, its
source table, the record types it reads, its measures and breakdowns, who receives it, and
whether it is aggregate or identifying.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, model_validator


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Dominance(_Model):
    """Dominance rules for sum measures, as the secure research environments apply them:
    (n, k): the largest `n` contributors may not make up more than `k` of a cell's total;
    p%: what is left after the two largest must be at least `p` of the largest."""

    n: int = Field(default=2, ge=1)
    k: float = Field(default=0.9, gt=0, le=1)
    p: float = Field(default=0.1, ge=0, le=1)


class DisclosureControl(_Model):
    """The register's defaults, which are also its floor."""

    min_cell: int = Field(default=10, ge=1)  # fewest contributors a released cell may have
    # fewest for a table broken down by a special category (ethnicity, religion, sexual
    # orientation, disability, health)
    special_min_cell: int = Field(default=20, ge=1)
    rounding_base: int = Field(default=5, ge=1)  # released counts are rounded to this base
    zeros_disclosive: bool = False  # an empty cell tells something (e.g. "no one in area X")
    dominance: Dominance = Dominance()


class DisclosureOverrides(_Model):
    """A report's tightening of the register's settings; anything left out is inherited."""

    min_cell: int | None = Field(default=None, ge=1)
    special_min_cell: int | None = Field(default=None, ge=1)
    rounding_base: int | None = Field(default=None, ge=1)
    zeros_disclosive: bool | None = None
    dominance_n: int | None = Field(default=None, ge=1)
    dominance_k: float | None = Field(default=None, gt=0, le=1)
    dominance_p: float | None = Field(default=None, ge=0, le=1)


class MeasureKind(StrEnum):
    COUNT = "count"  # how many records (contributors) fall in the cell
    SUM = "sum"  # the total of a numeric or yes/no field; dominance rules apply


class Measure(_Model):
    id: str
    name: str
    kind: MeasureKind = MeasureKind.COUNT
    field: str | None = None  # required for a sum


class Period(StrEnum):
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"


class Breakdown(_Model):
    """One dimension of the table: a field as it is, banded (ages) or by period (dates)."""

    field: str
    label: str | None = None
    bands: list[int] = []  # age bands' lower bounds after the first, e.g. [18, 25, 35, 50, 65]
    period: Period | None = None  # for a date field


class ReportKind(StrEnum):
    AGGREGATE = "aggregate"
    IDENTIFYING = "identifying"
    EXTRACT = "extract"  # pseudonymised records for an evaluator, only of people who consented


class Unit(StrEnum):
    RECORD = "record"  # each record counts once
    PERSON = "person"  # partner records counted by the linked person they belong to


class LocationKind(StrEnum):
    AREA = "area"  # an area code (e.g. an LSOA): placed at the area's centre
    POSTCODE = "postcode"  # a postcode: placed at its district's centre


class MapOptions(_Model):
    """A hotspot map: the report's counts by H3 hexagon instead of by area. Each record is
    placed at its area's (or postcode district's) centre; a hexagon holding fewer than
    `min_addresses` distinct places (a lower bound on its distinct addresses) is merged into
    one "elsewhere" cell, and every cell then passes the report's disclosure control."""

    location: str  # the breakdown field holding the area code or postcode
    kind: LocationKind = LocationKind.AREA
    resolution: int = Field(default=6, ge=0, le=15)  # H3 resolution (6: about 36 km2)
    min_addresses: int = Field(default=5, ge=1)
    # south, west, north, east: where an area with no known centre is placed (deterministically
    # from its code; such positions are shown as illustrative)
    bounds: tuple[float, float, float, float] | None = None


class PostcodeLevel(StrEnum):
    """How much of a postcode an extract keeps: SW1A 1 (sector), SW1A (district), SW (area)."""

    SECTOR = "sector"
    DISTRICT = "district"
    AREA = "area"


class QuasiIdentifier(_Model):
    """A field that, with others, could single someone out, and how it is widened: each level
    is coarser than the one before; past the last level the value is withheld (`*`)."""

    field: str
    label: str | None = None
    bands: list[list[int]] = []  # a number: each level's bands' lower bounds, e.g. [[18, 25, 35]]
    postcode: list[PostcodeLevel] = []  # an area: each level's part of the postcode
    groups: list[dict[str, str]] = []  # a category: each level maps a value to a wider group


class ExtractSettings(_Model):
    """An evaluation extract: the fields carried for each person besides their pseudonym, the
    quasi-identifiers generalised until every combination is shared by at least `k` people,
    and the share of rows that may be withheld rather than widening a field further."""

    fields: list[str] = []
    quasi_identifiers: list[QuasiIdentifier] = []
    k: int = Field(default=5, ge=2)
    max_suppressed: float = Field(default=0.05, ge=0, le=1)
    # One pseudonym for a person's records at every service (through the keyed name and date
    # of birth index), only where the register shares the purpose from more than one provider.
    link_across_services: bool = False


class PriorityFactor(_Model):
    """One thing that may put a person on a priority list: a partner record whose `field`
    holds one of `values` (`true` for a yes/no field), named in the recipient's words."""

    id: str
    name: str
    source: str  # partner:<organisation>/<dataset>
    field: str
    values: list[str]


class PrioritySettings(_Model):
    """An identifying priority list: the impact assessment it rests on (required), how long a
    list may be opened, and the factors, at least `min_factors` of which put a person on it."""

    impact_assessment: str = Field(min_length=3)  # the DPIA's reference
    expires_after_days: int = Field(default=28, ge=1, le=183)
    min_factors: int = Field(default=2, ge=1)
    factors: list[PriorityFactor] = []


class ReportDefinition(_Model):
    id: str
    name: str
    description: str | None = None
    purpose: str
    # casework | panels | partner:<organisation>/<dataset>
    source: str
    record_types: list[str]
    kind: ReportKind = ReportKind.AGGREGATE
    # What a count counts, and what the threshold is measured in. `person` (partner sources):
    # the linked people, through the linkage's person ids (a record not linked is its own).
    unit: Unit = Unit.RECORD
    measures: list[Measure] = []  # aggregate reports: at least one
    breakdowns: list[Breakdown] = []  # aggregate reports: at least one
    recipients: list[str]  # register recipient ids
    roles: list[str]  # register role ids whose holders receive the released output
    disclosure_control: DisclosureOverrides = DisclosureOverrides()
    extract: ExtractSettings | None = None  # kind extract: required
    priority: PrioritySettings | None = None  # kind identifying: required
    map: MapOptions | None = None  # drawn as a hotspot map by hexagon

    @model_validator(mode="after")
    def _map_location(self) -> ReportDefinition:
        if self.map is not None and [b.field for b in self.breakdowns] != [self.map.location]:
            raise ValueError(
                f"map report {self.id!r}: its one breakdown is the map's location field "
                f"{self.map.location!r}"
            )
        return self
