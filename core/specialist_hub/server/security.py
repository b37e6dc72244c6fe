"""Who may call the API: API keys, rate limits per client, and, on a server without keys, the
Host/Origin check that keeps web pages of other sites out."""

from __future__ import annotations

import hmac
import math
import time
from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import urlsplit

from fastapi import Depends, HTTPException, Request
from fastapi.params import Depends as Dependency
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from ..errors import RateLimited, UsageError
from ..metrics import ServerMetrics
from .responses import error_response
from .settings import ServeSettings

#: Bounds of each ``--rate-limit`` limit: a moving window keeps one timestamp per request it counts.
MAX_RATE_LIMIT_COUNT = 100_000
MAX_RATE_LIMIT_WINDOW_S = 86_400


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
        host = hostname(headers.get(b"host", b"").decode("latin-1"))
        origin = headers.get(b"origin", b"").decode("latin-1")
        if host not in self.hosts or (origin and origin not in self.origins and origin_host(origin) not in self.hosts):
            response = error_response(403, "This server has no API key, so it answers only requests to "
                                           f"{', '.join(sorted(self.hosts))} from those pages. Set HUB_API_KEY to "
                                           "serve other hosts, or add the name with --allow-host.")
            return await response(scope, receive, send)
        return await self.app(scope, receive, send)


def hostname(authority: str) -> str | None:
    """The host of a ``Host`` header (``host``, ``host:port``, ``[v6]:port``), lower case; None when
    it is not exactly that: a port that is not a number, user-info, a path."""
    parts = urlsplit(f"//{authority.strip()}")
    try:
        parts.port  # noqa: B018 - raises on a port that is not a number
    except ValueError:
        return None
    if parts.username is not None or parts.path or parts.query or parts.fragment or authority.strip().endswith(":"):
        return None
    return parts.hostname


def origin_host(origin: str) -> str | None:
    """The host of an ``Origin`` header (``scheme://host[:port]``, nothing else; RFC 6454), or None."""
    scheme, _, authority = origin.strip().partition("://")
    return hostname(authority) if scheme.lower() in ("http", "https") else None


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


def guards(settings: ServeSettings, metrics: ServerMetrics) -> list[Dependency]:
    """The dependencies of every route that touches models: the key (if the server has keys), then
    the rate limit (if it has one), which counts only requests that passed the key check."""
    client = _key_dependency(settings.api_keys) if settings.api_keys else _client_address
    checks = [Depends(client)] if settings.api_keys else []
    if settings.rate_limit:
        checks.append(Depends(_rate_limit_dependency(RateLimit(settings.rate_limit), metrics, client)))
    return checks
