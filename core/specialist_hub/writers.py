"""Output writers: table (for people), json, jsonl, csv and parquet (for programs).

Writers take predictions as they come, so output streams. Files are written chunk by chunk to a
hidden partial file beside the target, with a progress record after each complete chunk, and
renamed into place only when the run completes; ``--resume`` continues from the last chunk.
"""

from __future__ import annotations

import contextlib
import csv
import importlib
import io
import json
import math
import os
import shutil
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Protocol

from .errors import OutputWriteError, UsageError
from .inputs import describe_value
from .results import BASE_COLUMNS, RECORD_COLUMNS, Prediction, finite, strict_json
from .spec import ModelSpec
from .trust import out_of_domain_note

FORMATS = ("table", "json", "jsonl", "csv", "parquet")
EXTENSION_FORMATS = {".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv",
                     ".parquet": "parquet", ".txt": "table"}


@dataclass(frozen=True)
class OutputFormat:
    """An output format a plugin contributes for its field (GFF3, SRT, SDF...): chosen by ``--format
    NAME`` or by an ``--output`` extension; ``writer`` is a ``"module:Class"`` :class:`Writer`
    subclass, imported only when the format is used."""

    name: str
    extensions: tuple[str, ...]
    writer: str
    description: str = ""

    def writer_class(self) -> type[Writer]:
        module, _, attribute = self.writer.partition(":")
        return getattr(importlib.import_module(module), attribute)


def format_for(output: str | None, requested: str | None, is_tty: bool,
               extra: Iterable[OutputFormat] = ()) -> str:
    """The output format: as requested, else from the output's extension (the core's and those of
    ``extra`` plugin formats), else by terminal."""
    if requested:
        return requested
    if output and output != "-":
        extensions = {**EXTENSION_FORMATS, **{ext: f.name for f in extra for ext in f.extensions}}
        suffix = Path(output).suffix.lower()
        if suffix not in extensions:
            raise UsageError(f"Cannot tell the format of {output!r} from its extension "
                             f"({', '.join(sorted(extensions))}); add --format.")
        return extensions[suffix]
    return "table" if is_tty else "jsonl"


def writer_for(fmt: str, extra: Iterable[OutputFormat] = ()) -> type[Writer] | None:
    """The Writer class of a text format (None for Parquet, which OutputFile writes itself)."""
    plugin_formats = {f.name: f for f in extra}
    if fmt == "parquet":
        return None
    if fmt in WRITERS:
        return WRITERS[fmt]
    if fmt in plugin_formats:
        return plugin_formats[fmt].writer_class()
    raise UsageError(f"Unknown format {fmt!r}; choose one of {', '.join([*FORMATS, *plugin_formats])}.")


def check_fits(writer: type[Writer] | None, fmt: str, specs: Sequence[ModelSpec], extra: Iterable[OutputFormat],
               remedy: str) -> None:
    """Refuse, before the run, a format with no place for a model's outputs: subtitles of a molecule
    would be an empty file that looks like success."""
    unfit = [spec.id for spec in specs if writer is not None and not writer.fits(spec)]
    if unfit:
        described = next((f.description for f in extra if f.name == fmt), fmt)
        raise UsageError(f"{', '.join(unfit)} {'has' if len(unfit) == 1 else 'have'} no output that format {fmt!r} "
                         f"shows ({described}): {remedy}.")


def output_columns(specs: Sequence[ModelSpec], kept: Sequence[str] = ()) -> list[str]:
    """A flat row's columns: the record's, the kept input columns (output names), the models' fields."""
    columns = [*BASE_COLUMNS, *kept]
    for spec in specs:
        columns += [name for name in spec.output_names if name not in columns]
    return columns


def kept_output_names(names: Sequence[str], specs: Sequence[ModelSpec]) -> dict[str, str]:
    """Each kept input column's name in the output: its own, or ``input.NAME`` where the record or a
    model already has a column of that name (a measured ``logp`` beside the predicted one)."""
    taken = set(output_columns(specs))
    return {name: f"input.{name}" if name in taken else name for name in names}


def _cell(value: Any) -> Any:
    """A flat cell: lists and dicts as strict JSON, non-finite floats as empty (null)."""
    if isinstance(value, (list, dict)):
        return strict_json(value, separators=(",", ":"))
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


