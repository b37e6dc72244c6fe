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
from starlette.datastructures import FormData, UploadFile

from ..errors import HubError, OptionError, UsageError
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
        result["input"] = client_names(result["input"], names)
        if result.get("error"):
            result["error"]["message"] = client_names(result["error"]["message"], names)
    return results


def client_names(text: str, names: dict[str, str]) -> str:
    """``text`` with each temporary path, and its file name alone, as the client's file name (in one
    pass, so a client's name is never replaced again)."""
    by_temporary = {**{Path(path).name: name for path, name in names.items()}, **names}
    pattern = "|".join(map(re.escape, sorted(by_temporary, key=len, reverse=True)))
    return re.sub(rf"(?<![\w.])(?:{pattern})", lambda found: by_temporary[found.group()], text)


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
    try:
        records = list(islice(iter_records(kind, list(names)), service.settings.max_batch + 1))
    except HubError as exc:  # a damaged file or a missing column: named as the client named it
        raise exc.reworded(client_names(str(exc), names)) from None
    service.check_batch(len(records), exact=False)
    return names, records


def form_parts(form: FormData) -> tuple[list[UploadFile], dict[str, Any]]:
    """The files and options of a multipart request. Any other field, text in 'files', a file or a
    second value in 'options' is refused rather than ignored: a mistyped field would drop options."""
    unknown = sorted({key for key in form if key not in ("files", "options")})
    if unknown:
        raise UsageError(f"Unknown form field(s) {', '.join(map(repr, unknown))}: send the inputs as files in "
                         f"fields named 'files' and the options as one JSON text field named 'options'.")
    files = form.getlist("files")
    if not files:
        raise UsageError("Send one or more files in multipart fields named 'files'.")
    uploads = [file for file in files if not isinstance(file, str)]
    if len(uploads) < len(files):
        raise UsageError("A 'files' field holds text, not a file: send each input as a file part (with a filename).")
    options = form.getlist("options")
    texts = [text for text in options if isinstance(text, str)]
    if len(options) > 1 or len(texts) < len(options):
        raise OptionError("Send the options as one text field named 'options' holding a JSON object, e.g. "
                          "{\"standardize\": true}.")
    return uploads, form_options(texts[0] if texts else None)


def form_options(text: str | None) -> dict[str, Any]:
    """The ``options`` field of a multipart request (a JSON object)."""
    if not text:
        return {}
    try:
        options = json.loads(text)
    except RecursionError:
        raise OptionError("The 'options' form field is nested too deeply: send a flat JSON object of options.") from None
    except ValueError as exc:  # not JSON, or an integer of more digits than Python converts
        raise OptionError(f"The 'options' form field must be a JSON object: {exc}.") from None
    if not isinstance(options, dict):
        raise OptionError("The 'options' form field must be a JSON object, e.g. {\"standardize\": true}.")
    return options
