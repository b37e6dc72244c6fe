"""``hub serve``: an HTTP API and a web playground over the same registry and models as the CLI.

The server adds transport only: ``/models`` is ``hub list --json``, ``/models/{id}`` is
``hub info --json`` plus the Markdown card, and ``/models/{id}/predict`` returns the records of
``hub predict --format json``. Models load on first use and stay loaded (the registry caches
them). Concurrent requests for a model with the same options are batched (:mod:`..batching`):
each model runs one batch at a time in a thread of its own, so the event loop stays free and
models that are not thread-safe are safe. ``/metrics`` is for Prometheus (:mod:`..metrics`).

The package, as FastAPI's larger applications and datasette's views are laid out:
:mod:`.settings` (one frozen :class:`ServeSettings`), :mod:`.app` (the factory), :mod:`.routes`
(handlers that get the service by dependency), :mod:`.service` (the models, batching and plan
cache, without FastAPI), :mod:`.security` (keys, rate limits, Host/Origin), :mod:`.middleware`,
:mod:`.uploads`, :mod:`.schemas` (wire shapes), :mod:`.responses`, :mod:`.docs` and
:mod:`.launch` (uvicorn and ``--workers``).

The app and the launcher import FastAPI and uvicorn when first named (PEP 562), so what needs only
the settings or the service (``hub mcp`` over stdio) starts without them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .settings import ServeSettings, api_key_from

if TYPE_CHECKING:
    from .app import create_app
    from .launch import serve

__all__ = ["ServeSettings", "api_key_from", "create_app", "serve"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from .app import create_app

        return create_app
    if name == "serve":
        from .launch import serve

        return serve
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