class Writer:
    """Writes predictions to a text stream; ``resumed`` continues a document begun earlier."""

    #: Whether a failed prediction appears in this format with its error (SRT has no place for one).
    holds_failures = True
    #: Output fields this format shows, one of which a model must have (empty: every model fits).
    fields: tuple[str, ...] = ()

    @classmethod
    def fits(cls, spec: ModelSpec) -> bool:
        """Whether ``spec``'s predictions have a place in this format (subtitles need timed text)."""
        return not cls.fields or any(name in spec.output_names for name in cls.fields)

    #: Whether this format has a place for kept input columns (``--keep-columns``); one that has
    #: takes their output names as ``kept``.
    keeps_columns = False

    def __init__(self, stream: IO[str], specs: Sequence[ModelSpec], resumed: bool = False):
        self.stream = stream
        self.specs = specs

    def write(self, prediction: Prediction) -> None:
        raise NotImplementedError

    def close(self) -> None:
        """Finish the document (closing brackets, footers)."""


class JsonLinesWriter(Writer):
    keeps_columns = True  # as the record's "columns" object

    def __init__(self, stream, specs, resumed=False, kept: Sequence[str] = ()):
        super().__init__(stream, specs)

    def write(self, prediction):
        self.stream.write(strict_json(prediction.to_dict()) + "\n")


class JsonWriter(Writer):
    keeps_columns = True

    def __init__(self, stream, specs, resumed=False, kept: Sequence[str] = ()):
        super().__init__(stream, specs)
        self.started = resumed
        if not resumed:
            stream.write("[")

    def write(self, prediction):
        self.stream.write(("," if self.started else "") + "\n  " + strict_json(prediction.to_dict()))
        self.started = True

    def close(self):
        self.stream.write("\n]\n" if self.started else "]\n")


class CsvWriter(Writer):
    keeps_columns = True

    def __init__(self, stream, specs, resumed=False, kept: Sequence[str] = ()):
        """``kept``: the kept input columns' output names, after the record's columns."""
        super().__init__(stream, specs)
        self.writer = csv.DictWriter(stream, fieldnames=output_columns(specs, kept), extrasaction="ignore")
        if not resumed:
            self.writer.writeheader()

    def write(self, prediction):
        self.writer.writerow({k: _cell(v) for k, v in prediction.flat().items()})


class TableWriter(Writer):
    """A readable block per prediction: kept input columns, values with their units, errors spelled out."""

    keeps_columns = True

    def __init__(self, stream, specs, resumed=False, kept: Sequence[str] = ()):
        super().__init__(stream, specs)
        self.units = {(s.id, o.name): o.unit for s in specs for o in s.outputs}
        self.decimals = {(s.id, o.name): o.decimals for s in specs for o in s.outputs}

    def write(self, prediction):
        label = f" [{prediction.id}]" if prediction.id else ""
        note = out_of_domain_note(prediction.output)
        status = "  FAILED" if not prediction.ok else f"  OUT OF DOMAIN: {note}" if note else ""
        shown = describe_value(prediction.input)  # a terminal shortens a long input; files keep it whole
        self.stream.write(f"#{prediction.position}{label} {shown}  ({prediction.model}){status}\n")
        if not prediction.ok:
            self.stream.write(f"  {prediction.error['type']}: {prediction.error['message']}\n\n")
            return
        fields = {**(prediction.columns or {}), **prediction.output}
        width = max((len(k) for k in fields), default=0)
        for name, value in fields.items():
            unit = self.units.get((prediction.model, name), "")
            shown = _human(value, self.decimals.get((prediction.model, name)))
            self.stream.write(f"  {name:<{width}}  {shown}{' ' + unit if unit else ''}\n")
        self.stream.write("\n")


def _human(value: Any, decimals: int | None = None, limit: int = 100) -> str:
    """A value for people: a float at its field's ``decimals``, else four significant digits
    (whole numbers of any size in full: 63005, not 6.3e+04)."""
    if isinstance(value, float) and not math.isfinite(value):
        return "null"
    if isinstance(value, float):
        if decimals is not None:
            return f"{value:.{decimals}f}"
        whole_digits = len(str(int(abs(value)))) if abs(value) >= 1 else 0
        return f"{value:.{max(4 - whole_digits, 0)}f}" if 1e-3 <= abs(value) < 1e15 else f"{value:.4g}"
    if isinstance(value, (list, dict)):
        text = strict_json(value)
        return text if len(text) <= limit else text[: limit - 12] + f"… ({len(value)} items)"
    return str(value)


