"""ASGI middleware around the app: the body cap (read before the app parses anything) and the
request log that feeds ``/metrics`` and the JSON access log."""

from __future__ import annotations

import asyncio
import datetime
import json
import logging
import sys
import time

from ..metrics import ServerMetrics
from .responses import error_response

ACCESS_LOG = logging.getLogger("specialist_hub.access")


class BodyLimit:
    """ASGI middleware: refuse bodies over ``max_bytes`` (413) before the app parses them, and bodies
    that take longer than ``timeout_s`` to arrive (408), so a slow sender cannot hold a connection
    and its buffered bytes for ever.

    The body is read here (at most ``max_bytes``) and replayed, so chunked uploads without a
    Content-Length are capped too.
    """

    def __init__(self, app, max_bytes: int, timeout_s: float):
        self.app = app
        self.max_bytes = max_bytes
        self.timeout_s = timeout_s

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        declared = dict(scope["headers"]).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.max_bytes:
            return await self._refuse(scope, receive, send)
        body, more = bytearray(), True
        deadline = time.monotonic() + self.timeout_s
        try:
            while more:
                message = await asyncio.wait_for(receive(), max(0.0, deadline - time.monotonic()))
                if message["type"] != "http.request":
                    return  # the client went away
                body += message.get("body", b"")
                more = message.get("more_body", False)
                if len(body) > self.max_bytes:
                    return await self._refuse(scope, receive, send)
        except asyncio.TimeoutError:
            response = error_response(408, f"The request body did not arrive within {self.timeout_s:g} s. Send it "
                                           f"at once (or in smaller requests).", headers={"Connection": "close"})
            return await response(scope, receive, send)
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
        response = error_response(413, f"Request body too large: the limit is {size}. Send fewer or smaller inputs "
                                       f"per request, or start the server with a larger --max-body-mb.")
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


def log_requests_to_stderr() -> None:
    """Send the access log to stderr, once per process (each app of a test would add a handler)."""
    if not ACCESS_LOG.handlers:
        ACCESS_LOG.addHandler(StderrHandler())
        ACCESS_LOG.setLevel(logging.INFO)
        ACCESS_LOG.propagate = False
