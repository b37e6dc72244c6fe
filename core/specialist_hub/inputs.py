"""Typed inputs: records, the input kinds of each modality, and streaming file readers.

Readers only split files into records (no chemistry or decoding happens here); a model's
``preprocess`` parses each record and raises :class:`~specialist_hub.errors.InputError` when it
is malformed, so one bad record never stops a batch.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import os
import sys
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO, TypeVar

from .errors import InputError, InputStreamError, RecordTooLarge, UsageError

T = TypeVar("T")

DISPLAY_LIMIT = 80


@dataclass
class Record:
    """One input item, with where it came from."""

    position: int
    value: Any
    id: str | None = None
    #: Set when the record could not even be read (e.g. a CSV row without the column).
    read_error: str | None = None
    #: The ``input`` column's text when the reader knows it better than the value's look (a file path).
    label: str | None = None
    #: The input row's other columns that the run keeps (``--keep-columns``), by name.
    columns: dict[str, Any] | None = None

    @property
    def display(self) -> str:
        """The ``input`` column's text: a one-line string whole (output files keep what the user gave;
        terminal tables shorten it), multi-line records and objects summarised."""
        if self.label is not None:
            return self.label
        if isinstance(self.value, str) and "\n" not in self.value:
            return self.value
        return describe_value(self.value)


@dataclass(frozen=True)
class Waveform:
    """Audio samples already in memory: a 1-D (samples) or 2-D (channels, samples) array."""

    samples: Any
    sample_rate: int


def chunked(records: Iterable[T], size: int) -> Iterator[list[T]]:
    """Consecutive lists of ``size`` records (or other items; the last may be shorter), read lazily."""
    chunk: list[T] = []
    for record in records:
        chunk.append(record)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def describe_value(value: Any) -> str:
    if isinstance(value, str):
        if "\n" in value:
            first = value.split("\n", 1)[0].strip()
            return f"<record {first}>" if first else "<record>"
        if len(value) > DISPLAY_LIMIT:
            return f"{value[:DISPLAY_LIMIT - 20]}…({len(value)} chars)"
        return value
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    if isinstance(value, Waveform):
        return f"<waveform {getattr(value.samples, 'shape', '?')} @ {value.sample_rate} Hz>"
    size = getattr(value, "size", None)
    if hasattr(value, "mode") and isinstance(size, tuple):
        return f"<image {size[0]}x{size[1]} {value.mode}>"
    shape = getattr(value, "shape", None)
    if shape is not None:
        return f"<array {tuple(shape)}>"
    return f"<{type(value).__name__}>"


#: The longest line or table field a reader accepts, in characters: far above any molecule or
#: protein, enough for a 20 Mb genome on one line, and a bound on memory for any input.
MAX_RECORD_CHARS = int(os.environ.get("HUB_MAX_RECORD_CHARS", "20000000"))


@dataclass(frozen=True)
class ReadOptions:
    """How to read inputs: the table columns (``None``: found by their usual names) and the size
    limit of one line or field."""

    column: str | None = None
    id_column: str | None = None
    max_record_chars: int = MAX_RECORD_CHARS
    #: The table's other columns (or an SDF's properties) to carry into the output: their names, or
    #: ``"all"`` (:func:`kept_column_names` names them before the run).
    keep_columns: tuple[str, ...] | str = ()


class BoundedLines:
    """A text stream's lines, refusing any longer than ``limit`` characters with InputStreamError,
    so one 600 MB line inside a small ``.gz`` cannot exhaust memory."""

    def __init__(self, stream: TextIO, limit: int, name: str):
        self.stream, self.limit, self.name = stream, limit, name

    def __iter__(self) -> Iterator[str]:
        number = 0
        while True:
            line = self.stream.readline(self.limit + 1)
            if not line:
                return
            number += 1
            if number == 1 and line.startswith("\ufeff"):  # a byte-order mark is no part of the first record
                line = line[1:]
            if len(line) > self.limit:
                raise RecordTooLarge(
                    f"{self.name}: line {number} is longer than {self.limit:,} characters, the limit of one "
                    f"record; the records before it were read. Raise the limit with HUB_MAX_RECORD_CHARS "
                    f"if the input is trusted.")
            yield line

    def __enter__(self) -> BoundedLines:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stream.close()


def open_text(path: Path, limit: int = MAX_RECORD_CHARS) -> BoundedLines:
    """Open a UTF-8 text file as bounded lines, transparently un-gzipping ``*.gz``; bytes that are not
    UTF-8 end the reading (InputStreamError, exit 3) instead of becoming U+FFFD in the records."""
    if path.suffix.lower() == ".gz":
        handle: TextIO = io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8", newline="")  # noqa: SIM115
    else:
        handle = open(path, encoding="utf-8", newline="")  # noqa: SIM115 - BoundedLines closes it
    return BoundedLines(handle, limit, path.name)


def standard_input() -> TextIO:
    """Standard input, decoded as input files are (strict UTF-8) whatever the locale: under the C/POSIX
    locale Python reads it with surrogateescape, under Latin-1 as Latin-1, so undecodable bytes would
    pass into the records instead of ending the reading (exit 3)."""
    stdin = sys.stdin
    if isinstance(stdin, io.TextIOWrapper):  # not a StringIO or a notebook's stream, already text
        if codecs.lookup(stdin.encoding).name != "utf-8":
            stdin.reconfigure(encoding="utf-8")
        if stdin.errors != "strict":
            stdin.reconfigure(errors="strict")
    return stdin


def file_suffix(path: Path | str) -> str:
    """Lower-case extension without a trailing .gz: ``mols.sdf.gz`` -> ``.sdf``."""
    name = str(path).lower()
    if name.endswith(".gz"):
        name = name[:-3]
    return os.path.splitext(name)[1]


class InputKind:
    """A modality of input: which Python values it takes and which files it reads.

    Subclass it and register an instance through the ``register_input_kinds`` hook to add a
    modality. Readers yield ``(value, id)`` pairs or ``Record``s and must stream (never load
    a whole file).
    """

    name: str = ""
    description: str = ""
    #: File extensions (lower case, without .gz) this kind reads, mapped to reader method names.
    readers: dict[str, str] = {}
    #: True when command-line arguments are values (SMILES, sequences) rather than file paths.
    literal_arguments: bool = True
    #: True when a directory argument means "every readable file below it".
    reads_directories: bool = False
    #: False when a value never spans lines, so a table cell with a line break is refused as such
    #: instead of being read as another format (a molfile).
    multiline_values: bool = True

    def is_single(self, value: Any) -> bool:
        """Whether a Python API value is one record (a list/iterator means many)."""
        return isinstance(value, (str, os.PathLike))

    def read_path(self, path: Path, options: ReadOptions) -> Iterator[tuple[Any, str | None] | Record]:
        reader = self.readers.get(file_suffix(path))
        if reader is None:
            raise UsageError(
                f"Cannot read {path} as {self.name} input: unsupported extension. "
                f"Supported: {', '.join(sorted(self.readers))}."
            )
        return getattr(self, reader)(path, options)

    def read_stream(self, stream: Iterable[str], options: ReadOptions) -> Iterator[Any]:
        """Read standard input: one value per non-blank line by default."""
        for line in stream:
            line = line.strip()
            if line and not line.startswith("#"):
                yield line, None

    def knows_extension(self, path: str) -> bool:
        return file_suffix(path) in self.readers

    def read_lines(self, path: Path, options: ReadOptions) -> Iterator[tuple[Any, str | None]]:
        with open_text(path, options.max_record_chars) as handle:
            yield from self.read_stream(handle, options)

    def read_table(self, path: Path, options: ReadOptions) -> Iterator[Record | tuple[Any, str | None]]:
        delimiter = "\t" if file_suffix(path) == ".tsv" else ","
        with open_text(path, options.max_record_chars) as handle:
            yield from read_table_rows(handle, delimiter, options, self.column_names, path,
                                       one_line=not self.multiline_values)

    def read_parquet(self, path: Path, options: ReadOptions) -> Iterator[Record | tuple[Any, str | None]]:
        """A Parquet table's input column, ids and kept columns found as in a CSV file, batch by batch."""
        file = _parquet_file(path)
        header = file.schema_arrow.names
        value_col = find_column(header, options.column, self.column_names, "the input values", path)
        if value_col is None:
            raise UsageError(f"{path}: no input column found (looked for {', '.join(self.column_names)}); "
                             f"columns are: {', '.join(header)}. Choose one with --column NAME.")
        id_col = find_column(header, options.id_column, ID_COLUMNS, "record ids", path)
        kept = [name for name in options.keep_columns if name in header]
        read = list(dict.fromkeys([value_col, *([id_col] if id_col else []), *kept]))
        for batch in _parquet_batches(file, path, read):
            for row in batch.to_pylist():
                value, record_id = row[value_col], None if id_col is None or row[id_col] is None else str(row[id_col])
                columns = {name: row.get(name) for name in options.keep_columns} if options.keep_columns else None
                if value is None:
                    yield Record(-1, "", record_id, read_error=f"no {value_col!r} value", columns=columns)
                else:
                    yield Record(-1, str(value).strip(), record_id, columns=columns)

    #: Column names looked for (case-insensitively, in order) in CSV/TSV inputs.
    column_names: tuple[str, ...] = ()