WRITERS: dict[str, type[Writer]] = {"jsonl": JsonLinesWriter, "json": JsonWriter, "csv": CsvWriter,
                                    "table": TableWriter}


def _arrow_columns(specs, kept: Sequence[str] = ()) -> dict[str, Any]:
    """Each Parquet column's Arrow type, or None where it comes from the values: list and dict fields
    (real Arrow lists and structs, whose item types no spec states) and kept input columns."""
    import pyarrow as pa

    types = {"float": pa.float64(), "int": pa.int64(), "str": pa.string(), "bool": pa.bool_(), "list": None,
             "dict": None}
    columns = {name: types[kind] for name, kind in RECORD_COLUMNS}
    columns.update(dict.fromkeys(kept))
    for spec in specs:
        for output in spec.outputs:
            columns.setdefault(output.name, types[output.type])
    return columns


def _arrow_metadata(specs) -> dict[str, str]:
    from .version import __version__

    return {"specialist_hub_version": __version__, "models": json.dumps({s.id: s.version for s in specs})}


def _arrow_table(predictions: Sequence[Prediction], columns: dict[str, Any]):
    """One chunk as an Arrow table: declared types as declared, the others inferred from the values."""
    import pyarrow as pa

    rows = [p.flat() for p in predictions]
    arrays = [_arrow_array([row.get(name) for row in rows], kind) for name, kind in columns.items()]
    return pa.table(arrays, names=list(columns))


def _arrow_array(values: list[Any], kind: Any):
    """``values`` as an Arrow array of ``kind``; None infers it (lists, structs), falling back to
    strict JSON text where the values have no one Arrow type (mixed kinds, an empty dict)."""
    import pyarrow as pa

    if kind is not None:
        return pa.array([_cell(v) for v in values], type=kind)
    try:
        array = pa.array(finite(values))
        if not _parquet_writable(array.type):
            raise ValueError("a struct without fields")
        return array
    except (pa.ArrowInvalid, pa.ArrowTypeError, ValueError, OverflowError):
        return _json_array(values)


def _json_array(values: list[Any]):
    import pyarrow as pa

    return pa.array([None if v is None else v if isinstance(v, str) else strict_json(v) for v in values], pa.string())


def _parquet_writable(arrow_type) -> bool:
    """Parquet cannot store a struct without fields (what ``{}`` infers to)."""
    import pyarrow as pa

    if pa.types.is_struct(arrow_type):
        return arrow_type.num_fields > 0 and all(_parquet_writable(f.type) for f in arrow_type)
    if pa.types.is_list(arrow_type) or pa.types.is_large_list(arrow_type):
        return _parquet_writable(arrow_type.value_type)
    return True


def _unified_schema(schemas: Sequence[Any], columns: dict[str, Any], metadata: dict[str, str]):
    """One schema for every part: each inferred column's types merged (an empty list's null items
    take the others' type, struct fields are united); a column whose parts disagree beyond that
    becomes strict JSON text. Returns the schema and the names of those JSON columns."""
    import pyarrow as pa

    fields, as_json = [], set()
    for name, kind in columns.items():
        if kind is not None:
            fields.append(pa.field(name, kind))
            continue
        parts = [pa.schema([schema.field(name)]) for schema in schemas if name in schema.names]
        try:
            field = pa.unify_schemas(parts, promote_options="permissive").field(name) if parts else pa.field(name, pa.null())
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            field = pa.field(name, pa.string())
            as_json.add(name)
        fields.append(field)
    return pa.schema(fields).with_metadata(metadata), as_json


class Sink(Protocol):
    """Where a run's predictions go, chunk by chunk (a file, a stream, a list)."""

    #: Input records already complete in the sink (non-zero only for a resumed file), the
    #: predictions written for them, and the failed and filtered-out predictions among theirs, so a
    #: resumed run reports (and exits with) what the uninterrupted one would.
    records_done: int
    predictions_done: int
    failed_done: int
    filtered_done: int

    def write_chunk(self, predictions: Sequence[Prediction], records: int, failed: int = 0,
                    filtered: int = 0) -> None:
        """Take the predictions of ``records`` complete input records, of which ``failed`` failed
        and ``filtered`` were left out (``--where``) before they came here."""

    def finish(self) -> None:
        """The run completed: close the document."""

    def abort(self) -> None:
        """The run stopped early: keep what is resumable, release the rest."""


