"""Prediction records: JSON-ready, in input order, convertible to a DataFrame in one call."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any


@dataclass
class Prediction:
    """The result of one model on one input: ``output`` when ``ok``, else ``error``."""

    model: str
    model_version: str
    #: The distribution that provides the model and its version, e.g. ``specialist-hub==0.1.0``.
    package: str
    position: int
    id: str | None
    input: str
    ok: bool
    output: dict[str, Any] | None = None
    error: dict[str, str] | None = None

    def to_dict(self) -> dict[str, Any]:
        data = {"position": self.position, "id": self.id, "input": self.input, "model": self.model,
                "model_version": self.model_version, "package": self.package, "ok": self.ok}
        if self.ok:
            data["output"] = self.output
        else:
            data["error"] = self.error
        return data

    def flat(self) -> dict[str, Any]:
        """One flat row: output fields become columns; the error becomes error_type/error_message."""
        row = {k: v for k, v in self.to_dict().items() if k not in ("output", "error")}
        row["error_type"] = self.error["type"] if self.error else None
        row["error_message"] = self.error["message"] if self.error else None
        row.update(self.output or {})
        return row


class Predictions(list):
    """A list of :class:`Prediction` with conversions for notebooks."""

    def __init__(self, items: Iterable[Prediction] = ()):
        super().__init__(items)

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
