"""Output writers: table (for people), json, jsonl, csv and parquet (for programs).

Writers take predictions one at a time, so output streams; files are written to a temporary
name in the target folder and renamed into place only when the run completes.
"""

from __future__ import annotations

import contextlib
import csv
import json
import math
import os
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, Any

from .errors import UsageError
from .results import Prediction
from .spec import ModelSpec

FORMATS = ("table", "json", "jsonl", "csv", "parquet")
EXTENSION_FORMATS = {".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv",
                     ".parquet": "parquet", ".txt": "table"}
BASE_COLUMNS = ("position", "id", "input", "model", "model_version", "ok", "error_type", "error_message")


def format_for(output: str | None, requested: str | None, is_tty: bool) -> str:
    """The output format: as requested, else from the output's extension, else by terminal."""
    if requested:
        return requested
    if output and output != "-":
        suffix = Path(output).suffix.lower()
        if suffix not in EXTENSION_FORMATS:
            raise UsageError(f"Cannot tell the format of {output!r} from its extension; add --format.")
        return EXTENSION_FORMATS[suffix]
    return "table" if is_tty else "jsonl"


def output_columns(specs: Sequence[ModelSpec]) -> list[str]:
    columns = list(BASE_COLUMNS)
    for spec in specs:
        columns += [name for name in spec.output_names if name not in columns]
    return columns


def _cell(value: Any) -> Any:
    if isinstance(value, (list, dict)):
        return json.dumps(value, separators=(",", ":"))
    return value


def _json_default(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return str(value)


class Writer:
    def __init__(self, stream: IO[str], specs: Sequence[ModelSpec]):
        self.stream = stream
        self.specs = specs

    def write(self, prediction: Prediction) -> None:
        raise NotImplementedError

    def close(self) -> None:
        """Finish the document (closing brackets, footers)."""


class JsonLinesWriter(Writer):
    def write(self, prediction):
        self.stream.write(json.dumps(prediction.to_dict(), default=_json_default) + "\n")


class JsonWriter(Writer):
    def __init__(self, stream, specs):
        super().__init__(stream, specs)
        self.count = 0
        stream.write("[")

    def write(self, prediction):
        self.stream.write(("," if self.count else "") + "\n  " + json.dumps(prediction.to_dict(), default=_json_default))
        self.count += 1

    def close(self):
        self.stream.write("\n]\n" if self.count else "]\n")


class CsvWriter(Writer):
    def __init__(self, stream, specs):
        super().__init__(stream, specs)
        self.writer = csv.DictWriter(stream, fieldnames=output_columns(specs), extrasaction="ignore")
        self.writer.writeheader()

    def write(self, prediction):
        self.writer.writerow({k: _cell(v) for k, v in prediction.flat().items()})


class TableWriter(Writer):
    """A readable block per prediction: values with their units, errors spelled out."""

    def __init__(self, stream, specs):
        super().__init__(stream, specs)
        self.units = {(s.id, o.name): o.unit for s in specs for o in s.outputs}

    def write(self, prediction):
        label = f" [{prediction.id}]" if prediction.id else ""
        status = "" if prediction.ok else "  FAILED"
        self.stream.write(f"#{prediction.position}{label} {prediction.input}  ({prediction.model}){status}\n")
        if not prediction.ok:
            self.stream.write(f"  {prediction.error['type']}: {prediction.error['message']}\n\n")
            return
        width = max((len(k) for k in prediction.output), default=0)
        for name, value in prediction.output.items():
            unit = self.units.get((prediction.model, name), "")
            self.stream.write(f"  {name:<{width}}  {_human(value)}{' ' + unit if unit else ''}\n")
        self.stream.write("\n")


def _human(value: Any, limit: int = 100) -> str:
    if isinstance(value, float):
        return f"{value:.4g}" if abs(value) < 1e5 else f"{value:.6g}"
    if isinstance(value, (list, dict)):
        text = json.dumps(value, default=_json_default)
        return text if len(text) <= limit else text[: limit - 12] + f"… ({len(value)} items)"
    return str(value)


class ParquetWriter(Writer):
    """Streams row groups through pyarrow; provenance goes in the file's metadata."""

    def __init__(self, stream, specs, path: str, rows_per_group: int = 10_000):
        try:
            import pyarrow as pa
            import pyarrow.parquet as pq
        except ImportError:
            raise UsageError('Parquet output needs pyarrow: pip install "specialist-hub[tables]"') from None
        self.pa, self.rows, self.rows_per_group = pa, [], rows_per_group
        self.schema = _arrow_schema(pa, specs)
        from . import __version__

        metadata = {"specialist_hub_version": __version__,
                    "models": json.dumps({s.id: s.version for s in specs})}
        self.schema = self.schema.with_metadata(metadata)
        self.writer = pq.ParquetWriter(path, self.schema)

    def write(self, prediction):
        self.rows.append({k: _cell(v) for k, v in prediction.flat().items()})
        if len(self.rows) >= self.rows_per_group:
            self._flush()

    def _flush(self):
        if self.rows:
            self.writer.write_table(self.pa.Table.from_pylist(self.rows, schema=self.schema))
            self.rows = []

    def close(self):
        self._flush()
        self.writer.close()


def _arrow_schema(pa, specs):
    types = {"float": pa.float64(), "int": pa.int64(), "str": pa.string(), "bool": pa.bool_(),
             "list": pa.string(), "dict": pa.string()}
    columns = {"position": pa.int64(), "id": pa.string(), "input": pa.string(), "model": pa.string(),
               "model_version": pa.string(), "ok": pa.bool_(), "error_type": pa.string(),
               "error_message": pa.string()}
    for spec in specs:
        for output in spec.outputs:
            columns.setdefault(output.name, types[output.type])
    return pa.schema(list(columns.items()))


WRITERS = {"jsonl": JsonLinesWriter, "json": JsonWriter, "csv": CsvWriter, "table": TableWriter}


@contextlib.contextmanager
def open_writer(fmt: str, output: str | None, specs: Sequence[ModelSpec], stdout: IO[str]) -> Iterator[Writer]:
    """A writer to stdout, or to a temporary file renamed over ``output`` on success."""
    if fmt not in FORMATS:
        raise UsageError(f"Unknown format {fmt!r}; choose one of {', '.join(FORMATS)}.")
    if not output or output == "-":
        if fmt == "parquet":
            raise UsageError("Parquet output needs a file: add --output results.parquet.")
        writer = WRITERS[fmt](stdout, specs)
        yield writer
        writer.close()
        stdout.flush()
        return
    target = Path(output)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent)
    try:
        if fmt == "parquet":
            os.close(fd)
            writer = ParquetWriter(None, specs, temp)
            yield writer
            writer.close()
        else:
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
                writer = WRITERS[fmt](handle, specs)
                yield writer
                writer.close()
                handle.flush()
                os.fsync(handle.fileno())
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
