"""``hub serve``: uvicorn over the app, in one process or ``--workers N``.

Worker processes are fresh interpreters that uvicorn starts by import string, so each builds its
own app: from the settings file the parent writes into the server's private folder (0700, the
file 0600, since it may hold the API keys), named by ``HUB_SERVE_SETTINGS``. The same folder holds
the output folder that all workers share, so ``GET /outputs`` finds a file whichever wrote it.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from fastapi import FastAPI

from ..registry import Registry
from .app import create_app
from .security import parse_rate_limit
from .settings import LOCAL_HOSTS, ServeSettings

#: Names the settings file of the ``--workers`` processes.
SETTINGS_ENV = "HUB_SERVE_SETTINGS"


def serve(settings: ServeSettings, registry: Registry) -> None:
    """Run the server until SIGTERM or Ctrl-C; then it stops accepting connections and finishes the
    requests in flight (for at most ``settings.graceful_timeout_s``) before its workers stop."""
    import uvicorn

    if not settings.api_keys and settings.host not in LOCAL_HOSTS:
        print(f"warning: serving on {settings.host} without an API key; anyone who can reach it can use it.",
              file=sys.stderr)
    if settings.rate_limit:
        parse_rate_limit(settings.rate_limit)  # a bad limit stops here, not in each worker process
        if settings.workers > 1:
            print(f"warning: each of the {settings.workers} worker processes counts --rate-limit on its own, so a "
                  f"client may make up to {settings.workers} times as many requests.", file=sys.stderr)
    uvicorn_options: dict[str, Any] = {"host": settings.host, "port": settings.port,
                       "timeout_graceful_shutdown": settings.graceful_timeout_s,
                       "access_log": not settings.access_log}  # the JSON access log replaces uvicorn's
    with tempfile.TemporaryDirectory(prefix="hub-serve-") as folder:
        outputs = Path(folder) / "outputs"
        outputs.mkdir()
        settings = settings.replace(output_dir=str(outputs))
        if settings.workers == 1:
            uvicorn.run(create_app(settings, registry), **uvicorn_options)
            return
        settings.write(Path(folder) / "settings.json")
        os.environ[SETTINGS_ENV] = str(Path(folder) / "settings.json")
        uvicorn.run(f"{__name__}:worker_app", factory=True, workers=settings.workers, **uvicorn_options)


def worker_app() -> FastAPI:
    """The app of each ``--workers`` process, from the parent's settings file."""
    return create_app(ServeSettings.read(Path(os.environ[SETTINGS_ENV])))