def _parquet_file(path: Path) -> Any:
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise UsageError('Parquet input needs pyarrow: pip install "specialist-hub[tables]"') from None
    try:
        return pq.ParquetFile(path)
    except (OSError, ValueError) as exc:  # pyarrow's ArrowInvalid is a ValueError
        raise InputStreamError(f"{path.name}: not a readable Parquet file ({exc}).") from None


def _parquet_batches(file: Any, path: Path, columns: list[str]) -> Iterator[Any]:
    batches = file.iter_batches(batch_size=1024, columns=columns)
    while True:
        try:
            batch = next(batches, None)
        except (OSError, ValueError) as exc:
            raise InputStreamError(f"{path.name}: cannot be read to its end ({exc}); the records before it were read.") \
                from None
        if batch is None:
            return
        yield batch


ID_COLUMNS = ("id", "name", "identifier", "compound_id", "mol_id", "title", "accession")


def find_column(header: list[str], wanted: str | None, candidates: Iterable[str], what: str, path) -> str | None:
    if wanted is not None:
        if wanted not in header:
            raise UsageError(f"{path}: no column {wanted!r} for {what}; columns are: {', '.join(header)}.")
        return wanted
    lowered = {h.strip().lower(): h for h in header}
    for name in candidates:
        if name in lowered:
            return lowered[name]
    return None


