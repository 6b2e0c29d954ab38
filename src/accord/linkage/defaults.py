"""The default model: what a full run scores with when its records are too few to train on
and no earlier run has trained one (accord.linkage.training.TooLittleToTrainError).

It is the model accord trains on 20,000 records of the synthetic partner generator
(accord.synthetic.partners, seed 0 with the tuning error profile), saved as
`data/default_model.json`. Its m and u values are those of a UK-style partnership (names,
dates of birth, addresses, phones and emails with the usual errors) and its prior is that
set's share of matching pairs. Rebuild it whenever the model's comparisons change:
`python -m accord.linkage.defaults` (a test checks the comparisons still agree).
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

DEFAULT_RECORDS = 20_000
DEFAULT_SEED = 0


@cache
def _text() -> str:
    return resources.files("accord.linkage").joinpath("data/default_model.json").read_text()


def default_model() -> dict[str, Any]:
    """A fresh copy of the shipped default model (a Splink model as saved to JSON)."""
    model: dict[str, Any] = json.loads(_text())
    model.pop("sql_dialect", None)  # it serves DuckDB and Spark runs alike
    return model


def build(n_records: int = DEFAULT_RECORDS, seed: int = DEFAULT_SEED) -> dict[str, Any]:
    """Train the model on the synthetic generator's tuning data, as the default is made."""
    from accord.linkage import training
    from accord.linkage.engine import make_engine
    from accord.linkage.prepare import for_linking, prepare
    from accord.linkage.profiles import collapse
    from accord.linkage.samples import synthetic

    data = synthetic(n_records, seed=seed)
    distinct, _ = collapse(data.identifiers)
    engine = make_engine("duckdb")
    try:
        linker = training.train(engine, for_linking(prepare(distinct)), name="defaults")
        return training.trained_model(linker)
    finally:
        engine.close()


def main() -> None:
    path = Path(str(resources.files("accord.linkage").joinpath("data/default_model.json")))
    path.write_text(json.dumps(build(), indent=1, sort_keys=True) + "\n")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
