"""``hub serve``: an HTTP API and a web playground over the same registry and models as the CLI.

The server adds transport only: ``/models`` is ``hub list --json``, ``/models/{id}`` is
``hub info --json`` plus the Markdown card, and ``/models/{id}/predict`` returns the records of
``hub predict --format json``. Models load on first use and stay loaded (the registry caches
them). Concurrent requests for a model with the same options are batched (:mod:`.batching`):
each model runs one batch at a time in a thread of its own, so the event loop stays free and
models that are not thread-safe are safe. ``/metrics`` is for Prometheus (:mod:`.metrics`).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import hmac
import io
import json
import logging
import math
import os
import re
import sys
import tempfile
import threading
import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Iterable, Sequence
from concurrent.futures import Future
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from . import __version__
from .batching import Batcher, Job
from .cards import render_markdown
from .errors import HubError, OptionError, RateLimited, UnknownModelError, UsageError
from .inputs import Record, iter_records
from .isolation import IsolatedRunner
from .loaded import requests_key
from .metrics import ServerMetrics
from .plan import RunPlan, RunSettings, plan_run, usable_cores
from .registry import Registry, get_registry
from .results import Prediction, strict_json
from .runner import predict_chunks
from .writers import writer_for

if TYPE_CHECKING:
    from .ray_serve import RayServeBatcher

STATIC_DIR = Path(__file__).parent / "static"
DEFAULT_MAX_BATCH = 256
DEFAULT_MAX_BODY_BYTES = 32 * 1024 * 1024
#: How long a request waits for others to share its forward batch (``--batch-wait-ms``).
DEFAULT_BATCH_WAIT_MS = 2.0
DEFAULT_REQUEST_TIMEOUT_S = 300.0
#: Bounds of each ``--rate-limit`` limit: a moving window keeps one timestamp per request it counts.
MAX_RATE_LIMIT_COUNT = 100_000
MAX_RATE_LIMIT_WINDOW_S = 86_400
#: Option sets whose checked plan each server keeps (most recently used).
PLAN_CACHE_SIZE = 256
ACCESS_LOG = logging.getLogger("specialist_hub.access")
#: Environment variable carrying the configuration to ``--workers`` processes.
CONFIG_ENV = "HUB_SERVE_CONFIG"


class PredictRequest(BaseModel):
    """JSON body of a prediction for text-like inputs (molecules, sequences, text)."""

    model_config = ConfigDict(extra="forbid")
    inputs: list[str] = Field(description="One value per record: SMILES or molfile, sequence, or text")
    ids: list[str | None] | None = Field(None, description="Optional record ids, one per input")
    options: dict[str, Any] = Field(default_factory=dict, description="Model options, as in 'hub info MODEL'")


PREDICT_BODY = {
    "required": True,
    "content": {
        "application/json": {"schema": PredictRequest.model_json_schema()},
        "multipart/form-data": {"schema": {
            "type": "object",
            "properties": {
                "files": {"type": "array", "items": {"type": "string", "format": "binary"},
                          "description": "Image or audio files (or input files such as .smi, .fasta, .sdf)"},
                "options": {"type": "string", "description": "Model options as a JSON object"},
            },
        }},
    },
}


class HubJSONResponse(JSONResponse):
    """Strict JSON, as every writer of the CLI: a non-finite float is null."""

    def render(self, content: Any) -> bytes:
        return strict_json(content, separators=(",", ":")).encode("utf-8")


def _error(status: int, message: str, **extra: Any) -> HubJSONResponse:
    return HubJSONResponse({"detail": message, **extra}, status_code=status)


def hub_error_response(exc: HubError) -> HubJSONResponse:
    """The error's own HTTP status and details, with the same message the CLI prints (and a
    ``Retry-After`` header when the details say when to retry)."""
    details = exc.details()
    response = _error(exc.http_status, str(exc), error=type(exc).__name__, **details)
    if "retry_after" in details:
        response.headers["Retry-After"] = str(details["retry_after"])
    return response


class TooLarge(Exception):
    """A request beyond the server's caps (answered with 413)."""


class RequestTimedOut(HubError):
    """A prediction that took longer than ``--request-timeout-s``."""

    http_status = 504

    def __init__(self, seconds: float):
        super().__init__(f"The prediction took longer than this server's limit of {seconds:g} s. Send fewer "
                         f"inputs per request, or start the server with a larger --request-timeout-s.")


