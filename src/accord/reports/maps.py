# SQL names come from the register (quoted by the dialect) and from engine inputs.
# ruff: noqa: S608
"""Hotspot maps: a report's counts by H3 hexagon, protected like any other table.

A map report (`map:` in its definition) has one breakdown, the field that says where a record
is: an area code (an LSOA) or a postcode. Each place is turned into a point deterministically:
the centre accord holds for it (`CENTRES`, empty until a partnership ships one), else a point
drawn from a hash of its code inside the register's `bounds` (shown as illustrative). Each
point falls in one H3 hexagon at the map's resolution.

Before disclosure control, a hexagon holding fewer than `min_addresses` distinct places is
merged into one "elsewhere" cell (with places that could not be placed at all): distinct area
codes or postcodes are a lower bound on distinct addresses, since an address lies in one of
each. The cells then pass the report's own disclosure control (`sdc.Protector`: threshold,
complementary suppression, rounding), so a released hexagon obeys the same rules as a released
table cell, and the run is recorded, released and checked for differencing as any report run.

Drawing: `svg` (server-rendered, each hexagon with a title naming its count, a legend and a
scale, no script) and `image` (matplotlib PNG or SVG, the same hexagons, legend and scale).
No basemap is fetched; nothing drawn names a person, an address or an area code.
"""

from __future__ import annotations

import hashlib
import html
import io
import math
import uuid
from dataclasses import dataclass, replace
from typing import Any, Literal

import pyarrow as pa  # type: ignore[import-untyped]

from accord.analytics.engine import AnalyticsEngine
from accord.register.report_schema import LocationKind, MapOptions
from accord.reports.models import ReportRun
from accord.reports.sdc import Dimension, Source

ELSEWHERE = "elsewhere"
ELSEWHERE_LABEL = "Elsewhere (hexagons with too few places, and places not on the map)"
HEX_COLUMN = "accord_hex"
# Known centres of places, by kind: {code: (latitude, longitude)}. Empty: no centroid table is
# shipped, so every place is placed from its code inside the register's bounds.
CENTRES: dict[LocationKind, dict[str, tuple[float, float]]] = {
    LocationKind.AREA: {},
    LocationKind.POSTCODE: {},
}
# Places without a known centre are put near one of this many towns within the bounds, at
# most this share of the bounds' size from it.
TOWNS = 8
TOWN_SPREAD = 0.08
# Sequential colours (light to dark), readable by people with colour-vision deficiencies.
COLOURS = ("#deebf7", "#9ecae1", "#6baed6", "#3182bd", "#08519c")
WITHHELD = "#bfc1c3"


# --- placing records ----------------------------------------------------------------------


def place_key(value: str, kind: LocationKind) -> str:
    """What a place is looked up by: an area's code, or a postcode's district (outward code)."""
    text = " ".join(value.upper().split())
    if kind is LocationKind.POSTCODE:
        compact = text.replace(" ", "")
        return compact[:-3] if len(compact) > 4 else compact
    return text


def point(value: str, options: MapOptions) -> tuple[float, float, bool] | None:
    """(latitude, longitude, illustrative) of a place, or None when it cannot be placed."""
    key = place_key(value, options.kind)
    known = CENTRES[options.kind].get(key)
    if known is not None:
        return known[0], known[1], False
    if options.bounds is None or not key:
        return None
    south, west, north, east = options.bounds
    digest = hashlib.sha256(f"{options.kind.value}:{key}".encode()).digest()
    # Near one of a few towns (points fixed by the bounds), as places cluster in towns.
    town = hashlib.sha256(f"town:{digest[0] % TOWNS}:{options.bounds}".encode()).digest()
    u = 0.1 + 0.8 * _unit(town[:8]) + TOWN_SPREAD * (_unit(digest[8:16]) - 0.5)
    v = 0.1 + 0.8 * _unit(town[8:16]) + TOWN_SPREAD * (_unit(digest[16:24]) - 0.5)
    return south + u * (north - south), west + v * (east - west), True


def _unit(data: bytes) -> float:
    return int.from_bytes(data, "big") / 2**64


@dataclass(frozen=True)
class Placement:
    hexes: dict[str, str]  # place value -> hexagon id or ELSEWHERE
    merged: int  # hexagons merged into "elsewhere" for too few places
    unplaced: int  # places with no point
    illustrative: bool  # some place was put by its code, not a known centre


