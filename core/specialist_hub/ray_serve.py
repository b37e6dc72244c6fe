"""``hub serve --engine ray``: each served model runs as a Ray Serve deployment, on a local Ray or
the cluster named by ``RAY_ADDRESS``.

The HTTP API, playground, validation, metrics and timeouts stay those of ``hub serve``; only the
forward batches move to Ray Serve replicas, which batch concurrent requests with ``@serve.batch``
(counted in records) and scale between ``replicas`` and ``max_replicas`` (Serve's autoscaler).
A deployment is made on a model's first request and deleted when the server stops. Importing
this module needs Ray Serve (``ImportError`` otherwise).
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from ray import serve

from .batching import Job, split
from .inputs import Record
from .loaded import LoadedPlans, requests_key
from .plan import ModelRequest
from .ray_engine import init_ray
from .registry import Registry
from .results import Prediction

#: Ray Serve application names of this server's deployments start with this.
APP_PREFIX = "specialist-hub-"


@dataclass(frozen=True)
class ReplicaSettings:
    """How each model's deployment is placed and scaled (``hub serve --replicas`` and friends)."""

    replicas: int = 1
    #: Above ``replicas``, Serve's autoscaler adds replicas up to this many under load.
    max_replicas: int | None = None
    cpus: float = 1.0
    gpus: float = 0.0

    def options(self) -> dict[str, Any]:
        placement = {"ray_actor_options": {"num_cpus": self.cpus, "num_gpus": self.gpus}}
        if self.max_replicas and self.max_replicas > self.replicas:
            return {**placement, "autoscaling_config": {"min_replicas": self.replicas,
                                                        "max_replicas": self.max_replicas}}
        return {**placement, "num_replicas": self.replicas}


#: What a replica is sent per request: the models with their options, the batch size, the records.
Work = tuple[tuple[ModelRequest, ...], int, list[Record]]


def batch_size_in_records(jobs: list[Work]) -> int:
    return sum(len(records) for _, _, records in jobs)


@serve.deployment
class ModelReplica:
    """One Ray Serve replica of a model: loads it once per option set, runs gathered requests as one batch."""

    def __init__(self, registry: Registry, max_records: int, wait_s: float):
        self.plans = LoadedPlans(registry)
        self.predict_batch.set_max_batch_size(max_records)  # type: ignore[attr-defined]
        self.predict_batch.set_batch_wait_timeout_s(wait_s)  # type: ignore[attr-defined]

    async def __call__(self, work: Work) -> list[Prediction]:
        return await self.predict_batch(work)

    async def alone(self, work: Work) -> list[Prediction]:
        """Batching off (``--batch-wait-ms 0``, models of batch size 1): this request by itself."""
        return await asyncio.to_thread(self._run, *work)

    @serve.batch(batch_size_fn=batch_size_in_records)
    async def predict_batch(self, jobs: list[Work]) -> list[list[Prediction]]:
        """Requests with the same options run as one forward batch (in a thread, so the replica's
        loop keeps gathering); each gets its own slice back."""
        shares: list[list[Prediction]] = [[] for _ in jobs]
        groups: dict[Any, list[int]] = {}
        for index, (requests, _, _) in enumerate(jobs):
            groups.setdefault(requests_key(requests), []).append(index)
        for indexes in groups.values():
            requests, batch_size, _ = jobs[indexes[0]]
            records = [record for i in indexes for record in jobs[i][2]]
            predictions = await asyncio.to_thread(self._run, requests, batch_size, records)
            for i, share in zip(indexes, split(predictions, [len(jobs[i][2]) for i in indexes])):
                shares[i] = share
        return shares

    def _run(self, requests: Sequence[ModelRequest], batch_size: int, records: list[Record]) -> list[Prediction]:
        chunks = self.plans.get(requests).chunks(records, batch_size)
        return [prediction for predictions, _ in chunks for prediction in predictions]


class RayServeBatcher:
    """Stands in for :class:`~specialist_hub.batching.Batcher`: jobs go to the model's deployment."""

    def __init__(self, registry: Registry, wait_s: float, settings: ReplicaSettings, largest_request: int):
        self.registry, self.wait_s, self.settings = registry, wait_s, settings
        #: Serve refuses a single request larger than the batch size, so a batch holds at least one request.
        self.largest_request = largest_request
        init_ray()
        serve.start(proxy_location="Disabled")  # the hub's own server is the HTTP front
        self._handles: dict[str, Any] = {}
        self._guard = threading.Lock()
        #: Threads that wait on Ray for the requests in flight (the event loop never blocks).
        self._waiting = ThreadPoolExecutor(128, thread_name_prefix="hub-ray-wait")

    def submit(self, model_id: str, job: Job) -> Future:
        return self._waiting.submit(self._predict, model_id, job)

    def _predict(self, model_id: str, job: Job) -> list[Prediction]:
        handle = self._handle(model_id, job)
        call = handle if job.max_records else handle.alone
        return call.remote((job.plan.requests, job.plan.batch_size, job.records)).result()

    def _handle(self, model_id: str, job: Job) -> Any:
        """The model's deployment, made on its first request (``max_records`` 0: batching off)."""
        with self._guard:
            if model_id not in self._handles:
                name = model_id.replace("/", "-")
                replica = ModelReplica.options(name=name, **self.settings.options())  # type: ignore[attr-defined]
                most = max(job.max_records, self.largest_request)
                application = replica.bind(self.registry, most, self.wait_s)
                self._handles[model_id] = serve.run(application, name=APP_PREFIX + name, route_prefix=None)
            return self._handles[model_id]

    def deployed(self) -> list[str]:
        with self._guard:
            return list(self._handles)

    def close(self) -> None:
        self._waiting.shutdown(wait=True)
        for model_id in list(self._handles):
            serve.delete(APP_PREFIX + model_id.replace("/", "-"))
