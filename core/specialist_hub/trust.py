"""Trust fields: how far to believe a learned prediction.

For a spec's ``intervals`` the core adds a split-conformal prediction interval (crepes'
``ConformalRegressor`` fitted once per model on the calibration residuals the model ships: with
them, an interval holds the true value with the ``coverage`` option's probability on data like the
calibration set). For ``applicability_domain`` it asks the model how similar the input is to what
it learned from (or how far from it), and says whether that clears the model's threshold.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Protocol

from .errors import HubError
from .spec import ModelSpec


class TrustedModel(Protocol):
    """What the trust fields need of a model: its spec, its options (``coverage``) and its measures
    (a :class:`~specialist_hub.model.Model` has them all; the model module imports this one)."""

    @property
    def spec(self) -> ModelSpec: ...

    @property
    def options(self) -> Mapping[str, Any]: ...

    @property
    def domain_threshold(self) -> float: ...

    def calibration_residuals(self, field: str) -> Iterable[float]: ...

    def domain_similarities(self, items: list[Any]) -> Sequence[float]: ...

    def domain_distances(self, items: list[Any], outputs: list[dict[str, Any]]) -> Sequence[float]: ...


def add_trust(model: TrustedModel, outputs: list[dict[str, Any]], items: list[Any]) -> list[dict[str, Any]]:
    """``outputs`` (one per preprocessed item of a batch) with the trust fields of ``model``'s spec
    filled in: one conformal call per interval field and one similarity search per batch, so the
    cost stays a fraction of the forward pass."""
    outputs = [dict(output) for output in outputs]
    for name in model.spec.intervals:
        known = [i for i, output in enumerate(outputs) if isinstance(output.get(name), (int, float))]
        bounds: dict[int, tuple[float | None, float | None]] = dict.fromkeys(range(len(outputs)), (None, None))
        if known:
            values = [float(outputs[i][name]) for i in known]
            interval = _regressor(model, name).predict_int(y_hat=values, confidence=model.options["coverage"])
            bounds.update(zip(known, ((float(low), float(high)) for low, high in interval)))
        for i, output in enumerate(outputs):
            output[f"{name}_low"], output[f"{name}_high"] = bounds[i]
    if model.spec.applicability_domain:
        field, threshold = model.spec.domain_field, float(model.domain_threshold)
        similar = field == "domain_similarity"
        measured = model.domain_similarities(items) if similar else model.domain_distances(items, outputs)
        if len(measured) != len(items):
            raise HubError(f"{model.spec.id}: its domain measure gave {len(measured)} values for {len(items)} inputs.")
        for output, value in zip(outputs, map(float, measured)):
            inside = value >= threshold if similar else value <= threshold
            output.update({"in_domain": inside, field: value, "domain_threshold": threshold})
    return outputs


def _regressor(model: TrustedModel, name: str) -> Any:
    fitted = model.__dict__.setdefault("_conformal", {})
    if name not in fitted:
        try:
            from crepes import ConformalRegressor
        except ImportError:
            raise HubError(f"{model.spec.id}: prediction intervals need crepes: pip install crepes") from None
        fitted[name] = ConformalRegressor().fit(residuals=list(model.calibration_residuals(name)))
    return fitted[name]


def out_of_domain_note(output: dict[str, Any] | None) -> str | None:
    """How tables mark a prediction outside its model's applicability domain (None when inside or
    when the model has no domain), so a reader never takes such a value at face value."""
    if not output or output.get("in_domain") is not False:
        return None
    threshold = output.get("domain_threshold")
    for field, word, sign in (("domain_similarity", "similarity", "<"), ("domain_distance", "distance", ">")):
        value = output.get(field)
        if isinstance(value, (int, float)) and isinstance(threshold, (int, float)):
            return f"outside the applicability domain ({word} {value:.3g} {sign} threshold {threshold:.3g})"
    return "outside the applicability domain"