def placements(values: list[str], options: MapOptions) -> Placement:
    import h3  # type: ignore[import-untyped]

    per_hex: dict[str, list[str]] = {}
    unplaced: list[str] = []
    illustrative = False
    for value in values:
        where = point(value, options)
        if where is None:
            unplaced.append(value)
            continue
        lat, lng, guessed = where
        illustrative = illustrative or guessed
        per_hex.setdefault(h3.latlng_to_cell(lat, lng, options.resolution), []).append(value)
    hexes = {value: ELSEWHERE for value in unplaced}
    merged = 0
    for cell, places in per_hex.items():
        # distinct places: a lower bound on distinct addresses
        thin = len({v.upper().replace(" ", "") for v in places}) < options.min_addresses
        merged += thin
        for value in places:
            hexes[value] = ELSEWHERE if thin else cell
    return Placement(hexes, merged, len(unplaced), illustrative)


def mapped(
    engine: AnalyticsEngine,
    source: Source,
    dimensions: list[Dimension],
    options: MapOptions,
    inputs: list[str],
) -> tuple[Source, list[Dimension], list[str]]:
    """The source with each row's hexagon, the location dimension drawn from it, and the notes
    saying what was merged and how places were put on the map."""
    q = engine.dialect.quote
    string = engine.dialect.sql_type("string")
    location = f"CAST(s.{q(options.location)} AS {string})"
    found = engine._fetch(
        f"SELECT DISTINCT {location} AS v FROM {source.table} s"
        f" WHERE {source.where} AND {location} IS NOT NULL"
    )
    values = [v for v in found.column("v").to_pylist() if v is not None]
    placed = placements(values, options)
    name = f"accord_map_{uuid.uuid4().hex}"
    engine._put_input(
        name,
        pa.table(
            {
                "v": pa.array(list(placed.hexes), pa.string()),
                "h": pa.array(list(placed.hexes.values()), pa.string()),
            }
        ),
    )
    inputs.append(name)
    hexed = q(HEX_COLUMN)
    table = (
        f"(SELECT r.*, COALESCE(m.h, '{ELSEWHERE}') AS {hexed} FROM {source.table} r"
        f" LEFT JOIN {name} m ON m.v = CAST(r.{q(options.location)} AS {string}))"
    )
    dims = [
        Dimension(name=d.name, sql=f"s.{hexed}", special=False) if d.name == options.location else d
        for d in dimensions
    ]
    notes = [
        f"Counted by hexagon of the map (H3 resolution {options.resolution}); a hexagon with "
        f"fewer than {options.min_addresses} distinct places is counted under "
        f'"elsewhere" ({placed.merged} hexagon{"s" if placed.merged != 1 else ""} merged).'
    ]
    if placed.unplaced:
        notes.append(f"{placed.unplaced} places could not be put on the map: counted elsewhere.")
    if placed.illustrative:
        notes.append(
            "Places without a known centre are put at a point worked out from their code "
            "within the partnership's area: their positions are illustrative."
        )
    return replace(source, table=table), dims, notes


# --- reading a map run ----------------------------------------------------------------------


@dataclass(frozen=True)
class Hexagon:
    cell: str
    count: float | None  # published (rounded); None when withheld
    boundary: list[tuple[float, float]]  # (latitude, longitude)
    centre: tuple[float, float]


@dataclass(frozen=True)
class MapView:
    title: str
    measure: str  # what is counted, e.g. "Crimes and incidents"
    hexagons: list[Hexagon]
    elsewhere: float | None  # the published "elsewhere" count, if any
    has_elsewhere: bool
    total: float
    notes: list[str]
    bins: list[tuple[float, float, str]]  # (from, to, colour)

    def colour(self, count: float | None) -> str:
        if count is None:
            return WITHHELD
        for low, high, colour in self.bins:
            if low <= count <= high:
                return colour
        return self.bins[-1][2] if self.bins else COLOURS[0]


def is_map(run: ReportRun) -> bool:
    return bool(run.scope.get("dimensions")) and str(
        run.scope["dimensions"][0].get("encoding", "")
    ).startswith("h3:")