#: Host names a keyless server answers to: loopback only, so a web page cannot reach it by DNS rebinding.
LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")


class LocalOnly:
    """ASGI middleware for a server without an API key: refuse (403) requests whose ``Host`` is not
    an allowed name, and browser requests whose ``Origin`` is neither such a host nor a CORS origin.

    A page on another site can make a browser post to ``localhost`` only through a name that
    resolves there (DNS rebinding); its Host and Origin headers still carry that name.
    """

    def __init__(self, app, hosts: Iterable[str], origins: Iterable[str]):
        self.app = app
        self.hosts = {h.lower().strip("[]") for h in hosts}
        self.origins = set(origins)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = dict(scope["headers"])
        host = _hostname(headers.get(b"host", b"").decode("latin-1"))
        origin = headers.get(b"origin", b"").decode("latin-1")
        if host not in self.hosts or (origin and origin not in self.origins
                                      and _hostname(origin.split("://", 1)[-1]) not in self.hosts):
            response = _error(403, "This server has no API key, so it answers only requests to "
                                   f"{', '.join(sorted(self.hosts))} from those pages. Set HUB_API_KEY to "
                                   "serve other hosts, or add the name with --allow-host.")
            return await response(scope, receive, send)
        return await self.app(scope, receive, send)


def _hostname(authority: str) -> str:
    """``host`` of ``host:port`` or ``[v6]:port``, lower case."""
    authority = authority.strip().lower()
    if authority.startswith("["):
        return authority[1:].split("]", 1)[0]
    return authority.rsplit(":", 1)[0] if authority.count(":") == 1 else authority


class BodyLimit:
    """ASGI middleware: refuse bodies over ``max_bytes`` (413) before the app parses them.

    The body is read here (at most ``max_bytes``) and replayed, so chunked uploads without a
    Content-Length are capped too.
    """

    def __init__(self, app, max_bytes: int):
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        declared = dict(scope["headers"]).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.max_bytes:
            return await self._refuse(scope, receive, send)
        body, more = bytearray(), True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away
            body += message.get("body", b"")
            more = message.get("more_body", False)
            if len(body) > self.max_bytes:
                return await self._refuse(scope, receive, send)
        replayed = False

        async def replay():
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": bytes(body), "more_body": False}

        await self.app(scope, replay, send)

    async def _refuse(self, scope, receive, send):
        size = f"{self.max_bytes / 1024 / 1024:g} MiB" if self.max_bytes >= 1024 * 1024 else f"{self.max_bytes} bytes"
        response = _error(413, f"Request body too large: the limit is {size}. Send fewer or smaller inputs per "
                               f"request, or start the server with a larger --max-body-mb.")
        await response(scope, receive, send)


class RequestLog:
    """ASGI middleware, outermost: counts and times every request for ``/metrics`` and, with
    ``access_log``, writes one JSON line per request to the ``specialist_hub.access`` logger
    (stderr under ``hub serve``). Routes are path templates, so labels stay few."""

    def __init__(self, app, metrics: ServerMetrics, access_log: bool):
        self.app, self.metrics, self.access_log = app, metrics, access_log

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        start = time.perf_counter()
        status, sent = 500, 0

        async def observed(message):
            nonlocal status, sent
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body":
                sent += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, observed)
        finally:
            seconds = time.perf_counter() - start
            route = getattr(scope.get("route"), "path", "unmatched")
            self.metrics.requests.labels(scope["method"], route, str(status)).inc()
            self.metrics.latency.labels(route).observe(seconds)
            if self.access_log:
                client = scope.get("client")
                ACCESS_LOG.info(json.dumps({
                    "time": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="milliseconds"),
                    "client": client[0] if client else None, "method": scope["method"], "path": scope["path"],
                    "route": route, "status": status, "ms": round(seconds * 1000, 2), "bytes": sent,
                    "records": scope.get("state", {}).get("records")}))


class StderrHandler(logging.Handler):
    """Writes each log line to the ``sys.stderr`` of the moment (so captured or redirected stderr gets it)."""

    def emit(self, record: logging.LogRecord) -> None:
        sys.stderr.write(self.format(record) + "\n")


