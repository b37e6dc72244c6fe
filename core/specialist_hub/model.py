"""The one model interface: load once, then preprocess -> forward -> postprocess.

Plugins subclass :class:`Model`. The core owns batching, device choice, ``torch.inference_mode``
and per-record error capture, so a model only says how to turn one input into features, a batch
of features into raw outputs, and one raw output into the fields its spec declares.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from .errors import DeviceError, HubError, InputError, OutputSchemaError
from .inputs import Record, chunked
from .results import Prediction, Predictions
from .spec import ModelSpec

DEVICES = ("auto", "cpu", "cuda", "mps")


class Model:
    """Base class for every model. Subclasses override :meth:`load` and the three steps."""

    def __init__(self, spec: ModelSpec, options: dict[str, Any], device: str = "cpu"):
        self.spec = spec
        self.options = options
        self.device = device
        #: Provenance written into every prediction; the registry sets it from the plugin's distribution.
        self.package = ""

    # -- the four steps a plugin implements ---------------------------------------------------

    def load(self) -> None:
        """Load weights and other heavy state. Called once per process before the first batch."""

    def preprocess(self, value: Any) -> Any:
        """Turn one input value into what :meth:`forward` takes; raise InputError if malformed."""
        return value

    def forward(self, batch: list[Any]) -> list[Any]:
        """Run the model on a batch of preprocessed items; return one raw result per item."""
        raise NotImplementedError

    def postprocess(self, raw: Any, item: Any) -> dict[str, Any]:
        """Turn one raw result into the output record (exactly the spec's fields)."""
        return raw

    # -- what users call ----------------------------------------------------------------------

    def predict(self, inputs: Any, batch_size: int | None = None) -> Predictions:
        """Predict on one input or an iterable of inputs; one Prediction per input, in order."""
        return Predictions(self.predict_records(self._records(inputs), batch_size))

    def predict_records(self, records: Iterable[Record], batch_size: int | None = None) -> Iterator[Prediction]:
        """Stream predictions for records in chunks of ``batch_size``; order is kept."""
        for chunk in chunked(records, batch_size or self.spec.batch_size):
            yield from self.predict_batch(chunk)

    def predict_batch(self, records: Sequence[Record]) -> list[Prediction]:
        """Run one batch, capturing each record's failure in its own Prediction."""
        outcomes: list[Any] = [None] * len(records)
        ready: list[tuple[int, Any]] = []
        for index, record in enumerate(records):
            try:
                if record.read_error:
                    raise InputError(record.read_error)
                ready.append((index, self.preprocess(record.value)))
            except Exception as exc:  # noqa: BLE001 - any failure belongs to this record only
                outcomes[index] = exc
        for index, raw, item in self._forward_isolated(ready):
            if isinstance(raw, BaseException):
                outcomes[index] = raw
                continue
            try:
                outcomes[index] = self._check_output(self.postprocess(raw, item))
            except Exception as exc:  # noqa: BLE001
                outcomes[index] = exc
        return [self._prediction(record, outcome) for record, outcome in zip(records, outcomes)]

    # -- internals ----------------------------------------------------------------------------

    def _forward_isolated(self, ready: list[tuple[int, Any]]) -> list[tuple[int, Any, Any]]:
        """Forward the batch; if it fails, retry item by item so only the culprit fails."""
        if not ready:
            return []
        items = [item for _, item in ready]
        try:
            with self._inference_context():
                raws = self.forward(items)
            if len(raws) != len(items):
                raise HubError(f"{self.spec.id}: forward returned {len(raws)} results for {len(items)} inputs.")
            return [(index, raw, item) for (index, item), raw in zip(ready, raws)]
        except Exception as batch_error:  # noqa: BLE001
            if len(items) == 1:
                return [(ready[0][0], batch_error, items[0])]
            return [result for pair in ready for result in self._forward_isolated([pair])]

    def _inference_context(self):
        if not self.spec.uses_torch:
            return contextlib.nullcontext()
        import torch

        return torch.inference_mode()

    def _check_output(self, output: dict[str, Any]) -> dict[str, Any]:
        expected = self.spec.output_names
        if not isinstance(output, dict) or set(output) != set(expected):
            got = sorted(output) if isinstance(output, dict) else type(output).__name__
            raise OutputSchemaError(f"{self.spec.id} returned fields {got}, but its spec declares {list(expected)}.")
        for spec_field in self.spec.outputs:
            if not spec_field.accepts(output[spec_field.name]):
                raise OutputSchemaError(
                    f"{self.spec.id}: field {spec_field.name!r} should be {spec_field.type}, "
                    f"got {type(output[spec_field.name]).__name__}."
                )
        return {name: output[name] for name in expected}

    def _prediction(self, record: Record, outcome: Any) -> Prediction:
        base = dict(model=self.spec.id, model_version=self.spec.version, package=self.package,
                    position=record.position, id=record.id, input=record.display)
        if isinstance(outcome, BaseException):
            return Prediction(**base, ok=False, error={"type": type(outcome).__name__, "message": str(outcome)})
        return Prediction(**base, ok=True, output=outcome)

    def _records(self, inputs: Any) -> Iterator[Record]:
        from .registry import get_registry

        kind = get_registry().input_kind(self.spec.input_kind)
        values = [inputs] if kind.is_single(inputs) else inputs
        for position, value in enumerate(values):
            yield value if isinstance(value, Record) else Record(position, value)


def resolve_device(requested: str, uses_torch: bool) -> str:
    """Map ``auto`` to the best available device; refuse devices that are not there."""
    if requested not in DEVICES:
        raise DeviceError(f"Unknown device {requested!r}; choose one of {', '.join(DEVICES)}.")
    if not uses_torch:
        if requested not in ("auto", "cpu"):
            raise DeviceError(f"This model runs on the CPU only; drop --device {requested}.")
        return "cpu"
    import torch

    if requested == "auto":
        if torch.cuda.is_available():
            return "cuda"
        if getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available():
            return "mps"
        return "cpu"
    if requested == "cuda" and not torch.cuda.is_available():
        raise DeviceError("--device cuda was requested but no CUDA GPU is visible to torch; use --device cpu.")
    if requested == "mps" and not torch.backends.mps.is_available():
        raise DeviceError("--device mps was requested but Apple MPS is not available; use --device cpu.")
    return requested
