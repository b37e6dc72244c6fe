"""Trust fields: how far to believe a learned prediction.

For a spec's ``intervals`` the core adds a split-conformal prediction interval (crepes'
``ConformalRegressor`` fitted once per model on the calibration residuals the model ships: with
them, an interval holds the true value with the ``coverage`` option's probability on data like the
calibration set). For ``applicability_domain`` it asks the model how similar the input is to what
it learned from, and says whether that clears the model's threshold.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .errors import HubError

if TYPE_CHECKING:
    from .model import Model


def add_trust(model: Model, output: dict[str, Any], item: Any) -> dict[str, Any]:
    """``output`` with the trust fields of ``model``'s spec filled in."""
    output = dict(output)
    for name in model.spec.intervals:
        value = output.get(name)
        low = high = None
        if isinstance(value, (int, float)):
            interval = _regressor(model, name).predict_int(y_hat=[float(value)], confidence=model.options["coverage"])
            low, high = float(interval[0][0]), float(interval[0][1])
        output[f"{name}_low"], output[f"{name}_high"] = low, high
    if model.spec.applicability_domain:
        similarity, threshold = float(model.domain_similarity(item)), float(model.domain_threshold)
        output.update(in_domain=similarity >= threshold, domain_similarity=similarity, domain_threshold=threshold)
    return output


def _regressor(model: Model, name: str) -> Any:
    fitted = model.__dict__.setdefault("_conformal", {})
    if name not in fitted:
        try:
            from crepes import ConformalRegressor
        except ImportError:
            raise HubError(f"{model.spec.id}: prediction intervals need crepes: pip install crepes") from None
        fitted[name] = ConformalRegressor().fit(residuals=list(model.calibration_residuals(name)))
    return fitted[name]