class HubService:
    """The served models: which ones, loading them once, and running them in batches."""

    def __init__(self, registry: Registry, models: Iterable[str] | None, device: str, max_batch: int,
                 isolate: bool = False, batch_wait_ms: float = DEFAULT_BATCH_WAIT_MS,
                 max_batch_records: int | None = None, request_timeout_s: float | None = DEFAULT_REQUEST_TIMEOUT_S,
                 ray_replicas: dict[str, Any] | None = None, output_dir: str | None = None):
        self.registry = registry
        #: With isolation, each model runs in a supervised worker process of its own (kept between
        #: requests), so a native crash answers its record with WorkerCrashed and the server goes on.
        self.isolate = isolate
        self._isolated: OrderedDict[str, IsolatedRunner] = OrderedDict()
        self.served = None if models is None else sorted(set(models))
        self.device = device
        self.max_batch = max_batch
        #: 0 turns batching off: every request is a forward batch of its own.
        self.batch_wait_ms = batch_wait_ms
        #: Most records per forward batch (default: each model's own batch size).
        self.max_batch_records = max_batch_records
        self.request_timeout_s = request_timeout_s
        self._output_dir = output_dir
        self._locks_guard = threading.Lock()
        #: (model id, options as JSON) -> its checked plan and batch key: options are checked once
        #: per option set, not on every request.
        self._plans: OrderedDict[tuple[str, str], tuple[RunPlan, Any]] = OrderedDict()
        self.metrics = ServerMetrics(self.loaded_models)
        self.batcher: Batcher | RayServeBatcher
        if ray_replicas is None:
            self.batcher = Batcher(self._run_batch, batch_wait_ms / 1000, self.metrics.batch)
        else:  # --engine ray: the batches run on Ray Serve replicas, which isolate the models themselves
            try:
                from .ray_serve import RayServeBatcher, ReplicaSettings
            except ImportError:
                raise UsageError('--engine ray needs Ray Serve: pip install "specialist-hub[ray]"') from None
            self.isolate = False
            self.batcher = RayServeBatcher(registry, batch_wait_ms / 1000, ReplicaSettings(**ray_replicas), max_batch)

    def specs(self, domain: str | None = None):
        return [spec for spec in self.registry.list_models(domain) if self.served is None or spec.id in self.served]

    def spec(self, model_id: str):
        if self.served is not None and model_id not in self.served:
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

    def submit(self, model_id: str, records: list[Record], options: dict[str, Any]) -> Future[list[Prediction]]:
        """Check the options, then queue the records for the model's next batch."""
        plan, key = self._plan(model_id, options)
        batches = self.batch_wait_ms > 0 and plan.specs[0].batch_size > 1
        return self.batcher.submit(plan.specs[0].id, Job(key, plan, records, plan.batch_size if batches else 0))

    def _plan(self, model_id: str, options: dict[str, Any]) -> tuple[RunPlan, Any]:
        """The model's plan for these (JSON) options and its batch key, from the cache when known."""
        cache_key = (model_id, json.dumps(options, sort_keys=True))
        with self._locks_guard:
            known = self._plans.get(cache_key)
            if known is not None:
                self._plans.move_to_end(cache_key)
                return known
        spec = self.spec(model_id)
        settings = RunSettings(device=self.device, isolate=self.isolate,
                               batch_size=self.max_batch_records if spec.batch_size > 1 else None)
        plan = plan_run(self.registry, [spec], settings, options=options, client=True,
                        output_dir=self.output_dir if any(o.host == "output_dir" for o in spec.options) else None)
        with self._locks_guard:
            self._plans[cache_key] = plan, requests_key(plan.requests)
            while len(self._plans) > PLAN_CACHE_SIZE:
                self._plans.popitem(last=False)
            return self._plans[cache_key]

    async def results(self, model_id: str, future: Future[list[Prediction]]) -> list[dict[str, Any]]:
        """The submitted request's records, awaited without holding a thread; 504 past the timeout
        (a request whose batch has not started is then taken out of the queue)."""
        try:
            with self.metrics.predict_latency.labels(model_id).time():
                predictions = await asyncio.wait_for(asyncio.wrap_future(future), self.request_timeout_s)
        except TimeoutError:
            self.metrics.timeouts.labels(model_id).inc()
            raise RequestTimedOut(self.request_timeout_s or 0) from None
        failed = sum(not prediction.ok for prediction in predictions)
        self.metrics.outcomes(model_id, len(predictions) - failed, failed)
        return [prediction.to_dict() for prediction in predictions]

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

    def loaded_models(self) -> dict[str, int | None]:
        """Model id -> resident memory of its worker process (None without isolation)."""
        if not isinstance(self.batcher, Batcher):
            return dict.fromkeys(self.batcher.deployed())
        if not self.isolate:
            return {model.spec.id: None for model in self.registry.loaded()}
        with self._locks_guard:
            runners = dict(self._isolated)
        return {model_id: _resident_memory(runner.pids()) for model_id, runner in runners.items()}

    def _isolated_runner(self, model_id: str) -> IsolatedRunner | None:
        if not self.isolate:
            return None
        evicted = []
        with self._locks_guard:
            if model_id not in self._isolated:
                # one worker per model, its batches one at a time: it may use every core, as `hub predict` does
                self._isolated[model_id] = IsolatedRunner(self.registry, threads=usable_cores())
            self._isolated.move_to_end(model_id)
            while self.registry.max_loaded is not None and len(self._isolated) > self.registry.max_loaded:
                evicted.append(self._isolated.popitem(last=False)[1])
            runner = self._isolated[model_id]
        for old in evicted:  # a model's worker process, least recently used first
            old.close()
        return runner

    def close(self) -> None:
        """Finish the queued batches, then stop the worker processes (at server shutdown)."""
        self.batcher.close()
        with self._locks_guard:
            runners = list(self._isolated.values())
            self._isolated.clear()
        for runner in runners:
            runner.close()

    def check_batch(self, count: int, exact: bool = True) -> None:
        if count > self.max_batch:
            raise TooLarge(f"Too many inputs: a request may carry at most {self.max_batch} "
                           f"(got {count if exact else 'more'}). Split the batch into smaller requests.")


