"""Strict-JSON responses and the error body every failure of the API shares."""

from __future__ import annotations

from typing import Any

from fastapi.responses import JSONResponse

from ..errors import HubError
from ..results import strict_json


class HubJSONResponse(JSONResponse):
    """Strict JSON, as every writer of the CLI: a non-finite float is null."""

    def render(self, content: Any) -> bytes:
        return strict_json(content, separators=(",", ":")).encode("utf-8")


def error_response(status: int, message: str, **extra: Any) -> HubJSONResponse:
    return HubJSONResponse({"detail": message, **extra}, status_code=status)


def hub_error_response(exc: HubError) -> HubJSONResponse:
    """The error's own HTTP status and details, with the same message the CLI prints (and a
    ``Retry-After`` header when the details say when to retry)."""
    details = exc.details()
    response = error_response(exc.http_status, str(exc), error=type(exc).__name__, **details)
    if "retry_after" in details:
        response.headers["Retry-After"] = str(details["retry_after"])
    return response