def view(run: ReportRun, title: str) -> MapView:
    import h3

    out = run.output
    measure = out["measures"][0] if out["measures"] else ""
    label = out["labels"][1] if len(out["labels"]) > 1 else measure
    hexagons = []
    elsewhere: float | None = None
    has_elsewhere = False
    for row in out["rows"]:
        cell, count = str(row[0]), row[1]
        if cell == ELSEWHERE:
            elsewhere, has_elsewhere = count, True
            continue
        if not h3.is_valid_cell(cell):
            continue
        hexagons.append(
            Hexagon(
                cell=cell,
                count=count,
                boundary=[(lat, lng) for lat, lng in h3.cell_to_boundary(cell)],
                centre=h3.cell_to_latlng(cell),
            )
        )
    published = sorted({h.count for h in hexagons if h.count is not None})
    return MapView(
        title=title,
        measure=label,
        hexagons=hexagons,
        elsewhere=elsewhere,
        has_elsewhere=has_elsewhere,
        total=float(out["totals"].get(measure, 0) or 0),
        notes=list(run.notes),
        bins=_bins(published),
    )


def _bins(values: list[float]) -> list[tuple[float, float, str]]:
    """Up to five classes of equal count over the published values."""
    if not values:
        return []
    n = min(len(COLOURS), len(values))
    bins = []
    for i in range(n):
        part = values[i * len(values) // n : (i + 1) * len(values) // n]
        bins.append(
            (part[0], part[-1], COLOURS[i if n == len(COLOURS) else i * 4 // max(n - 1, 1)])
        )
    return bins


def place_name(h: Hexagon) -> str:
    lat, lng = h.centre
    return f"around {abs(lat):.2f}°{'N' if lat >= 0 else 'S'}, {abs(lng):.2f}°{'E' if lng >= 0 else 'W'}"


def describe(count: float | None) -> str:
    return "withheld [c]" if count is None else f"{count:g}"


# --- drawing -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Frame:
    """An equirectangular projection of the map's extent onto a width x height box."""

    south: float
    west: float
    north: float
    east: float
    width: float
    height: float

    @classmethod
    def around(cls, m: MapView, width: float = 640) -> _Frame:
        lats = [lat for h in m.hexagons for lat, _ in h.boundary] or [0.0]
        lngs = [lng for h in m.hexagons for _, lng in h.boundary] or [0.0]
        south, north, west, east = min(lats), max(lats), min(lngs), max(lngs)
        pad_lat = (north - south) * 0.05 or 0.05
        pad_lng = (east - west) * 0.05 or 0.05
        south, north, west, east = south - pad_lat, north + pad_lat, west - pad_lng, east + pad_lng
        scale = math.cos(math.radians((south + north) / 2))
        height = width * (north - south) / ((east - west) * scale)
        return cls(south, west, north, east, width, height)

    def xy(self, lat: float, lng: float) -> tuple[float, float]:
        x = (lng - self.west) / (self.east - self.west) * self.width
        y = (self.north - lat) / (self.north - self.south) * self.height
        return x, y

    def km_per_unit(self) -> float:
        mid = math.radians((self.south + self.north) / 2)
        return (self.east - self.west) * 111.32 * math.cos(mid) / self.width


def _scale_km(frame: _Frame) -> tuple[float, float]:
    """A round distance about a fifth of the map's width, and its length in drawing units."""
    target = frame.km_per_unit() * frame.width / 5
    step = 10 ** math.floor(math.log10(target)) if target > 0 else 1
    km = max((s for s in (step, 2 * step, 5 * step) if s <= target), default=step)
    return km, km / frame.km_per_unit()


def svg(m: MapView, *, width: float = 640) -> str:
    """The map as an SVG element for a page: each hexagon a polygon whose title says its count
    (a tooltip on hover, read by screen readers), a legend and a scale; no script."""
    frame = _Frame.around(m, width)
    legend_h = 24 * (len(m.bins) + 1) + 40
    total_h = frame.height + legend_h
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {frame.width:.0f} {total_h:.0f}"'
        f' width="100%" role="img" aria-labelledby="map-title map-desc" class="accord-map">',
        f'<title id="map-title">{html.escape(m.title)}</title>',
        f'<desc id="map-desc">{html.escape(summary(m))}</desc>',
        f'<rect x="0" y="0" width="{frame.width:.0f}" height="{frame.height:.0f}"'
        ' fill="#ffffff" stroke="#b1b4b6"/>',
    ]
    for h in m.hexagons:
        points = " ".join(f"{x:.1f},{y:.1f}" for x, y in (frame.xy(*p) for p in h.boundary))
        words = f"{m.measure} {place_name(h)}: {describe(h.count)}"
        parts.append(
            f'<polygon points="{points}" fill="{m.colour(h.count)}" stroke="#0b0c0c"'
            f' stroke-width="0.8"><title>{html.escape(words)}</title></polygon>'
        )
    km, length = _scale_km(frame)
    y = frame.height - 16
    parts.append(
        f'<g aria-hidden="true"><line x1="16" y1="{y:.0f}" x2="{16 + length:.1f}" y2="{y:.0f}"'
        ' stroke="#0b0c0c" stroke-width="3"/>'
        f'<text x="16" y="{y - 6:.0f}" font-size="13" fill="#0b0c0c">{km:g} km</text></g>'
    )
    y0 = frame.height + 24
    parts.append(f'<g aria-hidden="true"><text x="0" y="{y0:.0f}" font-size="15" fill="#0b0c0c">')
    parts.append(f"{html.escape(m.measure)} per hexagon</text>")
    rows = [(f"{low:g} to {high:g}" if low != high else f"{low:g}", c) for low, high, c in m.bins]
    rows.append(("withheld to protect confidentiality", WITHHELD))
    for i, (text, colour) in enumerate(rows):
        yy = y0 + 12 + 24 * i
        parts.append(
            f'<rect x="0" y="{yy:.0f}" width="20" height="16" fill="{colour}" stroke="#0b0c0c"/>'
            f'<text x="28" y="{yy + 13:.0f}" font-size="14" fill="#0b0c0c">{html.escape(text)}</text>'
        )
    parts.append("</g></svg>")
    return "".join(parts)


def summary(m: MapView) -> str:
    shown = [h for h in m.hexagons if h.count is not None]
    top = max(shown, key=lambda h: h.count or 0, default=None)
    words = (
        f"{len(m.hexagons)} hexagons; {len(shown)} with a published count"
        f" ({m.total:g} in all, including elsewhere)."
    )
    if top is not None:
        words += f" The highest, {top.count:g}, is {place_name(top)}."
    return words


def image(m: MapView, fmt: Literal["png", "svg"] = "png") -> bytes:
    """The map as a static picture (matplotlib): the hexagons, a legend and a scale."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch, Polygon

    frame = _Frame.around(m, 640)
    fig, ax = plt.subplots(figsize=(7, max(3.0, 7 * frame.height / frame.width) + 1.2))
    try:
        for h in m.hexagons:
            xy = [frame.xy(lat, lng) for lat, lng in h.boundary]
            ax.add_patch(Polygon(xy, closed=True, facecolor=m.colour(h.count), edgecolor="#0b0c0c"))
        km, length = _scale_km(frame)
        ax.plot([16, 16 + length], [frame.height - 16] * 2, color="#0b0c0c", linewidth=3)
        ax.text(16, frame.height - 24, f"{km:g} km", fontsize=9)
        ax.set_xlim(0, frame.width)
        ax.set_ylim(frame.height, 0)
        ax.set_aspect("equal")
        ax.axis("off")
        handles: list[Any] = [
            Patch(
                facecolor=c,
                edgecolor="#0b0c0c",
                label=f"{lo:g} to {hi:g}" if lo != hi else f"{lo:g}",
            )
            for lo, hi, c in m.bins
        ]
        handles.append(Patch(facecolor=WITHHELD, edgecolor="#0b0c0c", label="withheld [c]"))
        ax.legend(
            handles=handles,
            title=f"{m.measure} per hexagon",
            loc="upper center",
            bbox_to_anchor=(0.5, -0.02),
            ncol=3,
            fontsize=8,
            frameon=False,
        )
        ax.set_title(m.title)
        buffer = io.BytesIO()
        fig.savefig(
            buffer,
            format=fmt,
            bbox_inches="tight",
            metadata={"Date": None} if fmt == "svg" else None,
        )
        return buffer.getvalue()
    finally:
        plt.close(fig)