def _resident_memory(pids: list[int]) -> int | None:
    import psutil  # type: ignore[import-untyped]

    total = None
    for pid in pids:
        with contextlib.suppress(psutil.Error):
            total = (total or 0) + psutil.Process(pid).memory_info().rss
    return total


_SAFE_SUFFIX = re.compile(r"^(\.[A-Za-z0-9]{1,8}){1,2}$")


def _suffix(filename: str) -> str:
    """The upload's extension (``.png``, ``.sdf.gz``), which tells the readers its format."""
    suffixes = "".join(Path(filename).suffixes[-2:]) if filename.lower().endswith(".gz") else Path(filename).suffix
    return suffixes.lower() if _SAFE_SUFFIX.match(suffixes) else ""


async def _predict_uploads(service: HubService, model_id: str, uploads: list[tuple[str, bytes]],
                           options: dict[str, Any]) -> list[dict[str, Any]]:
    """Save uploads to a private temporary folder, predict on their paths, delete them (after the
    batch that reads them, even when the request timed out first)."""
    folder = tempfile.TemporaryDirectory(prefix="hub-serve-")
    future = None
    try:
        names, records = await run_in_threadpool(_save_uploads, service, model_id, folder.name, uploads)
        future = service.submit(model_id, records, options)
        results = await service.results(model_id, future)
    finally:
        if future is None or future.done():
            await run_in_threadpool(folder.cleanup)
        else:
            future.add_done_callback(lambda _: folder.cleanup())
    for result in results:  # show the client its file names, never the server's temporary paths
        for temporary, name in names.items():
            result["input"] = result["input"].replace(temporary, name)
            if result.get("error"):
                result["error"]["message"] = result["error"]["message"].replace(temporary, name)
    return results


def _save_uploads(service: HubService, model_id: str, folder: str,
                  uploads: list[tuple[str, bytes]]) -> tuple[dict[str, str], list[Record]]:
    """(temporary path -> the client's file name, the records read from the files)."""
    kind = service.registry.input_kind(service.spec(model_id).input_kind)
    names: dict[str, str] = {}
    for index, (filename, content) in enumerate(uploads):
        path = Path(folder) / f"{index}{_suffix(filename)}"
        path.write_bytes(content)
        names[str(path)] = filename or path.name
        if kind.literal_arguments and not kind.knows_extension(path.name):
            raise UsageError(f"Cannot read {filename!r} as {kind.name} input: unsupported extension. "
                             f"Supported: {', '.join(sorted(kind.readers))}.")
    records = list(islice(iter_records(kind, list(names)), service.max_batch + 1))
    service.check_batch(len(records), exact=False)
    return names, records


def _parse_options(text: str | None) -> dict[str, Any]:
    if not text:
        return {}
    try:
        options = json.loads(text)
    except json.JSONDecodeError as exc:
        raise OptionError(f"The 'options' form field must be a JSON object: {exc}.") from None
    if not isinstance(options, dict):
        raise OptionError("The 'options' form field must be a JSON object, e.g. {\"standardize\": true}.")
    return options


