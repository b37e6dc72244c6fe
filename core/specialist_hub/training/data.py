"""Labelled records for training: read from a table (CSV/TSV, Parquet, SDF properties) or from a
folder with one subfolder per class, then checked and cleaned with every dropped record counted."""

from __future__ import annotations

import csv
import math
import os
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import TrainingDataError, UsageError
from ..inputs import ID_COLUMNS, InputKind, file_suffix, find_column, open_text

#: Numeric targets with at most this many distinct whole values are read as classes.
MAX_INTEGER_CLASSES = 10
#: Fewer usable records than this cannot give a cross-validated, calibrated model.
MIN_RECORDS = 20
#: Each class needs this many records, so every fold can hold some of it.
MIN_PER_CLASS = 5
TASKS = ("regression", "classification")


@dataclass
class Table:
    """Columns of the labelled file, as text (Parquet numbers are kept as numbers)."""

    columns: dict[str, list[Any]]
    #: Folder that relative media paths in the table are resolved against.
    folder: Path

    @property
    def header(self) -> list[str]:
        return list(self.columns)

    def __len__(self) -> int:
        return len(next(iter(self.columns.values()), []))


def read_table(path: Path) -> Table:
    """A CSV/TSV (optionally gzipped), Parquet or SDF file as columns; SDF records give their
    molfile block as ``molblock``, their title as ``name`` and their data items as columns."""
    suffix = file_suffix(path)
    if suffix == ".parquet":
        try:
            import pyarrow.parquet as pq
        except ImportError:
            raise UsageError('Reading Parquet needs pyarrow: pip install "specialist-hub[tables]"') from None
        return Table(pq.read_table(path).to_pydict(), path.parent)
    if suffix in (".sdf", ".sd"):
        return Table(_sdf_columns(path), path.parent)
    if suffix not in (".csv", ".tsv"):
        raise UsageError(f"{path.name}: hub train reads .csv, .tsv, .parquet or .sdf tables (optionally .gz), "
                         f"or a folder with one subfolder per class.")
    with open_text(path) as handle:
        rows = list(csv.reader(handle, delimiter="\t" if suffix == ".tsv" else ","))
    if not rows:
        raise TrainingDataError(f"{path.name} is empty.")
    header, body = [h.lstrip("\ufeff").strip() for h in rows[0]], [r for r in rows[1:] if r]
    return Table({name: [row[i] if i < len(row) else "" for row in body] for i, name in enumerate(header)}, path.parent)


def _sdf_columns(path: Path) -> dict[str, list[Any]]:
    records: list[dict[str, str]] = []
    block: list[str] = []
    with open_text(path) as handle:
        for line in handle:
            if line.rstrip("\r\n") == "$$$$":
                records.append(_sdf_record(block))
                block = []
            else:
                block.append(line)
    if any(line.strip() for line in block):
        records.append(_sdf_record(block))
    names = list(dict.fromkeys(name for record in records for name in record))
    return {name: [record.get(name, "") for record in records] for name in names}


def _sdf_record(lines: list[str]) -> dict[str, str]:
    end = next((i for i, line in enumerate(lines) if line.startswith("M  END")), len(lines) - 1)
    record = {"molblock": "".join(lines[: end + 1]), "name": lines[0].strip() if lines else ""}
    i = end + 1
    while i < len(lines):
        line = lines[i].strip()
        if line.startswith(">") and "<" in line and ">" in line[line.index("<"):]:
            name = line[line.index("<") + 1: line.index(">", line.index("<"))]
            values = []
            i += 1
            while i < len(lines) and lines[i].strip():
                values.append(lines[i].strip())
                i += 1
            record[name] = "\n".join(values)
        i += 1
    return record


def class_folders(folder: Path, kind: InputKind) -> Table:
    """A folder with one subfolder per class: each file the input kind reads is a record whose
    ``label`` is its subfolder's name."""
    paths, labels = [], []
    for sub in sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".")):
        for child in sorted(p for p in sub.rglob("*") if p.is_file() and kind.knows_extension(p.name)):
            paths.append(str(child))
            labels.append(sub.name)
    if not paths:
        raise TrainingDataError(f"{folder}: no subfolders with {kind.name} files; give one subfolder per class "
                                f"(e.g. {folder}/cats/1.jpg, {folder}/dogs/2.jpg) or a CSV of paths and labels.")
    return Table({"path": paths, "label": labels}, folder)


