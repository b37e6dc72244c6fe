"""A plan's models loaded in one process: load once, then predict records as often as needed.

This is the one way the hub runs models. The local runner, an isolated worker, a Ray Data actor, a
Ray Serve replica and the Python API each hold a :class:`LoadedPlan` (long-lived processes that
serve several option sets hold :class:`LoadedPlans`) and call :meth:`LoadedPlan.predict`.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from .inputs import Record, chunked
from .model import Model
from .plan import ModelRequest
from .registry import Registry
from .results import Prediction


class LoadedPlan:
    """Loaded models that run together on the same records."""

    def __init__(self, models: Sequence[Model]):
        self.models = tuple(models)

    @classmethod
    def load(cls, registry: Registry, requests: Sequence[ModelRequest]) -> LoadedPlan:
        return cls([request.load(registry) for request in requests])

    def predict(self, records: Sequence[Record]) -> list[Prediction]:
        """Every model on the records, one batch per model; ordered by record, then by model."""
        per_model = [model.predict_batch(records) for model in self.models]
        return [prediction for predictions in zip(*per_model) for prediction in predictions]

    def chunks(self, records: Iterable[Record], batch_size: int) -> Iterator[tuple[list[Prediction], int]]:
        """(predictions, number of records) per chunk of ``batch_size`` records, read lazily."""
        for chunk in chunked(records, batch_size):
            yield self.predict(chunk), len(chunk)


class LoadedPlans:
    """The plans a long-lived process (an isolated worker, a Ray Serve replica) has loaded, by their
    requests: each is loaded on its first records, not again for every chunk. Holds at most ``size``
    (least recently used first out), so the registry's bound on loaded models still holds."""

    def __init__(self, registry: Registry, size: int | None = None):
        self.registry = registry
        self.size = size or registry.max_loaded or 8
        self._plans: OrderedDict[Any, LoadedPlan] = OrderedDict()
        self._guard = threading.Lock()

    def get(self, requests: Sequence[ModelRequest]) -> LoadedPlan:
        key = requests_key(requests)
        with self._guard:
            plan = self._plans.get(key)
            if plan is not None:
                self._plans.move_to_end(key)
                return plan
        plan = LoadedPlan.load(self.registry, requests)  # the registry loads each model once, under its own lock
        with self._guard:
            self._plans[key] = plan
            while len(self._plans) > self.size:
                self._plans.popitem(last=False)
        return plan


def requests_key(requests: Sequence[ModelRequest]) -> Any:
    """A dictionary key for requests: equal when their models, devices and resolved options are."""
    requests = tuple(requests)
    try:
        hash(requests)
    except TypeError:  # an option value that is a list or dict
        return repr(requests)
    return requests