def parse_rate_limit(text: str) -> list[Any]:
    """``--rate-limit`` as ``limits`` items: ``100/minute``, or several joined by ``;``."""
    try:
        from limits import parse_many
    except ImportError:
        raise UsageError('--rate-limit needs the limits package: pip install "specialist-hub[serve]"') from None
    try:
        items = parse_many(text)
    except ValueError:
        items = []
    if not items:
        raise UsageError(f"--rate-limit {text!r} is not a rate limit: write COUNT/PERIOD (second, minute, hour or "
                         f"day), e.g. 100/minute, or several joined by ';', e.g. '10/second;1000/hour'.")
    for item in items:
        if not 1 <= item.amount <= MAX_RATE_LIMIT_COUNT or item.get_expiry() > MAX_RATE_LIMIT_WINDOW_S:
            raise UsageError(f"--rate-limit {text!r}: each limit allows 1 to {MAX_RATE_LIMIT_COUNT:,} requests "
                             f"over at most a day (got {item}).")
    return items


class RateLimit:
    """``--rate-limit``: each client (an API key, or an address on a server without keys) may make
    so many requests per moving window. Counted in this process's memory, so ``--workers N``
    processes count apart; a refused request counts against no limit."""

    def __init__(self, text: str):
        from limits.storage import MemoryStorage
        from limits.strategies import MovingWindowRateLimiter

        self.items = parse_rate_limit(text)
        self.described = " and ".join(str(item) for item in self.items)
        self.limiter = MovingWindowRateLimiter(MemoryStorage())

    def check(self, client: str) -> None:
        """Count one request of ``client``, or raise RateLimited if any of its limits is spent."""
        spent = [item for item in self.items if not self.limiter.test(item, client)]
        if spent:
            reset = max(self.limiter.get_window_stats(item, client).reset_time for item in spent)
            raise RateLimited(self.described, max(1, math.ceil(reset - time.time())))
        for item in self.items:
            self.limiter.hit(item, client)


def _key_dependency(api_keys: Sequence[str]):
    """Checks the request's key against the server's keys; returns which one it is ("key 2"),
    so that each key has its own rate limit without the key itself being kept or shown."""
    expected = [key.encode() for key in api_keys]
    bearer = HTTPBearer(auto_error=False, description="Authorization: Bearer KEY")
    header = APIKeyHeader(name="X-API-Key", auto_error=False, description="X-API-Key: KEY")

    async def require_key(credentials: HTTPAuthorizationCredentials | None = Depends(bearer),
                          key: str | None = Depends(header)) -> str:
        given = key or (credentials.credentials if credentials else None)
        matched = None
        if given is not None:
            for number, candidate in enumerate(expected, 1):  # every key compared: the time says nothing
                if hmac.compare_digest(given.encode(), candidate):
                    matched = number
        if matched is None:
            raise HTTPException(401, "Missing or wrong API key: send 'Authorization: Bearer KEY' or 'X-API-Key: KEY'.",
                                headers={"WWW-Authenticate": "Bearer"})
        return f"key {matched}"

    return require_key


async def _client_address(request: Request) -> str:
    """Who a server without API keys rate-limits: the client address (as uvicorn reports it)."""
    return f"address {request.client.host}" if request.client else "address unknown"


def _rate_limit_dependency(limit: RateLimit, metrics: ServerMetrics, client):
    async def within_rate_limit(request: Request, who: str = Depends(client)) -> None:
        try:
            limit.check(who)
        except RateLimited:
            metrics.rate_limited.labels(getattr(request.scope.get("route"), "path", "unmatched")).inc()
            raise

    return within_rate_limit


