"""Demo step: TVT partners deliver synthetic feeds; ingest splits, seals and reconciles them.

Writes the delivery files and the generator's truth (record_id, person_id) to
`<out>/feeds/`, ingests every feed as the matching team, then shows a social-care snapshot
that drops and changes records (deletions replicated), a police file with bad rows
(quarantined with reasons) and a re-delivered file (nothing changes).
"""

from __future__ import annotations

import uuid

import pandas as pd

from accord.demo import DemoContext
from accord.feeds.ingest import IngestResult, ingest_file
from accord.gate.types import Actor
from accord.register.registry import current_registry
from accord.synthetic.partners import generate
from accord.synthetic.tvt import CENSUS, OXFORDSHIRE_CARE, POLICE, feed_key

RECORDS = 20_000
SEED = 2026


def _analyst() -> Actor:
    role = current_registry().role("tvt", "partnership-analyst")
    return Actor(
        id=uuid.uuid4(),
        kind="user",
        organisation="thames-valley-police",
        roles=frozenset({role.id}),
        permissions=frozenset(role.permissions),
        name="demo partnership analyst",
    )


def run(ctx: DemoContext) -> list[str]:
    folder = ctx.out / "feeds"
    data = generate(RECORDS, seed=SEED)
    files = data.write(folder, "csv")
    data.truth.to_csv(folder / "truth.csv", index=False)
    actor = _analyst()
    lines = []

    def ingest(key: str, path: object) -> IngestResult:
        partner, dataset = key.split("/")
        with ctx.session_factory() as session:
            result = ingest_file(
                session, actor=actor, partner=partner, dataset=dataset, path=path,  # type: ignore[arg-type]
                settings=ctx.settings, register="tvt",
            )  # fmt: skip
            session.commit()
        return result

    for key in [*data.records, feed_key(CENSUS)]:
        r = ingest(key, files[key])
        lines.append(
            f"{key}: {r.rows_in:,} rows in, {r.loaded:,} loaded, {r.excluded:,} outside the "
            f"6-year lookback, {r.quarantined:,} quarantined"
            + (" (already ingested)" if r.already_ingested else "")
        )

    care = data.records[feed_key(OXFORDSHIRE_CARE)]
    kept = care.iloc[: int(len(care) * 0.97)].copy()
    kept.loc[kept.index[:50], "risk_factor"] = "exploitation"
    snapshot = folder / "oxfordshire-cc__social-care__next-week.csv"
    kept.to_csv(snapshot, index=False)
    r = ingest(feed_key(OXFORDSHIRE_CARE), snapshot)
    lines.append(
        f"next week's social-care snapshot: {r.updated:,} changed, {r.records_deleted:,} "
        "records deleted from both stores (absent from the snapshot)"
    )

    police = data.records[feed_key(POLICE)].head(200).copy()
    police["crime_ref"] = [f"TVP-DEMO-{i:05d}" for i in range(len(police))]
    police = police.astype({"date_of_birth": "string", "offence_group": "string"})
    police.loc[police.index[:3], "date_of_birth"] = "31/02/1990"
    police.loc[police.index[3:5], "offence_group"] = "shoplifting"
    bad = folder / "thames-valley-police__crime-events__with-errors.csv"
    pd.DataFrame(police).to_csv(bad, index=False)
    r = ingest(feed_key(POLICE), bad)
    lines.append(
        f"police delta with errors: {r.quarantined} rows quarantined with reasons, "
        f"{r.loaded} loaded; rows reconcile: {r.reconciled}"
    )
    r = ingest(feed_key(POLICE), bad)
    lines.append(f"the same file again: already ingested = {r.already_ingested}, nothing changed")
    lines.append(f"files and truth.csv in {folder}/; try `accord feeds status`")
    return lines