class StreamSink:
    """Predictions written to a text stream (stdout) as they come."""

    records_done = predictions_done = failed_done = filtered_done = 0

    def __init__(self, fmt: str, stream: IO[str], specs: Sequence[ModelSpec], writer: type[Writer] | None = None,
                 kept: Sequence[str] = ()):
        if fmt == "parquet":
            raise UsageError("Parquet output needs a file: add --output results.parquet.")
        self.writer = _open_writer(writer or writer_for(fmt) or JsonLinesWriter, fmt, stream, specs, False, kept)

    def write_chunk(self, predictions: Sequence[Prediction], records: int, failed: int = 0,
                    filtered: int = 0) -> None:
        try:
            for prediction in predictions:
                self.writer.write(prediction)
            self.writer.stream.flush()
        except OSError as exc:
            raise OutputWriteError(f"Cannot write the results to standard output ({_reason(exc)}).") from None

    def finish(self) -> None:
        try:
            self.writer.close()
            self.writer.stream.flush()
        except OSError as exc:
            raise OutputWriteError(f"Cannot write the results to standard output ({_reason(exc)}).") from None

    def abort(self) -> None:
        with contextlib.suppress(OSError):
            self.writer.stream.flush()


def _open_writer(writer: type[Writer], fmt: str, stream: IO[str], specs: Sequence[ModelSpec], resumed: bool,
                 kept: Sequence[str]) -> Writer:
    """``writer`` on ``stream``, given the kept input columns when there are any (a format with no
    place for them refuses them before the run)."""
    if not kept:
        return writer(stream, specs, resumed=resumed)
    if not writer.keeps_columns:
        raise UsageError(f"--keep-columns needs a csv, parquet, json, jsonl or table output, not {fmt}.")
    return writer(stream, specs, resumed=resumed, kept=kept)  # type: ignore[call-arg]


def _reason(exc: OSError) -> str:
    return exc.strerror or type(exc).__name__


