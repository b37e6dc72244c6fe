"""Ray Data engine: the same models over a dataset on a local Ray or a cluster (``RAY_ADDRESS``).

Each actor of the pool loads the models once; Ray streams the dataset through them. The driver
keeps input order (``preserve_order``), so the rows equal those of a single-process run.
"""

from __future__ import annotations

import json
import logging
import math
import os
from collections.abc import Iterator, Sequence
from typing import Any

from .errors import UsageError
from .inputs import ID_COLUMNS, Record, file_suffix, find_column
from .registry import Registry, get_registry
from .results import Prediction
from .runner import ModelRequest, run_chunk, usable_cores

INSTALL_HINT = 'pip install "specialist-hub[ray]"'
READERS = {".csv": "read_csv", ".tsv": "read_csv", ".parquet": "read_parquet"}


def import_ray():
    try:
        import ray
        import ray.data
    except ImportError:
        raise UsageError(f"The Ray engine needs Ray: {INSTALL_HINT}") from None
    return ray


def init_ray(num_cpus: int | None = None):
    """Connect to the cluster named by RAY_ADDRESS, or start a local Ray on this machine's cores."""
    ray = import_ray()
    if not ray.is_initialized():
        address = os.environ.get("RAY_ADDRESS")
        local = {} if address else {"num_cpus": num_cpus or usable_cores(), "include_dashboard": False}
        ray.init(address=address, ignore_reinit_error=True, log_to_driver=False, logging_level=logging.WARNING,
                 **local)
    context = ray.data.DataContext.get_current()
    context.enable_progress_bars = False  # the hub shows its own progress
    logging.getLogger("ray.data").setLevel(logging.WARNING)
    return ray


class HubPredictor:
    """A Ray actor: loads the models once, then predicts batch after batch."""

    def __init__(self, requests: Sequence[ModelRequest], value_column: str, id_column: str | None):
        registry = get_registry()
        self.models = [registry.load(r.model_id, device=r.device, **dict(r.options)) for r in requests]
        self.value_column, self.id_column = value_column, id_column

    def __call__(self, batch):
        values = batch[self.value_column].tolist()
        ids = batch[self.id_column].tolist() if self.id_column else [None] * len(values)
        records = [Record(i, _text(v), None if _missing(k) else str(k)) for i, (v, k) in enumerate(zip(values, ids))]
        import pandas as pd

        return pd.DataFrame([_row(p) for p in run_chunk(self.models, records)])


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _text(value: Any) -> str:
    return "" if _missing(value) else str(value)


def _row(prediction: Prediction) -> dict[str, Any]:
    error = prediction.error or {}
    return {"id": prediction.id, "input": prediction.input, "model": prediction.model,
            "model_version": prediction.model_version, "package": prediction.package, "ok": prediction.ok,
            "error_type": error.get("type"), "error_message": error.get("message"),
            # JSON keeps ints, lists and nulls exactly as the model made them across Arrow.
            "output": json.dumps(prediction.output) if prediction.ok else None}


def read_dataset(path: str):
    ray = import_ray()
    reader = READERS.get(file_suffix(path))
    if reader is None:
        raise UsageError(f"The Ray engine reads CSV, TSV or Parquet files; convert {path} or use the default engine.")
    options = {"parse_options": _tsv_options()} if file_suffix(path) == ".tsv" else {}
    # Reading is light; asking a whole CPU for it deadlocks when the actors hold every core.
    return getattr(ray.data, reader)(path, num_cpus=0, **options)


def _tsv_options():
    import pyarrow.csv

    return pyarrow.csv.ParseOptions(delimiter="\t")


def predict_dataset(dataset, model_ids: str | Sequence[str], *, column: str | None = None,
                    id_column: str | None = None, options: dict[str, Any] | None = None,
                    batch_size: int | None = None, workers: int | None = None, device: str = "auto",
                    registry: Registry | None = None):
    """Predictions for a ``ray.data.Dataset`` (or a CSV/TSV/Parquet path) as a new Dataset.

    Each output row has ``id``, ``input``, ``model``, ``model_version``, ``package``, ``ok``,
    ``error_type``, ``error_message`` and ``output`` (the output fields as JSON), in input order
    when the Ray DataContext preserves order.
    """
    from .runner import _model_requests

    registry = registry or get_registry()
    model_ids = [model_ids] if isinstance(model_ids, str) else list(model_ids)
    specs = [registry.get(model_id) for model_id in model_ids]
    requests = _model_requests(registry, specs, options or {}, device, None)
    ray = init_ray()
    if isinstance(dataset, (str, os.PathLike)):
        dataset = read_dataset(os.fspath(dataset))
    header = dataset.schema().names
    kind = registry.input_kind(specs[0].input_kind)
    value_column = find_column(header, column, kind.column_names, "the input values", "dataset")
    if value_column is None:
        raise UsageError(f"No input column found in {header}; choose one with --column NAME.")
    id_column = find_column(header, id_column, ID_COLUMNS, "record ids", "dataset")
    size = batch_size or min(spec.batch_size for spec in specs)
    return dataset.map_batches(
        HubPredictor, fn_constructor_args=(tuple(requests), value_column, id_column), batch_size=size,
        batch_format="pandas", compute=ray.data.ActorPoolStrategy(size=workers or max(1, usable_cores())),
        num_gpus=1 if device == "cuda" else None,  # one GPU per actor on GPU nodes
    )


def ray_chunks(model_ids: Sequence[str], sources: Sequence[str], column: str | None, id_column: str | None,
               options: dict[str, Any], batch_size: int, workers: int, device: str,
               registry: Registry) -> Iterator[tuple[list[Prediction], int]]:
    """(predictions, records) per chunk for the runner, positions numbered in input order."""
    if len(sources) != 1:
        raise UsageError("The Ray engine takes exactly one input file (CSV, TSV or Parquet).")
    ray = init_ray(workers)
    ray.data.DataContext.get_current().execution_options.preserve_order = True
    dataset = predict_dataset(sources[0], model_ids, column=column, id_column=id_column, options=options,
                              batch_size=batch_size, workers=workers, device=device, registry=registry)
    position, per_record = 0, len(model_ids)
    for batch in dataset.iter_batches(batch_size=batch_size * per_record, batch_format="pandas"):
        predictions = []
        for index, row in enumerate(batch.to_dict("records")):
            predictions.append(Prediction(
                model=row["model"], model_version=row["model_version"], package=row["package"],
                position=position + index // per_record, id=None if _missing(row["id"]) else row["id"],
                input=row["input"], ok=bool(row["ok"]),
                output=json.loads(row["output"]) if row["ok"] else None,
                error=None if row["ok"] else {"type": row["error_type"], "message": row["error_message"]},
            ))
        count = len(predictions) // per_record
        position += count
        yield predictions, count