def read_table_rows(handle: Iterable[str], delimiter: str, options: ReadOptions, value_columns,
                    path, one_line: bool = False) -> Iterator[Record | tuple]:
    csv.field_size_limit(max(csv.field_size_limit(), options.max_record_chars))
    reader = csv.reader(handle, delimiter=delimiter)
    header = next(reader, None)
    if header is None:
        return
    value_col = find_column(header, options.column, value_columns, "the input values", path)
    if value_col is None:
        raise UsageError(
            f"{path}: no input column found (looked for {', '.join(value_columns)}); "
            f"columns are: {', '.join(header)}. Choose one with --column NAME."
        )
    id_col = find_column(header, options.id_column, ID_COLUMNS, "record ids", path)
    value_index = header.index(value_col)
    id_index = header.index(id_col) if id_col is not None else None
    kept = [(name, header.index(name) if name in header else None) for name in options.keep_columns]
    for line_no, row in enumerate(reader, start=2):
        if not row:
            continue
        record_id = row[id_index] if id_index is not None and id_index < len(row) else None
        columns = {name: row[i] if i is not None and i < len(row) else None for name, i in kept} if kept else None
        if value_index >= len(row):
            yield Record(-1, "", record_id, read_error=f"line {line_no} has no {value_col!r} value", columns=columns)
        elif one_line and ("\n" in row[value_index].strip() or "\r" in row[value_index].strip()):
            yield Record(-1, "", record_id, read_error=f"line {line_no}: the {value_col!r} value has a line break "
                                                       f"inside its quotes; a table holds one value per cell (molfiles "
                                                       f"go in .sdf or .mol files)", columns=columns)
        elif columns is not None:
            yield Record(-1, row[value_index].strip(), record_id, columns=columns)
        else:
            yield row[value_index].strip(), record_id


