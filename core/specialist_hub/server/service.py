"""The served models, without HTTP: which ones, their checked plans, batching, timeouts, and the
records as the client sees them. No FastAPI here, so the service runs and is tested alone."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Iterable
from concurrent.futures import Future
from typing import TYPE_CHECKING, Any

from ..batching import Batcher, Job
from ..errors import HubError, UnknownModelError, UsageError
from ..inputs import Record
from ..isolation import IsolatedRunner
from ..loaded import requests_key
from ..metrics import ServerMetrics
from ..plan import RunPlan, RunSettings, plan_run, usable_cores
from ..registry import Registry
from ..results import Prediction
from ..runner import predict_chunks
from .settings import ServeSettings

if TYPE_CHECKING:
    from ..ray_serve import RayServeBatcher

#: Option sets whose checked plan each server keeps (most recently used).
PLAN_CACHE_SIZE = 256
#: Option sets longer than this (as JSON) are checked on each request, not kept: a cache keyed on
#: large values (a 4 MB primer target per request) would hold every one of them.
PLAN_CACHE_MAX_OPTION_CHARS = 4096
#: Where clients fetch the files models write into the server's output folder.
OUTPUTS_ROUTE = "/outputs"


class TooLarge(HubError):
    """A request beyond the server's caps."""

    http_status = 413


class RequestTimedOut(HubError):
    """A prediction that took longer than ``--request-timeout-s``."""

    http_status = 504

    def __init__(self, seconds: float):
        super().__init__(f"The prediction took longer than this server's limit of {seconds:g} s. Send fewer "
                         f"inputs per request, or start the server with a larger --request-timeout-s.")


class ModelNotServed(UsageError):
    """A registered model that this server was not started with (``--models``, ``--domain``)."""

    http_status = 404

    def __init__(self, model_id: str, domain: str):
        super().__init__(f"{model_id} is installed but this server does not serve it (it was started with --models "
                         f"or --domain; GET /models lists what it serves). Serve it with: hub serve --models "
                         f"{model_id} (or --domain {domain}).")
        self.model_id = model_id


