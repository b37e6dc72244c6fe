"""``hub mcp --transport http``: the SDK's streamable HTTP transport at ``/mcp``, behind ``hub serve``'s
own rules, taken from :mod:`specialist_hub.server` rather than restated: the API keys (``Authorization:
Bearer KEY`` or ``X-API-Key``, 401 without), the rate limit per key (per address without keys; 429 with
``Retry-After``), the body cap (413), and without keys the loopback Host/Origin check. It binds
127.0.0.1 only.
"""

from __future__ import annotations

import contextlib
import math
import sys
from collections.abc import AsyncIterator

import anyio
from fastapi import FastAPI
from mcp.server.streamable_http_manager import StreamableHTTPASGIApp
from mcp.server.transport_security import TransportSecuritySettings
from starlette.responses import Response

from ..server.app import add_hub_guards
from ..server.security import guards, parse_rate_limit
from ..server.settings import ServeSettings
from .server import HubTools, create_server, follow_installation

HOST = "127.0.0.1"
PATH = "/mcp"


class _Transport(Response):
    """Hands the request, body unread, to the SDK's transport once the route's guards have passed."""

    def __init__(self, transport: StreamableHTTPASGIApp):
        super().__init__()
        self.transport = transport

    async def __call__(self, scope, receive, send) -> None:
        await self.transport(scope, receive, send)


def create_http_app(tools: HubTools, settings: ServeSettings) -> FastAPI:
    server = create_server(tools)
    # Builds the session manager, with the SDK's own Host/Origin check held to the loopback names this
    # server binds (with or without a port) and hub serve's body cap instead of the SDK's smaller one.
    loopback = [name for host in ("127.0.0.1", "localhost", "[::1]") for name in (host, f"{host}:*")]
    security = TransportSecuritySettings(
        allowed_hosts=loopback, allowed_origins=[f"http://{name}" for name in loopback] + list(settings.cors_origins))
    server.streamable_http_app(host=HOST, transport_security=security, max_request_body_size=settings.max_body_bytes)
    transport = StreamableHTTPASGIApp(server.session_manager)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with server.session_manager.run(), anyio.create_task_group() as group:
            group.start_soon(follow_installation, server, tools)
            yield
            group.cancel_scope.cancel()

    app = FastAPI(title="Specialist Hub MCP", lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None)
    add_hub_guards(app, settings)

    @app.api_route(PATH, methods=["GET", "POST", "DELETE"], dependencies=guards(settings, tools.service.metrics))
    async def mcp() -> Response:
        return _Transport(transport)

    return app


def serve_http(tools: HubTools, settings: ServeSettings) -> None:
    """Run until SIGTERM or Ctrl-C, then let calls in flight finish for at most ``graceful_timeout_s``."""
    import uvicorn

    if settings.rate_limit:
        parse_rate_limit(settings.rate_limit)
    print(f"hub mcp: streamable HTTP at http://{HOST}:{settings.port}{PATH}"
          + (" (API key required)" if settings.api_keys else " (loopback only, no API key)"), file=sys.stderr)
    grace = settings.graceful_timeout_s
    uvicorn.run(create_http_app(tools, settings), host=HOST, port=settings.port, log_level="warning",
                timeout_graceful_shutdown=None if grace is None else math.ceil(grace))
