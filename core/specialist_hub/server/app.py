"""The app factory: one :class:`~.settings.ServeSettings` and a registry in, a FastAPI app out."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import AsyncIterator

from fastapi import APIRouter, FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.staticfiles import StaticFiles

from .. import __version__
from ..errors import HubError
from ..registry import Registry, get_registry
from . import routes
from .docs import add_local_docs
from .middleware import BodyLimit, RequestLog, log_requests_to_stderr
from .responses import HubJSONResponse, error_response, hub_error_response, validation_errors
from .security import LocalOnly, guards
from .service import HubService
from .settings import LOCAL_HOSTS, ServeSettings


def add_hub_guards(app: FastAPI, settings: ServeSettings) -> None:
    """What every hub server (``hub serve``, ``hub mcp --transport http``) holds to: the body's size
    and time limits; without API keys, loopback Host and Origin names only; a HubError answered with
    its own status and message."""

    async def on_hub_error(request: Request, exc: Exception):
        assert isinstance(exc, HubError)
        return hub_error_response(exc)

    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes, timeout_s=settings.body_timeout_s)
    if not settings.api_keys:
        app.add_middleware(LocalOnly, hosts=(*LOCAL_HOSTS, *settings.allowed_hosts), origins=settings.cors_origins)
    app.add_exception_handler(HubError, on_hub_error)


def create_app(settings: ServeSettings | None = None, registry: Registry | None = None) -> FastAPI:
    """The FastAPI app serving ``registry`` (default: the installed plugins) as ``settings`` say.

    With API keys, every route that touches models needs one; ``/health``, the static playground
    page and the API docs do not (they hold no data and run nothing). Without keys, only requests
    to loopback names (and ``allowed_hosts``) from pages on them (or ``cors_origins``) are answered.
    """
    settings = settings or ServeSettings()
    service = HubService(settings, registry or get_registry())
    if settings.access_log:
        log_requests_to_stderr()

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        service.close()

    app = FastAPI(title="Specialist Hub", version=__version__, default_response_class=HubJSONResponse,
                  lifespan=lifespan, docs_url=None, redoc_url=None,
                  description="Small, specialised models for chemistry, biology, vision, audio and video. "
                              "The same models and records as the `hub` command.")
    app.state.service = service
    add_hub_guards(app, settings)
    if settings.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=list(settings.cors_origins), allow_methods=["GET", "POST"],
                           allow_headers=["Authorization", "X-API-Key", "Content-Type"])
    app.add_middleware(RequestLog, metrics=service.metrics, access_log=settings.access_log)

    @app.exception_handler(RequestValidationError)
    async def on_invalid_request(request: Request, exc: RequestValidationError):
        """FastAPI's own 422 (a bad query parameter), quoting at most a little of the input."""
        return error_response(422, "The request's parameters are invalid; see 'errors'.",
                              errors=validation_errors(jsonable_encoder(exc.errors())))

    app.include_router(routes.public)
    app.mount("/static", StaticFiles(directory=routes.STATIC_DIR), name="static")
    add_local_docs(app)
    guarded = guards(settings, service.metrics)
    app.include_router(routes.api, dependencies=guarded)
    plugin_routes = APIRouter()
    for add_routes in service.registry.routes:
        try:
            add_routes(plugin_routes)
        except Exception as exc:  # noqa: BLE001 - one plugin's routes must not stop the server
            print(f"warning: routes of {add_routes.__module__} not added: {type(exc).__name__}: {exc}", file=sys.stderr)
    app.include_router(plugin_routes, dependencies=guarded)
    return app
