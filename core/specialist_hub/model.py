"""The one model interface: load once, then preprocess -> forward -> postprocess.

Plugins subclass :class:`Model`. The core owns batching, device choice, ``torch.inference_mode``
and per-record error capture, so a model only says how to turn one input into features, a batch
of features into raw outputs, and one raw output into the fields its spec declares.
"""

from __future__ import annotations

import contextlib
import copy
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, Protocol

from .errors import DeviceError, HubError, InputError, OutputSchemaError, UnknownInputKindError, UsageError
from .inputs import BUILTIN_KINDS, InputKind, Record, chunked, python_records
from .results import Prediction, Predictions
from .spec import ModelSpec, python_value
from .trust import add_trust

DEVICES = ("auto", "cpu", "cuda", "mps")


class Loader(Protocol):
    """What a model is handed to run other models (video frames, pipelines, orientation's OCR) and
    to draw its inputs: the registry that loaded it, seen through the few calls a model needs. Its
    policy (licence, options at every nesting level) applies to what the model loads through it."""

    def get(self, model_id: str) -> ModelSpec: ...

    def load(self, model_id: str, device: str = "auto", **options: Any) -> Model: ...

    def list_models(self, domain: str | None = None) -> list[ModelSpec]: ...

    def input_kind(self, name: str) -> InputKind: ...

    @property
    def renderers(self) -> Sequence[tuple[str, Any]]: ...


