"""The Python API notebooks import; the CLI is a thin layer over these functions.

Every function takes ``registry=`` (default: the process-wide one built from entry points), so
a notebook or a test can run against an isolated :class:`~specialist_hub.registry.Registry`.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, Any

from .errors import UsageError
from .inputs import ReadOptions, Record, chunked, iter_records
from .model import Model
from .plan import plan_run, run_chunk
from .registry import Registry, get_registry
from .results import Prediction, Predictions
from .runner import RunSummary, execute
from .spec import ModelSpec
from .writers import OutputFile, Sink, StreamSink, format_for


def list_models(domain: str | None = None, registry: Registry | None = None) -> list[ModelSpec]:
    """Specs of the registered models, optionally of one domain (``chem``, ``biology``...)."""
    return (registry or get_registry()).list_models(domain)


def get_spec(model_id: str, registry: Registry | None = None) -> ModelSpec:
    """The spec (model card data) of one model; raises UnknownModelError with close matches."""
    return (registry or get_registry()).get(model_id)


def load(model_id: str, device: str = "auto", registry: Registry | None = None, **options: Any) -> Model:
    """Load a model once per process; options are the model's declared options."""
    return (registry or get_registry()).load(model_id, device=device, **options)


def predict(model_id: str, inputs: Any, device: str = "auto", batch_size: int | None = None,
            registry: Registry | None = None, **options: Any) -> Predictions:
    """Load ``model_id`` and predict on one input or a list of inputs."""
    return load(model_id, device=device, registry=registry, **options).predict(inputs, batch_size=batch_size)


def read_inputs(sources: str | Iterable[str], kind: str, column: str | None = None, id_column: str | None = None,
                registry: Registry | None = None) -> Iterator[Record]:
    """Stream records of input ``kind`` from files, directories, values or ``-`` (stdin)."""
    if isinstance(sources, str):
        sources = [sources]
    return iter_records((registry or get_registry()).input_kind(kind), sources, ReadOptions(column, id_column))


def predict_stream(models: Sequence[Model], records: Iterable[Record],
                   batch_size: int | None = None) -> Iterator[Prediction]:
    """Run several loaded models over one record stream; yields per input, then per model, in order."""
    size = batch_size or min(model.spec.batch_size for model in models)
    for chunk in chunked(records, size):
        yield from run_chunk(models, chunk)


def predict_file(model_ids: str | Sequence[str], sources: str | Sequence[Any], output: str | None = None, *,
                 fmt: str | None = None, options: Mapping[str, Any] | None = None, device: str = "auto",
                 batch_size: int | None = None, workers: int | str = 1, engine: str = "local",
                 read_options: ReadOptions = ReadOptions(), resume: bool = False, progress: bool = False,
                 stdout: IO[str] | None = None, registry: Registry | None = None) -> RunSummary:
    """What ``hub predict`` does, as one call: stream ``sources`` through the models into ``output``
    (a file, written atomically and resumable; or ``stdout`` when None).

    ``fmt`` defaults to the output's extension, else jsonl. Returns counts; failed records are in
    the output with their errors.
    """
    model_ids = [model_ids] if isinstance(model_ids, str) else list(model_ids)
    sources = [sources] if isinstance(sources, str) else list(sources)
    to_file = bool(output) and output != "-"
    fmt = fmt or format_for(output, None, False)
    plan = plan_run(registry or get_registry(), model_ids, options=options, device=device, batch_size=batch_size,
                    workers=workers, engine=engine,
                    output_dir=str(Path(output).resolve().parent) if to_file and output else None)
    if plan.engine == "ray":
        if resume:
            raise UsageError("--resume works with the local engine; Ray retries failed tasks itself.")
        from .ray_engine import import_ray

        import_ray()  # before any output file is touched
    sink: Sink
    if to_file and output:
        if resume and "-" in sources:
            raise UsageError("--resume cannot continue a run that read standard input; give the input as a file.")
        sink = OutputFile(output, fmt, plan.specs, plan.fingerprint(sources, fmt, read_options), resume)
    elif resume:
        raise UsageError("--resume needs --output FILE.")
    else:
        sink = StreamSink(fmt, stdout or sys.stdout, plan.specs)
    return execute(plan, sources, sink, read_options, progress)
