"""Multipart uploads: saved to a private temporary folder, read like CLI input files, deleted after
the batch that reads them; the client sees its own file names, never the server's paths."""

from __future__ import annotations

import json
import re
import tempfile
from itertools import islice
from pathlib import Path
from typing import Any

from starlette.concurrency import run_in_threadpool

from ..errors import OptionError, UsageError
from ..inputs import Record, iter_records
from .service import HubService

_SAFE_SUFFIX = re.compile(r"^(\.[A-Za-z0-9]{1,8}){1,2}$")


def suffix(filename: str) -> str:
    """The upload's extension (``.png``, ``.sdf.gz``), which tells the readers its format."""
    suffixes = "".join(Path(filename).suffixes[-2:]) if filename.lower().endswith(".gz") else Path(filename).suffix
    return suffixes.lower() if _SAFE_SUFFIX.match(suffixes) else ""


async def predict_uploads(service: HubService, model_id: str, uploads: list[tuple[str, bytes]],
                          options: dict[str, Any]) -> list[dict[str, Any]]:
    """Save uploads to a private temporary folder, predict on their paths, delete them (after the
    batch that reads them, even when the request timed out first)."""
    folder = tempfile.TemporaryDirectory(prefix="hub-serve-")
    future = None
    try:
        names, records = await run_in_threadpool(_save, service, model_id, folder.name, uploads)
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


def _save(service: HubService, model_id: str, folder: str,
          uploads: list[tuple[str, bytes]]) -> tuple[dict[str, str], list[Record]]:
    """(temporary path -> the client's file name, the records read from the files)."""
    kind = service.registry.input_kind(service.spec(model_id).input_kind)
    names: dict[str, str] = {}
    for index, (filename, content) in enumerate(uploads):
        path = Path(folder) / f"{index}{suffix(filename)}"
        path.write_bytes(content)
        names[str(path)] = filename or path.name
        if kind.literal_arguments and not kind.knows_extension(path.name):
            raise UsageError(f"Cannot read {filename!r} as {kind.name} input: unsupported extension. "
                             f"Supported: {', '.join(sorted(kind.readers))}.")
    records = list(islice(iter_records(kind, list(names)), service.settings.max_batch + 1))
    service.check_batch(len(records), exact=False)
    return names, records


def form_options(text: str | None) -> dict[str, Any]:
    """The ``options`` field of a multipart request (a JSON object)."""
    if not text:
        return {}
    try:
        options = json.loads(text)
    except json.JSONDecodeError as exc:
        raise OptionError(f"The 'options' form field must be a JSON object: {exc}.") from None
    if not isinstance(options, dict):
        raise OptionError("The 'options' form field must be a JSON object, e.g. {\"standardize\": true}.")
    return options