def create_app(registry: Registry | None = None, api_key: str | Sequence[str] | None = None,
               max_batch: int = DEFAULT_MAX_BATCH, max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
               cors_origins: Iterable[str] = (),
               models: Iterable[str] | None = None, device: str = "auto", isolate: bool = False,
               max_loaded_models: int | None = None, allowed_hosts: Iterable[str] = (),
               batch_wait_ms: float = DEFAULT_BATCH_WAIT_MS, max_batch_records: int | None = None,
               request_timeout_s: float | None = DEFAULT_REQUEST_TIMEOUT_S, access_log: bool = False,
               ray_replicas: dict[str, Any] | None = None, rate_limit: str | None = None,
               output_dir: str | None = None) -> FastAPI:
    """The FastAPI app. ``models`` limits what is served (default: every registered model).

    With ``api_key`` (a key, or several), every route that touches models needs one; ``/health``,
    the static playground page and the API docs do not (they hold no data and run nothing). ``isolate``
    runs each model in a supervised worker process; ``max_loaded_models`` bounds the models kept
    loaded (least recently used first out). Without a key, only requests to loopback names (and
    ``allowed_hosts``) from pages on them (or ``cors_origins``) are answered. Concurrent requests
    wait up to ``batch_wait_ms`` to share a forward batch of at most ``max_batch_records`` records
    (default: the model's batch size; 0 ms turns batching off); a prediction taking longer than
    ``request_timeout_s`` is answered 504. ``access_log`` logs one JSON line per request.
    ``ray_replicas`` (the fields of :class:`~specialist_hub.ray_serve.ReplicaSettings`) runs the
    models as Ray Serve deployments instead (``--engine ray``). ``rate_limit`` (e.g. ``100/minute``)
    bounds the requests of each key (of each client address without keys) to those routes: 429 beyond.
    ``output_dir`` is the folder for files models write (default: a new temporary one).
    """
    registry = registry or get_registry()
    api_keys = [api_key] if isinstance(api_key, str) else list(api_key or ())
    limit = RateLimit(rate_limit) if rate_limit else None
    if max_loaded_models is not None:
        registry = registry.replace(max_loaded=max_loaded_models)
    service = HubService(registry, models, device, max_batch, isolate, batch_wait_ms, max_batch_records,
                         request_timeout_s, ray_replicas, output_dir)
    if access_log and not ACCESS_LOG.handlers:
        ACCESS_LOG.addHandler(StderrHandler())
        ACCESS_LOG.setLevel(logging.INFO)
        ACCESS_LOG.propagate = False

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        service.close()

    app = FastAPI(title="Specialist Hub", version=__version__, default_response_class=HubJSONResponse,
                  lifespan=lifespan, docs_url=None, redoc_url=None,
                  description="Small, specialised models for chemistry, biology, vision, audio and video. "
                              "The same models and records as the `hub` command.")
    app.state.service = service
    app.add_middleware(BodyLimit, max_bytes=max_body_bytes)
    if not api_keys:
        app.add_middleware(LocalOnly, hosts=(*LOCAL_HOSTS, *allowed_hosts), origins=cors_origins)
    if cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=list(cors_origins), allow_methods=["GET", "POST"],
                           allow_headers=["Authorization", "X-API-Key", "Content-Type"])
    app.add_middleware(RequestLog, metrics=service.metrics, access_log=access_log)

    @app.exception_handler(HubError)
    async def on_hub_error(request: Request, exc: HubError):
        return hub_error_response(exc)

    @app.exception_handler(TooLarge)
    async def on_too_large(request: Request, exc: TooLarge):
        return _error(413, str(exc))

    @app.get("/health", tags=["service"])
    async def health() -> dict[str, Any]:
        """Liveness: always answers, without the API key."""
        return {"status": "ok", "version": __version__}

    @app.get("/", include_in_schema=False)
    async def playground():
        return FileResponse(STATIC_DIR / "index.html")

    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    _add_local_docs(app)

    client = _key_dependency(api_keys) if api_keys else _client_address
    guards = [Depends(client)] if api_keys else []
    if limit is not None:
        guards.append(Depends(_rate_limit_dependency(limit, service.metrics, client)))
    api = APIRouter(dependencies=guards)

    @api.get("/models", tags=["models"])
    async def list_models(domain: str | None = Query(None, description="chemistry/chem, biology/bio, vision, audio")):
        """The served models: the same rows as `hub list --json`."""
        return [service.row(spec) for spec in service.specs(domain)]

    @api.get("/models/{domain}/{name}", tags=["models"])
    async def model_card(domain: str, name: str):
        """The model card: the same data as `hub info --json`, plus the card as Markdown."""
        spec = service.spec(f"{domain}/{name}")
        row = service.row(spec)
        return {**row, "markdown": render_markdown(spec, available=row["available"],
                                                   install_hint=service.registry.install_hint(spec))}

    @api.post("/models/{domain}/{name}/predict", tags=["models"], openapi_extra={"requestBody": PREDICT_BODY},
              responses={200: {"model": list[Prediction], "description": "One record per input, in order"},
                         404: {"description": "Unknown model (with close_matches)"},
                         413: {"description": "Body or batch too large"},
                         429: {"description": "Over the server's rate limit (with Retry-After)"},
                         503: {"description": "Dependency or checkpoint missing (with install_hint)"},
                         504: {"description": "The prediction took longer than the server's request timeout"}})
    async def predict(domain: str, name: str, request: Request,
                      format: str | None = Query(None, description="Answer in this output format instead of JSON "
                                                                   "records: csv, jsonl, table, or a plugin's (gff3, "
                                                                   "srt, vtt...)")):
        """Predict: JSON `{"inputs": [...], "options": {...}}` for molecules, sequences and text;
        multipart `files` (plus an `options` JSON field) for images and audio. Records that fail
        come back with `ok: false` and their error; the status stays 200."""
        model_id = f"{domain}/{name}"
        spec = service.spec(model_id)
        writer = _writer_for_request(format, service.registry)
        return _answer(await _predict(model_id, spec, request), spec, format, writer)

    async def _predict(model_id: str, spec, request: Request) -> Any:
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type == "multipart/form-data":
            form = await request.form(max_files=100_000, max_fields=100_000)
            files = [f for f in form.getlist("files") if not isinstance(f, str)]
            service.check_batch(len(files))
            if not files:
                raise UsageError("Send one or more files in multipart fields named 'files'.")
            uploads = [(f.filename or "", await f.read()) for f in files]
            given = form.get("options")
            options = _parse_options(given if isinstance(given, str) else None)
            request.state.records = len(uploads)
            return await _predict_uploads(service, model_id, uploads, options)
        if content_type != "application/json":
            return _error(415, f"Send inputs as JSON with 'Content-Type: application/json' (got "
                               f"{content_type or 'no content type'}), or files as multipart/form-data.")
        if not service.registry.input_kind(spec.input_kind).literal_arguments:
            raise UsageError(f"{model_id} takes {spec.input_kind} files: POST multipart/form-data with the files "
                             f"in fields named 'files' (and options as a JSON string in 'options').")
        try:
            body = PredictRequest.model_validate_json(await request.body() or b"null")
        except ValidationError as exc:
            return _error(422, 'Send a JSON body like {"inputs": ["..."], "options": {}}.',
                          errors=json.loads(exc.json(include_url=False, include_context=False)))
        service.check_batch(len(body.inputs))
        if body.ids is not None and len(body.ids) != len(body.inputs):
            raise UsageError(f"'ids' has {len(body.ids)} items but 'inputs' has {len(body.inputs)}.")
        ids = body.ids or [None] * len(body.inputs)
        records = [Record(position, value, record_id) for position, (value, record_id)
                   in enumerate(zip(body.inputs, ids))]
        request.state.records = len(records)
        return await service.results(model_id, service.submit(model_id, records, body.options))

    def _answer(results: Any, spec, fmt: str | None, writer) -> Any:
        if isinstance(results, Response):
            return results
        if writer is None:  # the records are JSON-ready already: no jsonable_encoder pass over them
            return HubJSONResponse(results)
        stream = io.StringIO()
        rendering = writer(stream, [spec])
        for row in results:
            rendering.write(Prediction(**row))
        rendering.close()
        return Response(stream.getvalue(), media_type=f"{FORMAT_MEDIA_TYPES.get(fmt or '', 'text/plain')}; "
                                                      f"charset=utf-8")

    @api.get("/outputs/{name}", tags=["models"], response_class=FileResponse,
             responses={404: {"description": "No such file in the server's output folder"}})
    async def output_file(name: str):
        """A file a model wrote into the server's output folder (a mask, an image), by the file name of
        the path its record gives: how the playground shows them."""
        path = Path(service.output_dir) / name
        if name != path.name or name.startswith(".") or not path.is_file():
            return _error(404, f"No output file {name!r} on this server: give the file name of a path that a "
                               f"prediction returned.")
        return FileResponse(path)

    @api.get("/metrics", tags=["service"], response_class=Response)
    async def metrics():
        """Prometheus metrics: requests, latencies, batch sizes, records ok/failed and loaded models."""
        content, media_type = service.metrics.exposition()
        return Response(content, media_type=media_type)

    for add_routes in service.registry.routes:
        try:
            add_routes(api)
        except Exception as exc:  # noqa: BLE001 - one plugin's routes must not stop the server
            print(f"warning: routes of {add_routes.__module__} not added: {type(exc).__name__}: {exc}", file=sys.stderr)

    app.include_router(api)
    return app


