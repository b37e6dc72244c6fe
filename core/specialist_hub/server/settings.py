"""One frozen :class:`ServeSettings`: everything a server is started with, built once (by ``hub
serve`` from its flags, or by a caller of :func:`~specialist_hub.server.create_app`) and handed
whole to the app factory, the service and each ``--workers`` process (as a file, see
:mod:`.launch`). No FastAPI import here, so the CLI and tests can build settings cheaply."""

from __future__ import annotations

import dataclasses
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import UsageError

DEFAULT_MAX_BATCH = 256
DEFAULT_MAX_BODY_BYTES = 32 * 1024 * 1024
#: How long a request waits for others to share its forward batch (``--batch-wait-ms``).
DEFAULT_BATCH_WAIT_MS = 2.0
DEFAULT_REQUEST_TIMEOUT_S = 300.0
#: Longest a client may take to send its whole request body (a slow sender holds a connection and
#: up to ``max_body_bytes`` of memory until then).
DEFAULT_BODY_TIMEOUT_S = 60.0
#: Host names a keyless server answers to: loopback only, so a web page cannot reach it by DNS rebinding.
LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")


@dataclass(frozen=True)
class ServeSettings:
    """How a server runs. Defaults are ``hub serve``'s, except ``isolate``: in-process unless asked
    (``hub serve`` asks, with ``--isolate`` on by default), so an embedding app or a test shares its models."""

    host: str = "127.0.0.1"
    port: int = 8000
    #: Server processes (``--workers``); each builds its own app from these settings.
    workers: int = 1
    #: Model ids served (None: every registered model).
    models: tuple[str, ...] | None = None
    #: Keys a client must send (one per client); empty: no key, loopback names only.
    api_keys: tuple[str, ...] = field(default=(), repr=False)
    #: ``COUNT/PERIOD`` per key (per client address without keys), e.g. ``100/minute``.
    rate_limit: str | None = None
    #: Most inputs per request.
    max_batch: int = DEFAULT_MAX_BATCH
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    body_timeout_s: float = DEFAULT_BODY_TIMEOUT_S
    cors_origins: tuple[str, ...] = ()
    #: Host names answered without a key, beside loopback (``--allow-host``).
    allowed_hosts: tuple[str, ...] = ()
    device: str = "auto"
    #: Each model in a supervised worker process (a native crash fails one record, not the server).
    isolate: bool = False
    #: Most models kept loaded (None: the registry's own limit).
    max_loaded_models: int | None = None
    batch_wait_ms: float = DEFAULT_BATCH_WAIT_MS
    #: Most records per forward batch (None: each model's batch size).
    max_batch_records: int | None = None
    request_timeout_s: float | None = DEFAULT_REQUEST_TIMEOUT_S
    #: One JSON line per request on stderr, in place of uvicorn's access lines.
    access_log: bool = False
    graceful_timeout_s: float | None = 30.0
    #: ``local`` (this process's batcher) or ``ray`` (Ray Serve deployments, placed as below).
    engine: str = "local"
    replicas: int = 1
    max_replicas: int | None = None
    cpus_per_replica: float = 1.0
    gpus_per_replica: float = 0.0
    #: Where models write files served at ``GET /outputs`` (None: a new temporary folder).
    output_dir: str | None = None

    def __post_init__(self) -> None:
        for name in ("cors_origins", "allowed_hosts", "api_keys"):  # lists given by callers, frozen here
            given = getattr(self, name)
            object.__setattr__(self, name, (given,) if isinstance(given, str) else tuple(given))
        if self.models is not None:
            object.__setattr__(self, "models", tuple(sorted(set(self.models))))
        if self.engine not in ("local", "ray"):
            raise UsageError(f"engine must be 'local' or 'ray', not {self.engine!r}.")
        if self.engine == "ray" and self.workers > 1:
            raise UsageError("--engine ray scales with --replicas, not --workers.")
        bounds = {"workers": (1, 1024), "max_batch": (1, 10_000_000), "max_body_bytes": (1, 2**40),
                  "body_timeout_s": (0.001, 86_400), "batch_wait_ms": (0, 1000), "port": (0, 65535),
                  "replicas": (1, 10_000)}
        for name, (low, high) in bounds.items():
            if not low <= getattr(self, name) <= high:
                raise UsageError(f"{name} must be between {low} and {high} (got {getattr(self, name)}).")

    def replace(self, **changes: Any) -> ServeSettings:
        return dataclasses.replace(self, **changes)

    def write(self, path: Path) -> None:
        """Save as JSON readable only by this user (it may hold the API keys), for worker processes."""
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as file:
            json.dump(dataclasses.asdict(self), file)

    @classmethod
    def read(cls, path: Path) -> ServeSettings:
        return cls(**json.loads(Path(path).read_text()))


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