class OutputFile:
    """Chunked, crash-safe, resumable output to ``target``.

    Text formats append to ``.NAME.partial``; Parquet writes one part file per chunk into
    ``.NAME.parts/`` and merges them at the end. After every chunk ``.NAME.progress.json``
    records how many input records are complete (and the partial file's size), so a killed run
    resumes exactly there: anything written after the last record is cut off.
    """

    def __init__(self, target: str | os.PathLike, fmt: str, specs: Sequence[ModelSpec], fingerprint: str,
                 resume: bool = False, writer: type[Writer] | None = None, kept: Sequence[str] = ()):
        if fmt == "table" and resume:
            raise UsageError("--resume needs a csv, json, jsonl or parquet output file.")
        if fmt == "parquet":
            try:
                import pyarrow  # noqa: F401
            except ImportError:
                raise UsageError('Parquet output needs pyarrow: pip install "specialist-hub[tables]"') from None
        self.target = Path(target)
        if self.target.is_dir():
            raise UsageError(f"--output {self.target} is a folder; name a file to write, e.g. {self.target / 'results.csv'}.")
        self.fmt, self.specs, self.fingerprint, self.kept = fmt, specs, fingerprint, tuple(kept)
        self.partial = self.target.with_name(f".{self.target.name}.partial")
        self.parts = self.target.with_name(f".{self.target.name}.parts")
        self.progress = self.target.with_name(f".{self.target.name}.progress.json")
        state = self._read_progress() if resume else None
        if resume and state is None:
            raise UsageError(f"Nothing to resume for {self.target}: no unfinished run was found.")
        if state is not None and state["fingerprint"] != fingerprint:
            raise UsageError(f"The unfinished run for {self.target} is another run (other models, pipeline steps, "
                             f"options, column order, --where or inputs); run again without --resume to start over.")
        self.records_done = state["records"] if state else 0
        self.predictions_done = state.get("predictions", 0) if state else 0
        self.failed_done = state.get("failed", 0) if state else 0
        self.filtered_done = state.get("filtered", 0) if state else 0
        self.chunks = state["chunks"] if state else 0
        try:  # before the run: a destination that cannot be written is a usage error, not lost work
            self._open(state, writer)
        except OSError as exc:
            raise UsageError(f"Cannot write --output {self.target} ({_reason(exc)}); choose a folder you can "
                             f"write into.") from None

    def _open(self, state: dict | None, writer: type[Writer] | None) -> None:
        self.target.parent.mkdir(parents=True, exist_ok=True)
        if self.fmt == "parquet":
            if state is None:
                shutil.rmtree(self.parts, ignore_errors=True)
            self.parts.mkdir(exist_ok=True)
            for stale in self.parts.glob("part-*"):
                if int(stale.name[5:11]) >= self.chunks:
                    stale.unlink()
        else:
            if state is None:
                self.partial.write_bytes(b"")
            self._raw = open(self.partial, "r+b")  # noqa: SIM115 - open until finish() or abort()
            self._raw.truncate(state["offset"] if state else 0)
            self._raw.seek(0, os.SEEK_END)
            self._text = io.TextIOWrapper(self._raw, encoding="utf-8", newline="", write_through=True)
            self.writer = _open_writer(writer or writer_for(self.fmt) or JsonLinesWriter, self.fmt, self._text,
                                       self.specs, state is not None, self.kept)
        if state is None:
            self._write_progress()

    def _read_progress(self) -> dict | None:
        try:
            return json.loads(self.progress.read_text())
        except (OSError, ValueError):
            return None

    def _write_progress(self) -> None:
        offset = self._raw.tell() if self.fmt != "parquet" else 0
        state = {"fingerprint": self.fingerprint, "records": self.records_done, "predictions": self.predictions_done,
                 "failed": self.failed_done, "filtered": self.filtered_done, "chunks": self.chunks, "offset": offset}
        temp = self.progress.with_suffix(".tmp")
        temp.write_text(json.dumps(state))
        os.replace(temp, self.progress)

    def write_chunk(self, predictions: Sequence[Prediction], records: int, failed: int = 0,
                    filtered: int = 0) -> None:
        """Write the predictions of ``records`` complete input records, then record progress."""
        try:
            self._write(predictions)
            self.chunks += 1
            self.records_done += records
            self.predictions_done += len(predictions)
            self.failed_done += failed
            self.filtered_done += filtered
            self._write_progress()
        except OSError as exc:
            raise self._lost(exc) from None

    def _write(self, predictions: Sequence[Prediction]) -> None:
        if self.fmt == "parquet":
            import pyarrow.parquet as pq

            part = self.parts / f"part-{self.chunks:06d}.parquet"
            pq.write_table(_arrow_table(predictions, _arrow_columns(self.specs, self.kept)), part.with_suffix(".tmp"))
            os.replace(part.with_suffix(".tmp"), part)
        else:
            for prediction in predictions:
                self.writer.write(prediction)
            self._text.flush()

    def finish(self) -> None:
        """Complete the document and move it over the target atomically."""
        try:
            if self.fmt == "parquet":
                self._merge_parts()
            else:
                self.writer.close()
                self._text.flush()
                os.fsync(self._raw.fileno())
                self._text.close()
            os.replace(self.partial, self.target)
        except OSError as exc:
            raise self._lost(exc) from None
        self.progress.unlink(missing_ok=True)
        shutil.rmtree(self.parts, ignore_errors=True)

    def abort(self) -> None:
        """Stop without finishing: the partial output and its progress stay for --resume."""
        if self.fmt != "parquet":
            with contextlib.suppress(OSError):  # a full disk fails the last flush too
                self._text.close()

    def _lost(self, exc: OSError) -> OutputWriteError:
        """A write that failed during the run (a full disk, a vanished folder): what is kept, and where."""
        kept = self.parts if self.fmt == "parquet" else self.partial
        return OutputWriteError(
            f"Cannot write {self.target} ({_reason(exc)}). The {self.records_done} input record(s) finished before "
            f"are kept in {kept}; make room (or fix the folder), then run the same command with --resume to go on.")

    def _merge_parts(self, rows_per_group: int = 10_000) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        parts = sorted(self.parts.glob("part-*.parquet"))
        columns = _arrow_columns(self.specs, self.kept)
        schema, as_json = _unified_schema([pq.read_schema(part) for part in parts], columns, _arrow_metadata(self.specs))
        with pq.ParquetWriter(self.partial, schema) as writer:
            pending, written = [], False
            for part in parts:
                table = pq.read_table(part)
                for name in as_json:
                    table = table.set_column(table.schema.get_field_index(name), name,
                                             _json_array(table.column(name).to_pylist()))
                pending.append(table.select(schema.names).cast(schema))
                if sum(t.num_rows for t in pending) >= rows_per_group:
                    writer.write_table(pa.concat_tables(pending))
                    pending, written = [], True
            if pending or not written:
                writer.write_table(pa.concat_tables(pending) if pending else schema.empty_table())