#: Media types of the formats a client may ask for with ``?format=``; others are plain text.
FORMAT_MEDIA_TYPES = {"csv": "text/csv", "jsonl": "application/x-ndjson", "json": "application/json",
                      "vtt": "text/vtt", "gff3": "text/x-gff3"}


def _writer_for_request(fmt: str | None, registry: Registry) -> Any:
    """The Writer class for ``?format=``, or None for the JSON records; Parquet is not served."""
    if fmt is None:
        return None
    if fmt == "parquet":
        raise UsageError("Parquet is a file format: ask for csv, jsonl or a plugin's text format, or use hub predict.")
    return writer_for(fmt, registry.formats.values())


def _add_local_docs(app: FastAPI) -> None:
    """Swagger UI at ``/docs`` from the assets in the swagger-ui-bundle package (no CDN: the docs
    work offline); without that package there is no ``/docs``, only ``/openapi.json``."""
    try:
        from swagger_ui_bundle import swagger_ui_path
    except ImportError:
        return
    from fastapi.openapi.docs import get_swagger_ui_html

    app.mount("/docs-assets", StaticFiles(directory=swagger_ui_path), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    async def docs():
        return get_swagger_ui_html(openapi_url=app.openapi_url or "/openapi.json", title=f"{app.title} API",
                                   swagger_js_url="/docs-assets/swagger-ui-bundle.js",
                                   swagger_css_url="/docs-assets/swagger-ui.css",
                                   swagger_favicon_url="/docs-assets/favicon-32x32.png")


def api_key_from(key_file: str | None) -> list[str] | None:
    """The keys in ``key_file`` (one per line: one per client, each with its own rate limit),
    else ``$HUB_API_KEY``, else None (no key required)."""
    if key_file:
        keys = [line.strip() for line in Path(key_file).read_text().splitlines() if line.strip()]
        if not keys:
            raise UsageError(f"{key_file} is empty; put the API key in it (one key per line for several clients).")
        return keys
    key = os.environ.get("HUB_API_KEY")
    return [key] if key else None


def create_app_from_env() -> FastAPI:
    """The app of each ``--workers N`` process: the configuration comes from ``HUB_SERVE_CONFIG``."""
    config = json.loads(os.environ.get(CONFIG_ENV, "{}"))
    return create_app(api_key=api_key_from(config.pop("api_key_file", None)), **config)


def serve(registry: Registry, host: str, port: int, workers: int = 1, api_key_file: str | None = None,
          graceful_timeout_s: float | None = None, **config: Any) -> None:
    """Run the server (``hub serve``); ``config`` is passed to :func:`create_app`.

    On SIGTERM or Ctrl-C the server stops accepting connections and finishes the requests in
    flight (for at most ``graceful_timeout_s``) before its workers stop.
    """
    import uvicorn

    api_key = api_key_from(api_key_file)
    if not api_key and host not in ("127.0.0.1", "localhost", "::1"):
        print(f"warning: serving on {host} without an API key; anyone who can reach it can use it.", file=sys.stderr)
    if config.get("rate_limit"):
        parse_rate_limit(config["rate_limit"])  # a bad limit stops here, not in each worker process
        if workers > 1:
            print(f"warning: each of the {workers} worker processes counts --rate-limit on its own, so a client "
                  f"may make up to {workers} times as many requests.", file=sys.stderr)
    settings: dict[str, Any] = {"host": host, "port": port, "timeout_graceful_shutdown": graceful_timeout_s,
                "access_log": not config.get("access_log")}  # the JSON access log replaces uvicorn's
    # One output folder for all worker processes, so GET /outputs finds a file whichever wrote it.
    with tempfile.TemporaryDirectory(prefix="hub-serve-outputs-") as output_dir:
        if workers == 1:
            uvicorn.run(create_app(registry, api_key=api_key, output_dir=output_dir, **config), **settings)
            return
        # Worker processes are fresh interpreters: each builds its app (and reads the key file) itself.
        os.environ[CONFIG_ENV] = json.dumps({**config, "api_key_file": api_key_file, "output_dir": output_dir})
        uvicorn.run("specialist_hub.server:create_app_from_env", factory=True, workers=workers, **settings)
