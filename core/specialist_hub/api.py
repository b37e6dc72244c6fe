"""The Python API notebooks import; the CLI is a thin layer over these functions.

Every function takes ``registry=`` (default: the process-wide one built from entry points), so
a notebook or a test can run against an isolated :class:`~specialist_hub.registry.Registry`.
"""

from __future__ import annotations

import dataclasses
import math
import sys
import warnings
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, Any

from .errors import UsageError
from .inputs import InputKind, ReadOptions, Record, find_column, iter_records, kept_column_names, python_records
from .loaded import LoadedPlan
from .model import Model
from .plan import RunSettings, plan_run
from .registry import Registry, get_registry, set_registry
from .results import Prediction, Predictions
from .runner import RunSummary, execute
from .spec import ModelSpec
from .writers import OutputFile, Sink, StreamSink, check_fits, format_for, kept_output_names, writer_for


def list_models(domain: str | None = None, registry: Registry | None = None) -> list[ModelSpec]:
    """Specs of the registered models, optionally of one domain (``chem``, ``biology``...)."""
    return (registry or get_registry()).list_models(domain)


def get_spec(model_id: str, registry: Registry | None = None) -> ModelSpec:
    """The spec (model card data) of one model; raises UnknownModelError with close matches."""
    return (registry or get_registry()).get(model_id)


def load(model_id: str, device: str = "auto", registry: Registry | None = None, **options: Any) -> Model:
    """Load a model once per process; options are the model's declared options."""
    return (registry or get_registry()).load(model_id, device=device, **options)


#: Seconds a notebook call runs before its progress bar appears (quick calls show none).
PROGRESS_DELAY = 0.5
#: Column dtypes of each output field type, so a frame's columns never depend on which rows failed.
PANDAS_DTYPES: dict[str, Any] = {"float": "float64", "int": "Int64", "bool": "boolean", "str": "str",
                                 "list": object, "dict": object}
POLARS_DTYPES = {"float": "Float64", "int": "Int64", "bool": "Boolean", "str": "String", "list": "Object",
                 "dict": "Object"}


def predict(model_ids: str | Sequence[str], inputs: Any, device: str = "auto", batch_size: int | None = None,
            registry: Registry | None = None, *, column: str | None = None, prefix: bool | None = None,
            quiet: bool = False, **options: Any) -> Any:
    """Run a model, or several on the same inputs, on one input, a list, or a table.

    One input or an iterable gives :class:`Predictions` (per input, then per model, in order), which
    notebooks show as a table with each input drawn. A pandas or polars DataFrame (inputs in
    ``column``, else the input kind's usual column) or Series gives the same frame, a new object, with
    each output field and ``error_type``/``error_message`` appended as columns, index and row order
    kept; a failed row has missing values there. Column names are ``field``, or ``model.field`` with
    ``prefix=True`` (the default for several models). ``quiet=True`` hides the progress bar.
    """
    plan = plan_run(registry or get_registry(), [model_ids] if isinstance(model_ids, str) else list(model_ids),
                    RunSettings(device=device, batch_size=batch_size, isolate=False), options=options)
    table = _Table.of(inputs, column, plan.kind)
    if table is not None:
        records = table.records()
    else:
        records = list(python_records(plan.kind, inputs))
    models = LoadedPlan.load(plan.registry, plan.requests).models
    stream = _progress(predict_stream(models, records, plan.batch_size), len(records) * len(models),
                       ", ".join(spec.id for spec in plan.specs), quiet)
    # The table draws inputs from their values; kept only where the record's text is not the value itself
    # (long sequences, images in memory), so a list of SMILES or paths costs nothing more.
    kept = {r.position: r.value for r in records if not (isinstance(r.value, str) and r.display == r.value)}
    predictions = Predictions.of(stream, [model.spec for model in models], plan.registry.renderers, kept)
    return predictions if table is None else table.with_outputs(predictions, plan.specs, prefix)