class MoleculeKind(InputKind):
    name = "molecule"
    multiline_values = False
    description = "Molecules: SMILES strings, .smi/.csv/.tsv tables, or .sdf/.mol records"
    readers = {".smi": "read_lines", ".smiles": "read_lines", ".txt": "read_lines", ".csv": "read_table",
               ".tsv": "read_table", ".parquet": "read_parquet", ".sdf": "read_sdf", ".mol": "read_sdf"}
    column_names = ("smiles", "canonical_smiles", "isomeric_smiles", "smi", "mol", "molecule")

    def read_stream(self, stream, options):
        """SMILES files: the SMILES, then an optional name; a 'SMILES ...' header is skipped."""
        for line in stream:
            parts = line.strip().split(None, 1)
            if not parts or parts[0].startswith("#") or parts[0].lower() in ("smiles", "smi"):
                continue
            yield parts[0], (parts[1].strip() if len(parts) > 1 else None)

    def read_sdf(self, path, options):
        """Yield each molfile block as text; its first line (the title) is the record id."""
        with open_text(path, options.max_record_chars) as handle:
            block: list[str] = []
            for line in handle:
                if line.rstrip("\r\n") == "$$$$":
                    yield _molblock_record(block, options.keep_columns)
                    block = []
                else:
                    block.append(line)
            if any(line.strip() for line in block):
                yield _molblock_record(block, options.keep_columns)


def _molblock_record(lines: list[str], keep: Iterable[str] = ()) -> tuple[str, str | None] | Record:
    text = "".join(lines)
    title = lines[0].strip() if lines else ""
    value = text if text.endswith("\n") else text + "\n"
    if not keep:
        return value, (title or None)
    properties = sdf_properties(lines)
    return Record(-1, value, title or None, columns={name: properties.get(name) for name in keep})


def sdf_properties(lines: Iterable[str]) -> dict[str, str]:
    """An SDF record's data items (``> <NAME>`` then value lines up to a blank one), by name."""
    properties: dict[str, str] = {}
    name: str | None = None
    for line in lines:
        line = line.rstrip("\r\n")
        tag = _sdf_property_name(line)
        if tag is not None:
            name = tag
            properties[name] = ""
        elif name is not None and line.strip():
            properties[name] = f"{properties[name]}\n{line}" if properties[name] else line
        else:
            name = None
    return properties


def _sdf_property_name(line: str) -> str | None:
    """NAME of a data header line (``> <NAME>`` or ``>  25  <NAME>  (ID)``), else None."""
    if not line.startswith(">"):
        return None
    start = line.find("<")
    end = line.find(">", start + 1)
    return line[start + 1:end] if start > 0 and end > start else None


class SequenceKind(InputKind):
    name = "sequence"
    description = "Biological sequences (protein, DNA, RNA): raw strings, FASTA, or CSV with a sequence column"
    readers = dict.fromkeys((".fasta", ".fa", ".faa", ".fna", ".ffn", ".fas", ".frn"), "read_fasta")
    readers.update({".csv": "read_table", ".tsv": "read_table", ".parquet": "read_parquet", ".txt": "read_lines",
                    ".seq": "read_lines"})
    column_names = ("sequence", "seq", "protein", "peptide", "dna", "rna")

    def read_stream(self, stream, options):
        first = ""
        for first in stream:
            if first.strip():
                break
        if first.startswith(">"):
            yield from parse_fasta(_chain([first], stream))
        elif first.strip():
            yield from super().read_stream(_chain([first], stream), options)

    def read_fasta(self, path, options):
        with open_text(path, options.max_record_chars) as handle:
            yield from parse_fasta(handle)


def _chain(first: list[str], rest: Iterable[str]) -> Iterator[str]:
    yield from first
    yield from rest


def parse_fasta(lines: Iterable[str]) -> Iterator[tuple[str, str | None]]:
    """Stream (sequence, id) pairs from FASTA lines; the id is the header's first word."""
    header: str | None = None
    chunks: list[str] = []
    for line in lines:
        line = line.strip()
        if line.startswith(">"):
            if header is not None:
                yield "".join(chunks), header
            header = line[1:].split(None, 1)[0] if line[1:].strip() else ""
            chunks = []
        elif line and not line.startswith(";"):
            chunks.append(line)
    if header is not None:
        yield "".join(chunks), header


