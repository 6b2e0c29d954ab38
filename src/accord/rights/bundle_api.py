"""Finding a person's data and the right of access over HTTP: search, confirm, make a
bundle, decide what is withheld, approve, release (JSON, CSV, HTML or PDF)."""

from __future__ import annotations

import uuid
from typing import Any, Literal

from fastapi import APIRouter, Response
from pydantic import BaseModel, Field

from accord.accounts.deps import CurrentActor
from accord.deps import DbSession
from accord.rights import bundle, discovery
from accord.rights.bundle_render import FORMATS, render
from accord.web.errors import ERROR_RESPONSES as _ERRORS

router = APIRouter(prefix="/api/rights", tags=["rights"])
Format = Literal["json", "csv", "html", "pdf"]


class DiscoveryIn(BaseModel):
    register_id: str = Field(alias="register", description="The register id.")
    identifiers: dict[str, str | list[str]] = Field(
        default_factory=dict,
        description="name_dob ('name|date of birth'), email, phone, crime_number, postcode",
    )
    subject_ids: list[uuid.UUID] = Field(
        default_factory=list, description="people named in the request"
    )
    request_id: uuid.UUID | None = None


class DecisionsIn(BaseModel):
    confirmed: list[uuid.UUID] = Field(default_factory=list)
    rejected: list[uuid.UUID] = Field(default_factory=list)


class BundleIn(BaseModel):
    search_id: uuid.UUID


class WithholdingDecisionIn(BaseModel):
    decision: Literal["withhold", "disclose"]
    reason: str
    exemption: str | None = None
    factors: dict[str, Any] | None = None


class WithholdItemIn(BaseModel):
    item: str = Field(max_length=300)
    exemption: str
    reason: str
    factors: dict[str, Any] | None = None


@router.post("/discovery", status_code=201, responses=_ERRORS)
def discover(body: DiscoveryIn, session: DbSession, actor: CurrentActor) -> discovery.SearchView:
    """Every record the caller's organisation holds about the requester, with why each matched."""
    found = discovery.discover(
        session, actor=actor, register=body.register_id, identifiers=body.identifiers,
        subject_ids=body.subject_ids, request_id=body.request_id,
    )  # fmt: skip
    return found


@router.get("/discovery/{search_id}", responses=_ERRORS)
def get_search(
    search_id: uuid.UUID, session: DbSession, actor: CurrentActor
) -> discovery.SearchView:
    return discovery.get_search(session, actor=actor, search_id=search_id)


@router.post("/discovery/{search_id}/decisions", responses=_ERRORS)
def decide(
    search_id: uuid.UUID, body: DecisionsIn, session: DbSession, actor: CurrentActor
) -> discovery.SearchView:
    """Confirm records as the requester's, or reject them."""
    decided = discovery.decide(
        session, actor=actor, search_id=search_id, confirmed=body.confirmed, rejected=body.rejected
    )
    return decided


@router.post("/bundles", status_code=201, responses=_ERRORS)
def produce(body: BundleIn, session: DbSession, actor: CurrentActor) -> bundle.BundleView:
    """Make an access bundle from the search's confirmed records, other people proposed withheld."""
    made = bundle.produce(session, actor=actor, search_id=body.search_id)
    return made


@router.get("/bundles/{bundle_id}", responses=_ERRORS)
def get_bundle(bundle_id: uuid.UUID, session: DbSession, actor: CurrentActor) -> bundle.BundleView:
    return bundle.get_bundle(session, actor=actor, bundle_id=bundle_id)


@router.get("/bundles/{bundle_id}/preview", responses=_ERRORS)
def preview(
    bundle_id: uuid.UUID, session: DbSession, actor: CurrentActor, format: Format = "html"
) -> Response:
    """The bundle as it stands, for review (undecided items withheld)."""
    document = bundle.preview(session, actor=actor, bundle_id=bundle_id)
    return Response(render(document, format), media_type=FORMATS[format])


@router.post("/bundles/{bundle_id}/withholdings/{withholding_id}/decision", responses=_ERRORS)
def decide_withholding(
    bundle_id: uuid.UUID,
    withholding_id: uuid.UUID,
    body: WithholdingDecisionIn,
    session: DbSession,
    actor: CurrentActor,
) -> bundle.WithholdingView:
    decided = bundle.decide_withholding(
        session, actor=actor, bundle_id=bundle_id, withholding_id=withholding_id,
        decision=body.decision, reason=body.reason, exemption_code=body.exemption,
        factors=body.factors,
    )  # fmt: skip
    return decided


@router.post("/bundles/{bundle_id}/withholdings", status_code=201, responses=_ERRORS)
def withhold_item(
    bundle_id: uuid.UUID, body: WithholdItemIn, session: DbSession, actor: CurrentActor
) -> bundle.WithholdingView:
    """Withhold a record or a field under an exemption."""
    withheld = bundle.withhold_item(
        session, actor=actor, bundle_id=bundle_id, item=body.item,
        exemption_code=body.exemption, reason=body.reason, factors=body.factors,
    )  # fmt: skip
    return withheld


@router.post("/bundles/{bundle_id}/approve", responses=_ERRORS)
def approve(bundle_id: uuid.UUID, session: DbSession, actor: CurrentActor) -> bundle.BundleView:
    approved = bundle.approve(session, actor=actor, bundle_id=bundle_id)
    return approved


@router.post("/bundles/{bundle_id}/release", responses=_ERRORS)
def release(
    bundle_id: uuid.UUID, session: DbSession, actor: CurrentActor, format: Format = "json"
) -> Response:
    """Release an approved bundle in the format asked for."""
    document = bundle.release(session, actor=actor, bundle_id=bundle_id)
    return _file(bundle_id, document, format)


@router.get("/bundles/{bundle_id}/download", responses=_ERRORS)
def download(
    bundle_id: uuid.UUID, session: DbSession, actor: CurrentActor, format: Format = "json"
) -> Response:
    """A released bundle again, in another format."""
    document = bundle.released(session, actor=actor, bundle_id=bundle_id)
    return _file(bundle_id, document, format)


def _file(bundle_id: uuid.UUID, document: dict[str, Any], format: str) -> Response:
    return Response(
        render(document, format),
        media_type=FORMATS[format],
        headers={
            "Content-Disposition": f'attachment; filename="access-bundle-{bundle_id}.{format}"'
        },
    )