class Model:
    """Base class for every model. Subclasses override :meth:`load` and the three steps."""

    def __init__(self, spec: ModelSpec, options: dict[str, Any], device: str = "cpu", *,
                 input_kind: InputKind | None = None, package: str = "", loader: Loader | None = None):
        self.spec = spec
        #: Every option, resolved: load-time ones shaped this instance, call-time ones steer calls.
        self.options = options
        self.device = device
        #: How a Python value is split into records; the registry hands over the registered kind.
        self.input_kind = input_kind or _builtin_kind(spec.input_kind)
        #: Provenance written into every prediction: the distribution that provides the model.
        self.package = package
        #: The registry that loaded this model, for models that run other models (video frames,
        #: pipelines); None when the model was constructed by hand.
        self.loader = loader

    def configured(self, call_options: Mapping[str, Any]) -> Model:
        """This loaded model with other call-time options: a shallow copy sharing the weights."""
        if all(self.options.get(name) == value for name, value in call_options.items()):
            return self
        view = copy.copy(self)
        view.options = {**self.options, **call_options}
        return view

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
        """Turn one raw result into the output record (the spec's fields, less the echoed ones)."""
        return raw

    def calibration_residuals(self, field: str) -> Iterable[float]:
        """For each of the spec's ``intervals``: the absolute errors ``|y - ŷ|`` of ``field`` on
        calibration data the model never learned from (shipped with the plugin); the core turns
        them into conformal prediction intervals."""
        raise NotImplementedError(f"{self.spec.id} declares intervals but ships no calibration residuals")

    def domain_similarities(self, items: list[Any]) -> Sequence[float]:
        """For ``applicability_domain`` models: how similar each preprocessed input of a batch is to
        the data the model learned from (compared with :attr:`domain_threshold`); one call per batch,
        so a nearest-neighbour search can run over the whole batch at once."""
        raise NotImplementedError(f"{self.spec.id} declares an applicability domain but measures none")

    def domain_distances(self, items: list[Any], outputs: list[dict[str, Any]]) -> Sequence[float]:
        """For models whose spec's ``domain_measure`` is ``distance``: how far each input of a batch
        lies from the data the model learned from (e.g. a leverage in its descriptor space), given the
        items and the batch's outputs (where a model that reports its descriptors finds them)."""
        raise NotImplementedError(f"{self.spec.id} declares an applicability domain but measures none")

    #: The similarity below which (the distance above which) an input is out of the applicability domain.
    domain_threshold: float = 0.0

    def embed(self, batch: list[Any]) -> list[list[float]]:
        """For models that can serve as feature extractors: one fixed-length vector per preprocessed
        item of a batch (ESM-2's mean residue embedding, a backbone's pooled features). ``hub train
        --featurizer model:ID`` trains on it; the core calls it under the same inference context as
        :meth:`forward`. Models without one leave this unimplemented."""
        raise NotImplementedError(f"{self.spec.id} gives no embedding")

    def echo(self, item: Any) -> dict[str, Any]:
        """Fields every model of a family echoes from the preprocessed input (canonical SMILES,
        duration...); merged under each output, so a family fills them in one place."""
        return {}

    # -- what users call ----------------------------------------------------------------------

    def predict(self, inputs: Any, batch_size: int | None = None) -> Predictions:
        """Predict on one input or an iterable of inputs; one Prediction per input, in order."""
        if batch_size is not None and batch_size < 1:
            raise UsageError(f"batch_size must be at least 1, got {batch_size}.")
        return Predictions.of(self.predict_records(self._records(inputs), batch_size), [self.spec],
                              self.loader.renderers if self.loader is not None else ())

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
        posted: list[tuple[int, dict[str, Any], Any]] = []
        for index, raw, item in self._forward_isolated(ready):
            if isinstance(raw, BaseException):
                outcomes[index] = raw
                continue
            try:
                posted.append((index, {**self.echo(item), **self.postprocess(raw, item)}, item))
            except Exception as exc:  # noqa: BLE001
                outcomes[index] = exc
        for index, output in self._trusted(posted):
            try:
                outcomes[index] = output if isinstance(output, BaseException) else self._check_output(output)
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

    def _trusted(self, posted: list[tuple[int, dict[str, Any], Any]]) -> list[tuple[int, Any]]:
        """The outputs with their trust fields, added for the whole batch at once; if that fails, one
        output at a time, so only the culprit fails (as in :meth:`_forward_isolated`)."""
        if not (self.spec.intervals or self.spec.applicability_domain) or not posted:
            return [(index, output) for index, output, _ in posted]
        try:
            trusted = add_trust(self, [output for _, output, _ in posted], [item for _, _, item in posted])
            return [(index, output) for (index, _, _), output in zip(posted, trusted)]
        except Exception as batch_error:  # noqa: BLE001
            if len(posted) == 1:
                return [(posted[0][0], batch_error)]
            return [result for one in posted for result in self._trusted([one])]

    def _inference_context(self) -> contextlib.AbstractContextManager[Any]:
        if not self.spec.uses_torch:
            return contextlib.nullcontext()
        import torch

        return torch.inference_mode()

    def _check_output(self, output: dict[str, Any]) -> dict[str, Any]:
        """The output in the spec's field order, numpy values made Python ones, types checked."""
        expected = self.spec.output_names
        if not isinstance(output, dict) or set(output) != set(expected):
            got = sorted(output) if isinstance(output, dict) else type(output).__name__
            raise OutputSchemaError(f"{self.spec.id} returned fields {got}, but its spec declares {list(expected)}.")
        output = {name: python_value(output[name]) for name in expected}
        for spec_field in self.spec.outputs:
            if not spec_field.accepts(output[spec_field.name]):
                raise OutputSchemaError(
                    f"{self.spec.id}: field {spec_field.name!r} should be {spec_field.type}, "
                    f"got {type(output[spec_field.name]).__name__}."
                )
        return output

    def _prediction(self, record: Record, outcome: Any) -> Prediction:
        failed = isinstance(outcome, BaseException)
        return Prediction(position=record.position, id=record.id, input=record.display, model=self.spec.id,
                          model_version=self.spec.version, package=self.package, ok=not failed,
                          output=None if failed else outcome,
                          error={"type": type(outcome).__name__, "message": str(outcome)} if failed else None)

    def _records(self, inputs: Any) -> Iterator[Record]:
        return python_records(self.input_kind, inputs)


class ItemModel(Model):
    """Base for models that handle one input at a time: a plugin implements :meth:`compute`."""

    def forward(self, batch: list[Any]) -> list[Any]:
        return [self.compute(item) for item in batch]

    def compute(self, item: Any) -> dict[str, Any]:
        """The output fields for one preprocessed item (the echoed fields are added for you)."""
        raise NotImplementedError


def _builtin_kind(name: str) -> InputKind:
    for kind in BUILTIN_KINDS:
        if kind.name == name:
            return kind
    raise UnknownInputKindError(name, [k.name for k in BUILTIN_KINDS])


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