class TextKind(InputKind):
    name = "text"
    description = "Free text (e.g. prompts): one record per line, or a CSV column"
    readers = {".txt": "read_lines", ".csv": "read_table", ".tsv": "read_table", ".parquet": "read_parquet"}
    column_names = ("text", "prompt", "caption")


class MediaFileKind(InputKind):
    """Inputs that are files of a media type (images, audio): arguments are paths."""

    literal_arguments = False
    reads_directories = True

    def read_one(self, path, options):
        yield str(path), None

    def read_stream(self, stream, options):
        for line in stream:
            line = line.strip()
            if line:
                yield line, None

    def is_single(self, value: Any) -> bool:
        return not (isinstance(value, (list, Iterator)) or isinstance(value, tuple) and not self._is_pair(value))

    @staticmethod
    def _is_pair(value: tuple) -> bool:
        return len(value) == 2 and isinstance(value[1], int) and not isinstance(value[0], (str, os.PathLike))


class ImageKind(MediaFileKind):
    name = "image"
    description = "Images: PNG, JPEG, TIFF, BMP, WebP, GIF files or directories; PIL images or arrays in Python"
    readers = dict.fromkeys((".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".webp", ".gif"), "read_one")


class AudioKind(MediaFileKind):
    name = "audio"
    description = "Audio: WAV, FLAC, OGG, MP3 files or directories; (array, sample_rate) or Waveform in Python"
    readers = dict.fromkeys((".wav", ".flac", ".ogg", ".oga", ".mp3", ".aiff", ".aif"), "read_one")


BUILTIN_KINDS: tuple[InputKind, ...] = (MoleculeKind(), SequenceKind(), TextKind(), ImageKind(), AudioKind())


def media_file(path: str | os.PathLike, what: str) -> str:
    """``path`` as a string when it names a non-empty file; else InputError naming the file and
    what is wrong (missing, a directory, empty), for models that read ``what`` (``a video``)."""
    path = os.fspath(path)
    if not os.path.exists(path):
        raise InputError(f"{path}: file not found")
    if os.path.isdir(path):
        raise InputError(f"{path}: is a directory, not {what} file")
    if os.path.getsize(path) == 0:
        raise InputError(f"{path}: file is empty (0 bytes)")
    return path


def python_records(kind: InputKind, inputs: Any) -> Iterator[Record]:
    """Records of a Python API call's ``inputs``: one value (as the kind decides) or an iterable of
    values or Records. Inputs that are no value at all are refused at once, not split byte by byte."""
    if inputs is None or isinstance(inputs, (bytes, bytearray, int, float)):
        hint = " (decode bytes to str first)" if isinstance(inputs, (bytes, bytearray)) else ""
        raise UsageError(f"Expected an input value or a list of them, got {type(inputs).__name__}{hint}.")
    if kind.is_single(inputs):
        values: Iterable[Any] = [inputs]
    elif isinstance(inputs, Iterable):
        values = inputs
    else:
        raise UsageError(f"Expected an input value or a list of them, got {type(inputs).__name__}.")
    for position, value in enumerate(values):
        yield value if isinstance(value, Record) else Record(position, value)


def iter_records(kind: InputKind, sources: Iterable[Any], options: ReadOptions = ReadOptions(),
                 stdin: Callable[[], TextIO] = standard_input) -> Iterator[Record]:
    """Stream records from command-line style sources: values, paths, directories or ``-``.

    A source that cannot be read to its end raises InputStreamError after its last good record.
    """
    position = 0
    for source in sources:
        items = _expand_source(kind, source, options, stdin)
        while True:
            try:
                item = next(items, None)
            except (OSError, EOFError, csv.Error, UnicodeError, zlib.error) as exc:
                name = "standard input" if source == "-" else Path(os.fspath(source)).name if isinstance(
                    source, (str, os.PathLike)) else type(source).__name__
                raise InputStreamError(f"{name}: cannot be read past record {position} ({type(exc).__name__}: "
                                       f"{_without_paths(exc)}); the records before it were read.") from None
            if item is None:
                break
            record = item if isinstance(item, Record) else Record(position, item[0], item[1])
            record.position = position
            if not kind.literal_arguments and isinstance(record.value, str) and record.label is None:
                record.label = record.value  # a path, shown as it is (a line break in it included)
            position += 1
            yield record


def kept_column_names(kind: InputKind, sources: Iterable[Any], options: ReadOptions) -> tuple[str, ...]:
    """The columns ``--keep-columns`` carries, fixed before the run (so a CSV or Parquet output has
    them from its header): ``all`` is every column of the CSV/TSV/Parquet inputs but the input and
    id columns, and every SDF property; listed names must be in at least one input."""
    if not options.keep_columns:
        return ()
    files = list(_table_files(kind, sources))
    if not files:
        raise UsageError("--keep-columns needs CSV, TSV, Parquet or SDF inputs (their other columns or properties).")
    found: dict[str, None] = {}
    for path in files:
        if file_suffix(path) == ".parquet":
            header = _parquet_file(path).schema_arrow.names
            used = {find_column(header, options.column, kind.column_names, "the input values", path),
                    find_column(header, options.id_column, ID_COLUMNS, "record ids", path)}
            found.update(dict.fromkeys(name for name in header if name not in used))
        elif file_suffix(path) in (".csv", ".tsv"):
            with open_text(path, options.max_record_chars) as handle:
                header = next(csv.reader(handle, delimiter="\t" if file_suffix(path) == ".tsv" else ","), None) or []
            used = {find_column(header, options.column, kind.column_names, "the input values", path),
                    find_column(header, options.id_column, ID_COLUMNS, "record ids", path)}
            found.update(dict.fromkeys(name for name in header if name not in used))
        else:
            with open_text(path, options.max_record_chars) as handle:
                found.update(dict.fromkeys(name for name in map(_sdf_property_name, handle) if name is not None))
    if options.keep_columns == "all":
        return tuple(found)
    missing = [name for name in options.keep_columns if name not in found]
    if missing:
        raise UsageError(f"--keep-columns: no column {', '.join(map(repr, missing))} in the inputs; their columns "
                         f"are: {', '.join(found) or 'none'}.")
    return tuple(options.keep_columns)


def _table_files(kind: InputKind, sources: Iterable[Any]) -> Iterator[Path]:
    """The CSV, TSV and SDF files among ``sources`` (directories expanded) that ``kind`` reads as tables."""
    for source in sources:
        if not isinstance(source, (str, os.PathLike)) or os.fspath(source) == "-":
            continue
        path = Path(os.fspath(source))
        files = sorted(p for p in path.rglob("*") if p.is_file()) if kind.reads_directories and path.is_dir() else [path]
        for file in files:
            if file.is_file() and kind.readers.get(file_suffix(file)) in ("read_table", "read_parquet", "read_sdf"):
                yield file


def _without_paths(exc: BaseException) -> str:
    """An OS error's message without the file path it names (the server must not leak them)."""
    if isinstance(exc, OSError) and exc.filename:
        return exc.strerror or type(exc).__name__
    return str(exc) or type(exc).__name__


def _expand_source(kind: InputKind, source: Any, options: ReadOptions, stdin) -> Iterator:
    if isinstance(source, Record):
        yield source
        return
    if not isinstance(source, (str, os.PathLike)):
        yield source, None
        return
    text = os.fspath(source)
    if text == "-":
        yield from kind.read_stream(BoundedLines(stdin(), options.max_record_chars, "standard input"), options)
        return
    path = Path(text)
    if kind.reads_directories and path.is_dir():
        for child in sorted(p for p in path.rglob("*") if p.is_file() and kind.knows_extension(p.name)):
            yield from kind.read_path(child, options)
        return
    if kind.knows_extension(text) and (path.is_file() or kind.literal_arguments):
        if not path.is_file():
            raise UsageError(f"Input file not found: {text}")
        yield from kind.read_path(path, options)
        return
    # A literal value, or a media path that is missing or unsupported: the model reports the
    # latter as a per-record error, in order, instead of stopping the run.
    yield text, None
