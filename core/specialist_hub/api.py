"""The Python API notebooks import; the CLI is a thin layer over these functions."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from .inputs import ReadOptions, Record, iter_records
from .model import Model
from .registry import get_registry
from .results import Prediction, Predictions
from .spec import ModelSpec


def list_models(domain: str | None = None) -> list[ModelSpec]:
    """Specs of the registered models, optionally of one domain (``chem``, ``biology``...)."""
    return get_registry().list(domain)


def get_spec(model_id: str) -> ModelSpec:
    """The spec (model card data) of one model; raises UnknownModelError with close matches."""
    return get_registry().get(model_id)


def load(model_id: str, device: str = "auto", **options: Any) -> Model:
    """Load a model once per process; options are the model's declared options."""
    return get_registry().load(model_id, device=device, **options)


def predict(model_id: str, inputs: Any, device: str = "auto", batch_size: int | None = None,
            **options: Any) -> Predictions:
    """Load ``model_id`` and predict on one input or a list of inputs."""
    return load(model_id, device=device, **options).predict(inputs, batch_size=batch_size)


def read_inputs(sources: str | Iterable[str], kind: str, column: str | None = None,
                id_column: str | None = None) -> Iterator[Record]:
    """Stream records of input ``kind`` from files, directories, values or ``-`` (stdin)."""
    if isinstance(sources, str):
        sources = [sources]
    return iter_records(get_registry().input_kind(kind), sources, ReadOptions(column, id_column))


def predict_stream(models: Sequence[Model], records: Iterable[Record],
                   batch_size: int | None = None) -> Iterator[Prediction]:
    """Run several loaded models over one record stream; yields per input, then per model, in order."""
    from .inputs import chunked
    from .runner import run_chunk

    size = batch_size or min(model.spec.batch_size for model in models)
    for chunk in chunked(records, size):
        yield from run_chunk(models, chunk)


def predict_file(model_ids: str | Sequence[str], sources: str | Sequence[str], output: str | None = None,
                 **run_options: Any):
    """What ``hub predict`` does, as one call: stream ``sources`` through the models into ``output``.

    ``run_options`` are those of :func:`specialist_hub.runner.run` (fmt, batch_size, device,
    options, workers, resume, progress...). Returns a RunSummary.
    """
    from .runner import run

    model_ids = [model_ids] if isinstance(model_ids, str) else list(model_ids)
    sources = [sources] if isinstance(sources, str) else list(sources)
    if output and "fmt" not in run_options:
        from .writers import format_for

        run_options["fmt"] = format_for(output, None, False)
    return run(model_ids, sources, output=output, **run_options)
