"""The prediction record, defined once: every writer, the server, Arrow and Ray derive from it.

:class:`Prediction` is the record; :data:`RECORD_COLUMNS` (its flat columns and their types) is
derived from the dataclass, and :func:`strict_json` is the one way a record becomes JSON text:
strict JSON, where a float that is not finite becomes ``null``.
"""

from __future__ import annotations

import json
import math
import typing
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any, SupportsIndex, overload

from .display import DisplayContext, Renderer, prediction_text, predictions_html, predictions_text

if TYPE_CHECKING:
    from .spec import ModelSpec


@dataclass
class Prediction:
    """The result of one model on one input: ``output`` when ``ok``, else ``error``."""

    position: int
    id: str | None
    input: str
    model: str
    model_version: str
    #: The distribution that provides the model and its version, e.g. ``specialist-hub==0.1.0``.
    package: str
    ok: bool
    output: dict[str, Any] | None = None
    #: ``{"type": ..., "message": ...}`` when not ok.
    error: dict[str, str] | None = None
    #: The input row's other columns the run kept (``--keep-columns``), by their output names.
    columns: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        """The record as JSON-ready data: ``output`` when ok, else ``error``, never both."""
        data = {name: getattr(self, name) for name in SCALAR_FIELDS}
        if self.columns is not None:
            data["columns"] = self.columns
        if self.ok:
            data["output"] = self.output
        else:
            data["error"] = self.error
        return data

    def flat(self) -> dict[str, Any]:
        """One flat row: output fields become columns; the error becomes error_type/error_message."""
        row: dict[str, Any] = {name: getattr(self, name) for name in SCALAR_FIELDS}
        row["error_type"] = self.error["type"] if self.error else None
        row["error_message"] = self.error["message"] if self.error else None
        row.update(self.columns or {})
        row.update(self.output or {})
        return row

    def to_row(self) -> dict[str, Any]:
        """A row for table engines (Ray, Arrow): the base columns plus ``output`` as strict JSON,
        which keeps ints, lists and nulls exactly as the model made them."""
        row = {k: v for k, v in self.flat().items() if k in BASE_COLUMNS}
        row["output"] = strict_json(self.output) if self.ok else None
        if self.columns is not None:
            row["columns"] = strict_json(self.columns)
        return row

    @classmethod
    def from_row(cls, row: Mapping[str, Any], position: int) -> Prediction:
        """The inverse of :meth:`to_row`; ``position`` is given because engines renumber rows."""
        ok = bool(row["ok"])
        record_id = row.get("id")
        return cls(position=position, id=None if _missing(record_id) else str(record_id), input=row["input"],
                   model=row["model"], model_version=row["model_version"], package=row["package"], ok=ok,
                   output=json.loads(row["output"]) if ok else None,
                   error=None if ok else {"type": row["error_type"], "message": row["error_message"]},
                   columns=None if _missing(row.get("columns")) else json.loads(row["columns"]))

    def __repr__(self) -> str:
        return prediction_text(self)

    def _repr_html_(self) -> str:
        """A one-row table (shown alone, a prediction has no spec: no units, the input as text)."""
        return predictions_html([self])


#: The record's scalar fields, in output order (everything but ``output``, ``error`` and ``columns``).
SCALAR_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Prediction) if f.name not in ("output", "error", "columns"))
#: Flat columns every row has before the model's output fields, with their field types.
_HINTS = typing.get_type_hints(Prediction)
RECORD_COLUMNS: tuple[tuple[str, str], ...] = (
    *((name, "int" if _HINTS[name] is int else "bool" if _HINTS[name] is bool else "str") for name in SCALAR_FIELDS),
    ("error_type", "str"),
    ("error_message", "str"),
)
BASE_COLUMNS: tuple[str, ...] = tuple(name for name, _ in RECORD_COLUMNS)


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def finite(value: Any) -> Any:
    """``value`` with every float that is not finite replaced by None (JSON has no NaN)."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {key: finite(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [finite(item) for item in value]
    return value


def strict_json(value: Any, **dumps_options: Any) -> str:
    """Strict JSON text (no NaN/Infinity tokens); objects JSON cannot hold become strings."""
    return json.dumps(finite(value), allow_nan=False, default=str, ensure_ascii=False, **dumps_options)


class Predictions(list):
    """A list of :class:`Prediction` with conversions and views for notebooks.

    ``context`` lets the HTML table show units and draw inputs (molecules, images, audio); slices
    keep it, and it stays in this process (a pickled Predictions is the plain records).
    """

    def __init__(self, items: Iterable[Prediction] = (), context: DisplayContext | None = None):
        super().__init__(items)
        self.context = context

    @classmethod
    def of(cls, items: Iterable[Prediction], specs: Iterable[ModelSpec], renderers: Iterable[tuple[str, Renderer]] = (),
           values: Mapping[int, Any] | None = None) -> Predictions:
        """Predictions shown with their models' specs (units, field order), drawn by ``renderers``
        (the registry's), with the inputs as the caller gave them by position (``values``)."""
        return cls(items, DisplayContext.of(specs, renderers, values))

    @overload
    def __getitem__(self, index: SupportsIndex) -> Prediction: ...

    @overload
    def __getitem__(self, index: slice) -> Predictions: ...

    def __getitem__(self, index):
        if isinstance(index, slice):
            return Predictions(super().__getitem__(index), self.context)
        return super().__getitem__(index)

    def __reduce__(self):
        return Predictions, (list(self),)

    def __repr__(self) -> str:
        return predictions_text(self)

    def _repr_html_(self) -> str:
        """The first rows as an HTML table (Jupyter, VS Code): bounded in size however many there are."""
        return predictions_html(self, self.context)

    def to_records(self) -> list[dict[str, Any]]:
        """JSON-serialisable dicts, one per prediction."""
        return [p.to_dict() for p in self]

    def to_dataframe(self):
        """A pandas DataFrame with one row per prediction and one column per output field."""
        import pandas as pd

        return pd.DataFrame([p.flat() for p in self])

    @property
    def outputs(self) -> list[dict[str, Any] | None]:
        return [p.output for p in self]

    @property
    def all_ok(self) -> bool:
        return all(p.ok for p in self)
