"""Ray Data engine: the same models over a dataset on a local Ray or a cluster (``RAY_ADDRESS``).

Each actor of the pool loads the models once; Ray streams the dataset through them. The driver
keeps input order (``preserve_order``), so the rows equal those of a single-process run.
"""

from __future__ import annotations

import logging
import math
import os
from collections.abc import Iterator, Sequence
from typing import Any

from .errors import UsageError
from .inputs import ID_COLUMNS, ReadOptions, Record, file_suffix, find_column
from .loaded import LoadedPlan
from .plan import ModelRequest, RunPlan, RunSettings, plan_run, usable_cores
from .registry import Registry, get_registry
from .results import Prediction

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
    """A Ray actor: rebuilds the plan's registry, loads the models once, then predicts batch after batch."""

    def __init__(self, registry: Registry, requests: Sequence[ModelRequest], value_column: str,
                 id_column: str | None):
        self.plan = LoadedPlan.load(registry, requests)
        self.value_column, self.id_column = value_column, id_column

    def __call__(self, batch):
        import pandas as pd

        values = batch[self.value_column].tolist()
        ids = batch[self.id_column].tolist() if self.id_column else [None] * len(values)
        records = [Record(i, _text(v), None if _missing(k) else str(k)) for i, (v, k) in enumerate(zip(values, ids))]
        return pd.DataFrame([p.to_row() for p in self.plan.predict(records)])


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _text(value: Any) -> str:
    return "" if _missing(value) else str(value)


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

    Each output row has the record's base columns (``id``, ``input``, ``model``, ...,
    ``error_message``) and ``output`` (the output fields as JSON), in input order when the Ray
    DataContext preserves order.
    """
    settings = RunSettings(device=device, batch_size=batch_size, workers=workers or usable_cores(), engine="ray")
    plan = plan_run(registry or get_registry(), [model_ids] if isinstance(model_ids, str) else list(model_ids),
                    settings, options=options)
    return map_dataset(plan, dataset, ReadOptions(column, id_column))


def map_dataset(plan: RunPlan, dataset, read_options: ReadOptions):
    """The plan's models mapped over ``dataset`` by a pool of ``plan.workers`` actors."""
    ray = init_ray()
    if isinstance(dataset, (str, os.PathLike)):
        dataset = read_dataset(os.fspath(dataset))
    header = dataset.schema().names
    value_column = find_column(header, read_options.column, plan.kind.column_names, "the input values", "dataset")
    if value_column is None:
        raise UsageError(f"No input column found in {header}; choose one with --column NAME.")
    id_column = find_column(header, read_options.id_column, ID_COLUMNS, "record ids", "dataset")
    device = plan.requests[0].device
    return dataset.map_batches(
        HubPredictor, fn_constructor_args=(plan.registry, plan.requests, value_column, id_column),
        batch_size=plan.batch_size, batch_format="pandas", compute=ray.data.ActorPoolStrategy(size=plan.workers),
        num_gpus=1 if device == "cuda" else None,  # one GPU per actor on GPU nodes
    )


def ray_chunks(plan: RunPlan, sources: Sequence[Any],
               read_options: ReadOptions) -> Iterator[tuple[list[Prediction], int]]:
    """(predictions, records) per chunk for the runner, positions numbered in input order."""
    if len(sources) != 1:
        raise UsageError("The Ray engine takes exactly one input file (CSV, TSV or Parquet).")
    ray = init_ray(plan.workers)
    ray.data.DataContext.get_current().execution_options.preserve_order = True
    dataset = map_dataset(plan, sources[0], read_options)
    position, per_record = 0, len(plan.requests)
    for batch in dataset.iter_batches(batch_size=plan.batch_size * per_record, batch_format="pandas"):
        rows = batch.to_dict("records")
        predictions = [Prediction.from_row(row, position + index // per_record) for index, row in enumerate(rows)]
        count = len(predictions) // per_record
        position += count
        yield predictions, count