def _progress(predictions: Iterator[Prediction], total: int, title: str, quiet: bool) -> Iterable[Prediction]:
    """The predictions, counted by a ``tqdm.auto`` bar: a widget in notebooks with ipywidgets, text
    otherwise; none when quiet or without tqdm."""
    if quiet:
        return predictions
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # tqdm warns when a notebook lacks ipywidgets; its text bar is fine
            from tqdm.auto import tqdm
    except ImportError:
        return predictions
    return tqdm(predictions, total=total, desc=title, unit=" predictions", delay=PROGRESS_DELAY)


class _Table:
    """A pandas or polars DataFrame (or Series) as input: its records and, after the run, its
    columns with the outputs appended. Neither library is imported for other inputs."""

    def __init__(self, library: Any, frame: Any, column: Any, kind: InputKind):
        self.library, self.frame, self.column, self.kind = library, frame, column, kind

    @classmethod
    def of(cls, inputs: Any, column: str | None, kind: InputKind) -> _Table | None:
        name = type(inputs).__module__.split(".", 1)[0]
        library = sys.modules.get(name) if name in ("pandas", "polars") else None
        if library is None:
            return None
        if isinstance(inputs, library.Series):
            if column is not None:
                raise UsageError("column= names a DataFrame's column; a Series is the input values itself.")
            named = inputs.name not in (None, "")
            frame = inputs.to_frame() if named else inputs.to_frame("input")
            return cls(library, frame, inputs.name if named else "input", kind)
        if not isinstance(inputs, library.DataFrame):
            return None
        header = [str(name) for name in inputs.columns]
        found = find_column(header, column, kind.column_names, "the input values", "the DataFrame")
        if found is None:
            raise UsageError(f"The DataFrame has no input column (looked for {', '.join(kind.column_names)}); "
                             f"columns are: {', '.join(header)}. Choose one with column=NAME.")
        return cls(library, inputs, list(inputs.columns)[header.index(found)], kind)

    def records(self) -> list[Record]:
        column = self.frame[self.column]
        values = column.tolist() if hasattr(column, "tolist") else column.to_list()
        missing = f"no value in column {self.column!r}"
        return [Record(i, value, read_error=missing if self._missing(value) else None)
                for i, value in enumerate(values)]

    def _missing(self, value: Any) -> bool:
        return value is None or value is getattr(self.library, "NA", None) or (
            isinstance(value, float) and math.isnan(value))

    def with_outputs(self, predictions: Predictions, specs: Sequence[ModelSpec], prefix: bool | None) -> Any:
        columns = _output_columns(predictions, specs, len(specs) > 1 if prefix is None else prefix)
        taken = [name for name in columns if name in set(map(str, self.frame.columns))]
        if taken:
            raise UsageError(f"The DataFrame already has column(s) {', '.join(taken)}; pass prefix=True to name "
                             f"the outputs model.field.")
        if self.library.__name__ == "polars":
            pl = self.library
            return self.frame.with_columns([pl.Series(name, values, dtype=getattr(pl, POLARS_DTYPES[kind]))
                                            for name, (kind, values) in columns.items()])
        pd = self.library
        added = pd.DataFrame({name: pd.Series(values, dtype=PANDAS_DTYPES[kind])
                              for name, (kind, values) in columns.items()})
        added.index = self.frame.index
        return pd.concat([self.frame, added], axis=1)


def _output_columns(predictions: Predictions, specs: Sequence[ModelSpec],
                    prefix: bool) -> dict[str, tuple[str, list[Any]]]:
    """Column name -> (field type, one value per input) for each model's fields and errors."""
    columns: dict[str, tuple[str, list[Any]]] = {}
    for index, spec in enumerate(specs):
        mine = predictions[index::len(specs)]
        fields = [(out.name, out.type, [p.output[out.name] if p.ok and p.output else None for p in mine])
                  for out in spec.outputs]
        for part in ("type", "message"):
            fields.append((f"error_{part}", "str", [p.error[part] if p.error else None for p in mine]))
        for name, kind, values in fields:
            column = f"{spec.id}.{name}" if prefix else name
            if column in columns:
                raise UsageError(f"Several models give {name!r}; pass prefix=True to name the outputs model.field.")
            columns[column] = (kind, values)
    return columns


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
    for predictions, _ in LoadedPlan(models).chunks(records, size):
        yield from predictions


