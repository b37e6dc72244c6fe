"""Strict-JSON responses and the error body every failure of the API shares."""

from __future__ import annotations

from typing import Any

from fastapi.responses import JSONResponse

from ..errors import HubError
from ..results import strict_json

#: Longest piece of a client's input that an error body quotes back.
ECHO_CHARS = 200
#: Longest error message sent whole; a longer one quotes a large input (``got 'xxx…'``) and is cut.
MESSAGE_CHARS = 2000


class HubJSONResponse(JSONResponse):
    """Strict JSON, as every writer of the CLI: a non-finite float is null."""

    def render(self, content: Any) -> bytes:
        return strict_json(content, separators=(",", ":")).encode("utf-8")


def error_response(status: int, message: str, headers: dict[str, str] | None = None, **extra: Any) -> HubJSONResponse:
    return HubJSONResponse({"detail": message, **extra}, status_code=status, headers=headers)


def hub_error_response(exc: HubError) -> HubJSONResponse:
    """The error's own HTTP status and details, with the same message the CLI prints (and a
    ``Retry-After`` header when the details say when to retry)."""
    details = exc.details()
    response = error_response(exc.http_status, shortened_message(str(exc)), error=type(exc).__name__, **details)
    if "retry_after" in details:
        response.headers["Retry-After"] = str(details["retry_after"])
    return response


def shortened(value: Any) -> Any:
    """A validation error's ``input`` as quoted back: at most :data:`ECHO_CHARS` of it, so that a
    large request is not sent back whole."""
    if isinstance(value, (bytes, bytearray)):
        value = value.decode("utf-8", "replace")
    if isinstance(value, str):
        return value if len(value) <= ECHO_CHARS else f"{value[:ECHO_CHARS]}…({len(value)} chars)"
    text = strict_json(value)
    return value if len(text) <= ECHO_CHARS else f"{text[:ECHO_CHARS]}…({len(text)} chars of JSON)"


def shortened_message(message: str) -> str:
    """``message``, or its start and its end (the advice) around a cut, when it is too long to be
    anything but an echo of the request."""
    if len(message) <= MESSAGE_CHARS:
        return message
    head, tail = MESSAGE_CHARS // 2, MESSAGE_CHARS // 4
    return f"{message[:head]}…({len(message) - head - tail} chars cut)…{message[-tail:]}"


def validation_errors(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Pydantic's error list with every quoted input shortened."""
    return [{**error, "input": shortened(error["input"])} if "input" in error else error for error in errors]