@dataclass
class Labelled:
    """The records of a training file: input values, ids, targets, and optional groups or folds."""

    values: list[Any]
    ids: list[str | None]
    targets: dict[str, list[Any]]
    tasks: dict[str, str]
    groups: list[str] | None = None
    folds: list[str] | None = None
    #: Why each dropped record was dropped, by reason, with examples (written into the card).
    dropped: dict[str, list[str]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    #: The class labels of each classification target, in the order the model reports them.
    labels: dict[str, list[str]] = field(default_factory=dict)

    def drop(self, reason: str, what: str) -> None:
        self.dropped.setdefault(reason, []).append(what)

    def dropped_counts(self) -> dict[str, int]:
        return {reason: len(items) for reason, items in self.dropped.items()}


def load_labelled(source: Path, kind: InputKind, targets: Sequence[str], *, column: str | None = None,
                  id_column: str | None = None, group_column: str | None = None, split_column: str | None = None,
                  task: str | None = None) -> Labelled:
    """Read ``source`` and pick its columns; targets are typed (``task`` overrides the inference)."""
    if task is not None and task not in TASKS:
        raise UsageError(f"--task must be one of {', '.join(TASKS)}, got {task!r}.")
    if source.is_dir():
        table = class_folders(source, kind)
        targets = list(targets) or ["label"]
    else:
        if not source.is_file():
            raise UsageError(f"Training file not found: {source}")
        table = read_table(source)
    if not targets:
        raise UsageError(f"Name the column(s) to learn with --target; {source.name} has: {', '.join(table.header)}.")
    value_column = find_column(table.header, column, (*kind.column_names, "molblock", "path", "file", "filename"),
                               "the input values", source)
    if value_column is None:
        raise UsageError(f"{source.name}: no input column found (looked for {', '.join(kind.column_names)}); columns "
                         f"are: {', '.join(table.header)}. Choose one with --column NAME.")
    for name in (*targets, group_column, split_column):
        if name is not None and name not in table.columns:
            raise UsageError(f"{source.name}: no column {name!r}; columns are: {', '.join(table.header)}.")
    if value_column in targets:
        raise UsageError(f"Column {value_column!r} is the input; choose another --target.")
    values = [_media_path(v, table.folder) if not kind.literal_arguments else v for v in table.columns[value_column]]
    id_col = find_column(table.header, id_column, ID_COLUMNS, "record ids", source)
    ids: list[str | None] = ([str(v) if v not in (None, "") else None for v in table.columns[id_col]] if id_col
                             else [None] * len(values))
    data = Labelled(values=values, ids=ids, targets={}, tasks={},
                    groups=_texts(table.columns[group_column]) if group_column else None,
                    folds=_texts(table.columns[split_column]) if split_column else None)
    for name in targets:
        data.tasks[name], data.targets[name] = _typed_target(name, table.columns[name], task)
        data.notes.append(f"{name}: {data.tasks[name]} ({_task_reason(data.tasks[name], data.targets[name], task)})")
    return data


def _texts(column: list[Any]) -> list[str]:
    return ["" if v is None else str(v).strip() for v in column]


def _media_path(value: Any, folder: Path) -> str:
    text = str(value).strip()
    return text if not text or os.path.isabs(text) else str(folder / text)


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return float(value) if math.isfinite(value) else None
    try:
        number = float(str(value).strip())
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or str(value).strip().lower() in (
        "", "nan", "na", "n/a", "none", "null")


def _typed_target(name: str, column: list[Any], task: str | None) -> tuple[str, list[Any]]:
    present = [v for v in column if not _is_missing(v)]
    numbers = [_number(v) for v in present]
    numeric = bool(present) and all(n is not None for n in numbers)
    if task is None:
        whole = numeric and all(float(n).is_integer() for n in numbers if n is not None)
        task = "classification" if not numeric or (whole and len(set(numbers)) <= MAX_INTEGER_CLASSES) else "regression"
    if task == "regression":
        if not numeric:
            bad = [str(v) for v, n in zip(present, numbers) if n is None][:5]
            raise TrainingDataError(f"Target {name!r} is not numeric (e.g. {', '.join(map(repr, bad))}); fix those "
                                    f"values, or train a classifier with --task classification.")
        return task, [None if _is_missing(v) else _number(v) for v in column]
    return task, [None if _is_missing(v) else _label(v) for v in column]


def _label(value: Any) -> str:
    number = _number(value)
    return str(int(number)) if number is not None and number.is_integer() else str(value).strip()


def _task_reason(task: str, values: list[Any], forced: str | None) -> str:
    if forced:
        return "--task"
    known = [v for v in values if v is not None]
    if task == "regression":
        return f"numeric with {len(set(known))} distinct values; --task classification to override"
    return (f"{len(set(known))} classes: {', '.join(sorted(map(str, set(known)))[:8])}"
            f"{'…' if len(set(known)) > 8 else ''}; --task regression to override")


def deduplicate(data: Labelled, rows: list[int], keys: list[str]) -> list[int]:
    """Positions in ``rows`` (records of ``data``) to keep, one per identical input (``keys[i]``:
    the canonical form of record ``rows[i]``); the merged values are written into the kept record.

    A regression target takes the mean of the duplicates' values; a class target their most common
    label, and a duplicate whose labels tie is dropped. Every merge and conflict is counted."""
    by_key: dict[str, list[int]] = defaultdict(list)
    for position, key in enumerate(keys):
        by_key[key].append(position)
    keep = []
    for positions in by_key.values():
        keep.append(positions[0])
        if len(positions) == 1:
            continue
        first, members = rows[positions[0]], [rows[p] for p in positions]
        data.drop("duplicate inputs merged into their first record", _name(data, members[1]))
        for name, values in data.targets.items():
            known = [values[i] for i in members if values[i] is not None]
            if not known:
                continue
            if data.tasks[name] == "regression":
                values[first] = sum(known) / len(known)
                if max(known) - min(known) > 0.5 * _spread([values[i] for i in rows]):
                    data.drop(f"duplicates with conflicting {name} values (mean kept)", _name(data, first))
            else:
                ranked = Counter(known).most_common()
                tie = len(ranked) > 1 and ranked[0][1] == ranked[1][1]
                values[first] = None if tie else ranked[0][0]
                if len(ranked) > 1:
                    verdict = "dropped: tied" if tie else "majority kept"
                    data.drop(f"duplicates with conflicting {name} labels ({verdict})", _name(data, first))
    return sorted(keep)


def _name(data: Labelled, row: int) -> str:
    """How a record is named in the card and report: its id, else its place in the file."""
    return data.ids[row] or f"record {row + 1}"


def _spread(values: list[Any]) -> float:
    known = [v for v in values if v is not None]
    if len(known) < 2:
        return 0.0
    mean = sum(known) / len(known)
    return math.sqrt(sum((v - mean) ** 2 for v in known) / (len(known) - 1))


def check_target(name: str, task: str, values: list[Any]) -> list[str]:
    """The labels of a usable target (empty for regression); TrainingDataError says what is wrong."""
    known = [v for v in values if v is not None]
    if len(known) < MIN_RECORDS:
        raise TrainingDataError(f"Target {name!r} has {len(known)} usable records; a cross-validated, calibrated "
                                f"model needs at least {MIN_RECORDS}. Add labelled records.")
    if task == "regression":
        if max(known) == min(known):
            raise TrainingDataError(f"Target {name!r} is constant ({known[0]}); there is nothing to learn.")
        return []
    counts = Counter(known)
    if len(counts) < 2:
        raise TrainingDataError(f"Target {name!r} has one class only ({next(iter(counts))!r}); a classifier needs "
                                f"records of at least two classes.")
    rare = sorted(label for label, count in counts.items() if count < MIN_PER_CLASS)
    if rare:
        raise TrainingDataError(f"Target {name!r}: classes {', '.join(map(repr, rare))} have fewer than "
                                f"{MIN_PER_CLASS} records each; add records or merge those classes.")
    return sorted(counts, key=lambda label: (_number(label) is None, _number(label) or 0.0, label))