def predict_file(model_ids: str | ModelSpec | Sequence[str | ModelSpec], sources: str | Sequence[Any],
                 output: str | None = None, *, options: Mapping[str, Any] | None = None,
                 settings: RunSettings | None = None, stdout: IO[str] | None = None, registry: Registry | None = None,
                 **changes: Any) -> RunSummary:
    """What ``hub predict`` does, as one call: stream ``sources`` through the models into ``output``
    (a file, written atomically and resumable; or ``stdout`` when None).

    How the run goes is a :class:`~specialist_hub.plan.RunSettings` (``settings``), or its fields as
    keywords (``workers=2``, ``where="qed > 0.5"``, ``format="csv"``), with the defaults of ``hub
    predict``: the models run in a supervised worker process (``isolate=True``), so a native crash
    fails one record only. The format defaults to the output's extension, else ``table`` when the
    output is a terminal and ``jsonl`` otherwise. Returns counts over the whole output; failed
    records are in it with their errors, and an input that could not be read to its end is in
    ``stream_error``.
    """
    settings = RunSettings.of(settings, **changes)
    models = [model_ids] if isinstance(model_ids, (str, ModelSpec)) else list(model_ids)
    sources = [sources] if isinstance(sources, str) else list(sources)
    to_file = bool(output) and output != "-"
    registry = registry or get_registry()
    stream = stdout or sys.stdout
    fmt = format_for(output if to_file else None, settings.format, not to_file and _is_terminal(stream),
                     registry.formats.values())
    writer = writer_for(fmt, registry.formats.values())
    plan = plan_run(registry, models, settings, options=options,
                    output_dir=str(Path(output).resolve().parent) if to_file and output else None)
    check_fits(writer, fmt, plan.specs, registry.formats.values(),
               "choose json, jsonl, csv or table (--format, or the --output extension)")
    if settings.read.keep_columns:  # named now: a CSV or Parquet output's header holds them
        if plan.engine == "ray":
            raise UsageError("--keep-columns works with the local engine (CSV, TSV, Parquet and SDF inputs).")
        read = dataclasses.replace(settings.read, keep_columns=kept_column_names(plan.kind, sources, settings.read))
        settings = RunSettings.of(settings, read=read)
    kept = list(kept_output_names(settings.read.keep_columns, plan.specs).values())
    if plan.engine == "ray":
        if settings.resume:
            raise UsageError("--resume works with the local engine; Ray retries failed tasks itself.")
        from .ray_engine import import_ray

        import_ray()  # before any output file is touched
    sink: Sink
    if to_file and output:
        if settings.resume and "-" in sources:
            raise UsageError("--resume cannot continue a run that read standard input; give the input as a file.")
        sink = OutputFile(output, fmt, plan.specs, plan.fingerprint(sources, fmt, settings.read), settings.resume,
                          writer, kept)
    elif settings.resume:
        raise UsageError("--resume needs --output FILE.")
    else:
        sink = StreamSink(fmt, stream, plan.specs, writer, kept)
    summary = execute(plan, sources, sink, settings.read, settings.progress)
    summary.failures_written = writer is None or writer.holds_failures
    return summary


def _is_terminal(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # a closed or unusual stream
        return False


def train(input: Any, target: str | Sequence[str] = (), name: str = "", registry: Registry | None = None,
          **settings: Any) -> Any:
    """Train your own specialist on a labelled file, as ``hub train`` does; it becomes ``user/NAME``.

    Returns a :class:`~specialist_hub.training.trainer.TrainingReport`: its ``metrics`` (held-out
    figures on the field's split and on a random one, coverage, domain), ``card`` (Markdown) and
    ``load()`` (the trained model). ``settings`` are ``hub train``'s options as keywords (``domain``,
    ``column``, ``group_column``, ``task``, ``heads``, ``time_budget``, ``force``...).
    """
    from .training.trainer import train as run_training

    report = run_training(input, target, name, registry=registry, **settings)
    if registry is None:  # the process-wide registry was built before the model existed: rebuild it
        set_registry(get_registry().replace())
    return report