class HubService:
    """The served models: which ones, loading them once, and running them in batches."""

    def __init__(self, settings: ServeSettings, registry: Registry):
        self.settings = settings
        self.registry = registry
        #: With isolation, each model runs in a supervised worker process of its own (kept between
        #: requests), so a native crash answers its record with WorkerCrashed and the server goes on.
        self.isolate = settings.isolate and settings.engine == "local"
        self._isolated: OrderedDict[str, IsolatedRunner] = OrderedDict()
        self.served = settings.models
        self._output_dir = settings.output_dir
        self._guard = threading.Lock()
        #: (model id, options as JSON) -> its checked plan and batch key: options are checked once
        #: per option set, not on every request.
        self._plans: OrderedDict[tuple[str, str], tuple[RunPlan, Any]] = OrderedDict()
        if settings.max_loaded_models is not None:  # the registry's cache and the worker processes alike
            self.registry = registry = registry.replace(max_loaded=settings.max_loaded_models)
        self.metrics = ServerMetrics(self.loaded_models)
        self.batcher: Batcher | RayServeBatcher
        wait_s = settings.batch_wait_ms / 1000
        if settings.engine == "local":
            self.batcher = Batcher(self._run_batch, wait_s, self.metrics.batch, self._interrupt)
        else:  # the batches run on Ray Serve replicas, which isolate the models themselves
            try:
                from ..ray_serve import RayServeBatcher, ReplicaSettings
            except ImportError:
                raise UsageError('--engine ray needs Ray Serve: pip install "specialist-hub[ray]"') from None
            replicas = ReplicaSettings(settings.replicas, settings.max_replicas, settings.cpus_per_replica,
                                       settings.gpus_per_replica)
            self.batcher = RayServeBatcher(registry, wait_s, replicas, settings.max_batch)

    def specs(self, domain: str | None = None):
        return [spec for spec in self.registry.list_models(domain) if self.served is None or spec.id in self.served]

    def spec(self, model_id: str):
        if self.served is not None and model_id not in self.served:
            if model_id in self.registry.specs:
                raise ModelNotServed(model_id, self.registry.specs[model_id].domain)
            raise UnknownModelError(model_id, self.served)
        return self.registry.get(model_id)

    def row(self, spec) -> dict[str, Any]:
        return self.registry.describe(spec)

    @property
    def output_dir(self) -> str:
        """Where models with an ``output_dir`` option write their files (made on first use, unless the
        ``--workers`` processes share one)."""
        if self._output_dir is None:
            self._output_dir = tempfile.mkdtemp(prefix="hub-serve-outputs-")
        return self._output_dir

    def use_registry(self, registry: Registry, served: tuple[str, ...]) -> None:
        """Serve ``served`` from a rebuilt registry (trained models came, went or changed): the checked
        plans are dropped, and the worker of each model whose spec changed stops, so that its next batch
        loads the model anew."""
        if self.settings.max_loaded_models is not None:
            registry = registry.replace(max_loaded=self.settings.max_loaded_models)
        with self._guard:
            changed = [model_id for model_id in self._isolated
                       if registry.specs.get(model_id) != self.registry.specs.get(model_id)]
            stale = [self._isolated.pop(model_id) for model_id in changed]
            self.registry, self.served = registry, served
            self._plans.clear()
        for runner in stale:
            runner.close()

    def check_batch(self, count: int, exact: bool = True) -> None:
        if count > self.settings.max_batch:
            raise TooLarge(f"Too many inputs: a request may carry at most {self.settings.max_batch} "
                           f"(got {count if exact else 'more'}). Split the batch into smaller requests.")

    def submit(self, model_id: str, records: list[Record], options: dict[str, Any]) -> Future[list[Prediction]]:
        """Check the options, then queue the records for the model's next batch."""
        plan, key = self._plan(model_id, options)
        batches = self.settings.batch_wait_ms > 0 and plan.specs[0].batch_size > 1
        return self.batcher.submit(plan.specs[0].id, Job(key, plan, records, plan.batch_size if batches else 0))

    def _plan(self, model_id: str, options: dict[str, Any]) -> tuple[RunPlan, Any]:
        """The model's plan for these (JSON) options and its batch key, from the cache when known."""
        text = json.dumps(options, sort_keys=True)
        cache_key = (model_id, text) if len(text) <= PLAN_CACHE_MAX_OPTION_CHARS else None
        with self._guard:
            known = self._plans.get(cache_key) if cache_key else None
            if cache_key and known is not None:
                self._plans.move_to_end(cache_key)
                return known
        spec = self.spec(model_id)
        settings = RunSettings(device=self.settings.device, isolate=self.isolate,
                               batch_size=self.settings.max_batch_records if spec.batch_size > 1 else None)
        plan = plan_run(self.registry, [spec], settings, options=options, client=True,
                        output_dir=self.output_dir if spec.writes_files else None)
        planned = plan, requests_key(plan.requests)
        if cache_key:
            with self._guard:
                self._plans[cache_key] = planned
                while len(self._plans) > PLAN_CACHE_SIZE:
                    self._plans.popitem(last=False)
        return planned

    async def results(self, model_id: str, future: Future[list[Prediction]]) -> list[dict[str, Any]]:
        """The submitted request's records, awaited without holding a thread; 504 past the timeout
        (a request whose batch has not started is then taken out of the queue, and a running batch
        that every request gave up on is stopped)."""
        timeout = self.settings.request_timeout_s
        try:
            with self.metrics.predict_latency.labels(model_id).time():
                predictions = await asyncio.wait_for(asyncio.wrap_future(future), timeout)
        except asyncio.TimeoutError:  # not yet the built-in TimeoutError on Python 3.10
            self.metrics.timeouts.labels(model_id).inc()
            if isinstance(self.batcher, Batcher):
                self.batcher.give_up(model_id, future)
            raise RequestTimedOut(timeout or 0) from None
        failed = sum(not prediction.ok for prediction in predictions)
        self.metrics.outcomes(model_id, len(predictions) - failed, failed)
        if not self.registry.get(model_id).writes_files:  # only a model given the output folder names its files
            return [prediction.to_dict() for prediction in predictions]
        return [self.public(prediction.to_dict()) for prediction in predictions]

    def public(self, record: dict[str, Any]) -> dict[str, Any]:
        """The record as a client sees it: a file that the model wrote into the server's output folder
        is named by its URL under ``GET /outputs``, never by the server's path."""
        if self._output_dir is None:
            return record
        folder = self._output_dir

        def hide(value: Any) -> Any:
            if isinstance(value, str):
                return value.replace(os.path.join(folder, ""), f"{OUTPUTS_ROUTE}/").replace(folder, OUTPUTS_ROUTE)
            if isinstance(value, list):
                return [hide(item) for item in value]
            if isinstance(value, dict):
                return {key: hide(item) for key, item in value.items()}
            return value

        return {key: hide(value) if key in ("output", "error") else value for key, value in record.items()}

    def _run_batch(self, plan: RunPlan, records: list[Record]) -> list[Prediction]:
        """One forward batch (in the model's dispatcher thread)."""
        model_id = plan.specs[0].id
        try:
            predictions = [prediction for chunk, _ in predict_chunks(plan, records, self._isolated_runner(model_id))
                           for prediction in chunk]
        except HubError:
            raise
        except Exception as exc:  # a plugin bug past loading: say which model failed, keep serving the others
            raise HubError(f"Model {model_id!r} raised {type(exc).__name__}: {exc}") from exc
        return predictions

    def _interrupt(self, model_id: str) -> None:
        """Stop the model's running batch, whose requests all timed out: its worker process is killed
        and the next batch gets a fresh one. A batch in this process (no isolation) runs to its end."""
        with self._guard:
            runner = self._isolated.get(model_id)
        if runner is not None:
            runner.interrupt()

    def loaded_models(self) -> dict[str, int | None]:
        """Model id -> resident memory of its worker process (None without isolation)."""
        if not isinstance(self.batcher, Batcher):
            return dict.fromkeys(self.batcher.deployed())
        if not self.isolate:
            return {model.spec.id: None for model in self.registry.loaded()}
        with self._guard:
            runners = dict(self._isolated)
        return {model_id: _resident_memory(runner.pids()) for model_id, runner in runners.items()}

    def _isolated_runner(self, model_id: str) -> IsolatedRunner | None:
        if not self.isolate:
            return None
        evicted = []
        most = self.registry.max_loaded
        with self._guard:
            if model_id not in self._isolated:
                # one worker per model, its batches one at a time: it may use every core, as `hub predict` does
                self._isolated[model_id] = IsolatedRunner(self.registry, threads=usable_cores())
            self._isolated.move_to_end(model_id)
            while most is not None and len(self._isolated) > most:
                evicted.append(self._isolated.popitem(last=False)[1])
            runner = self._isolated[model_id]
        for old in evicted:  # a model's worker process, least recently used first
            old.close()
        return runner

    def close(self) -> None:
        """Finish the queued batches, then stop the worker processes (at server shutdown)."""
        self.batcher.close()
        with self._guard:
            runners = list(self._isolated.values())
            self._isolated.clear()
        for runner in runners:
            runner.close()


def _resident_memory(pids: Iterable[int]) -> int | None:
    import psutil  # type: ignore[import-untyped]

    total = None
    for pid in pids:
        with contextlib.suppress(psutil.Error):
            total = (total or 0) + psutil.Process(pid).memory_info().rss
    return total
