"""Conformance: run each model's examples and compare with the expected outputs.

A check fails loudly on what an author must fix: a mismatch, a crash, a weights file whose
sha256 differs from its declaration, and a plugin that did not load (its models are missing, so
they would otherwise pass unseen).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from .errors import CheckpointNotFoundError, HubError, WeightsError
from .inputs import iter_records
from .model import Model
from .registry import Registry
from .results import Prediction
from .spec import Example, ModelSpec


@dataclass
class CheckResult:
    """The outcome of one example of one model, or of loading one plugin (``plugin`` set)."""

    model: str
    example: int
    #: "pass", "fail", "error", or "unavailable" (dependency not installed, checkpoint not cached)
    status: str
    message: str = ""
    mismatches: list[str] = field(default_factory=list)
    #: The plugin that failed to load, for a plugin's result (``model`` is then empty).
    plugin: str = ""

    @property
    def ok(self) -> bool:
        return self.status in ("pass", "unavailable")

    def to_dict(self) -> dict[str, Any]:
        return {"model": self.model, "example": self.example, "status": self.status,
                "message": self.message, "mismatches": self.mismatches, "plugin": self.plugin}


def compare(expected: Any, actual: Any, tolerance: float, path: str = "output") -> list[str]:
    """Differences between ``expected`` and ``actual``, each saying where, what and the tolerance.

    Numbers match when within ``tolerance`` absolute or relative; dicts compare only the keys
    that ``expected`` lists; lists compare element by element.
    """
    if isinstance(expected, bool) or expected is None or isinstance(expected, str):
        return [] if expected == actual else [f"{path}: expected {expected!r}, got {actual!r}"]
    if isinstance(expected, (int, float)):
        if isinstance(actual, bool) or not isinstance(actual, (int, float)):
            return [f"{path}: expected number {expected!r}, got {actual!r}"]
        if math.isclose(actual, expected, rel_tol=tolerance, abs_tol=tolerance) or (
            math.isnan(expected) and math.isnan(actual)
        ):
            return []
        return [f"{path}: expected {expected!r} ± {tolerance:g}, got {actual!r} (off by {actual - expected:+.4g})"]
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return [f"{path}: expected a dict, got {actual!r}"]
        problems = []
        for key, value in expected.items():
            if key not in actual:
                problems.append(f"{path}.{key}: missing")
            else:
                problems += compare(value, actual[key], tolerance, f"{path}.{key}")
        return problems
    if isinstance(expected, (list, tuple)):
        if not isinstance(actual, (list, tuple)) or len(actual) != len(expected):
            size = len(actual) if isinstance(actual, (list, tuple)) else type(actual).__name__
            return [f"{path}: expected {len(expected)} items, got {size}"]
        return [p for i, (e, a) in enumerate(zip(expected, actual)) for p in compare(e, a, tolerance, f"{path}[{i}]")]
    return [] if expected == actual else [f"{path}: expected {expected!r}, got {actual!r}"]


def run_example(model: Model, example: Example) -> Prediction:
    """The model's prediction for an example; a file input is read by the model's input kind."""
    if example.input_file:
        record = next(iter_records(model.input_kind, [example.input]), None)
        if record is None:
            raise HubError(f"{model.spec.id}: example file {example.input} holds no record.")
        return model.predict_batch([record])[0]
    (prediction,) = model.predict([example.input])
    return prediction


def check_example(registry: Registry, spec: ModelSpec, index: int, example: Example) -> CheckResult:
    try:
        model = registry.load(spec.id, device="cpu", **dict(example.options))
        prediction = run_example(model, example)
    except CheckpointNotFoundError as exc:
        # Hub-hosted weights that are not cached here cannot be checked offline; say so plainly.
        return CheckResult(spec.id, index, "unavailable", f"checkpoint not available offline: {exc.checkpoint}")
    except WeightsError as exc:
        # The file is not what the card declares (its message names both hashes): a failed check.
        return CheckResult(spec.id, index, "fail", str(exc))
    except HubError as exc:
        return CheckResult(spec.id, index, "error", str(exc))
    except Exception as exc:  # noqa: BLE001 - report, do not crash the whole check
        return CheckResult(spec.id, index, "error", f"{type(exc).__name__}: {exc}")
    if not prediction.ok or prediction.error:
        error = prediction.error or {}
        return CheckResult(spec.id, index, "fail", f"prediction failed: {error.get('type')}: {error.get('message')}")
    mismatches = compare(dict(example.expected), prediction.output, example.tolerance)
    if mismatches:
        return CheckResult(spec.id, index, "fail", f"{len(mismatches)} mismatch(es)", mismatches)
    return CheckResult(spec.id, index, "pass")


def check_plugins(registry: Registry) -> list[CheckResult]:
    """An error result for each plugin that failed to import or register."""
    return [CheckResult("", 0, "error", info.error, plugin=info.name)
            for info in registry.plugins.values() if info.error]


def check_model(registry: Registry, spec: ModelSpec) -> list[CheckResult]:
    """Run every example of ``spec``; a model without examples fails (it must ship some)."""
    missing = registry.missing_requirements(spec)
    if missing:
        return [CheckResult(spec.id, 0, "unavailable", f"not installed: {registry.install_hint(spec)}")]
    if not spec.examples:
        return [CheckResult(spec.id, 0, "fail", "the model ships no examples")]
    return [check_example(registry, spec, i, example) for i, example in enumerate(spec.examples)]
