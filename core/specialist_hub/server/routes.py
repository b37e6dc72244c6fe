"""The routes, as FastAPI's larger applications lay them out: module-level routers whose handlers
get the :class:`~.service.HubService` by dependency. ``public`` needs no key (liveness, the
playground page); ``api`` is included behind the key and rate-limit guards."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import FileResponse, Response
from pydantic import ValidationError

from .. import __version__
from ..cards import render_markdown
from ..errors import UsageError
from ..inputs import Record
from ..registry import Registry
from ..results import Prediction
from ..writers import check_fits, writer_for
from .responses import HubJSONResponse, error_response, validation_errors
from .schemas import FORMAT_MEDIA_TYPES, PREDICT_BODY, PREDICT_RESPONSES, PredictRequest
from .service import HubService
from .uploads import form_parts, predict_uploads

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"


def get_service(request: Request) -> HubService:
    return request.app.state.service


Service = Annotated[HubService, Depends(get_service)]
public = APIRouter()
api = APIRouter()


@public.get("/health", tags=["service"])
async def health() -> dict[str, Any]:
    """Liveness: always answers, without the API key."""
    return {"status": "ok", "version": __version__}


@public.get("/", include_in_schema=False)
async def playground():
    return FileResponse(STATIC_DIR / "index.html")


@api.get("/models", tags=["models"])
async def list_models(service: Service,
                      domain: str | None = Query(None, description="chemistry/chem, biology/bio, vision, audio")):
    """The served models: the same rows as `hub list --json`."""
    return [service.row(spec) for spec in service.specs(domain)]


@api.get("/models/{domain}/{name}", tags=["models"])
async def model_card(domain: str, name: str, service: Service):
    """The model card: the same data as `hub info --json`, plus the card as Markdown."""
    spec = service.spec(f"{domain}/{name}")
    row = service.row(spec)
    return {**row, "markdown": render_markdown(spec, available=row["available"],
                                               install_hint=service.registry.install_hint(spec))}


@api.post("/models/{domain}/{name}/predict", tags=["models"], openapi_extra={"requestBody": PREDICT_BODY},
          responses=PREDICT_RESPONSES)
async def predict(domain: str, name: str, request: Request, service: Service,
                  format: str | None = Query(None, description="Answer in this output format instead of JSON "
                                                               "records: csv, jsonl, table, or a plugin's (gff3, "
                                                               "srt, vtt...)")):
    """Predict: JSON `{"inputs": [...], "options": {...}}` for molecules, sequences and text;
    multipart `files` (plus an `options` JSON field) for images and audio. Records that fail
    come back with `ok: false` and their error; the status stays 200."""
    model_id = f"{domain}/{name}"
    spec = service.spec(model_id)
    writer = _writer_for_request(format, service.registry, spec)
    results = await _predict(service, model_id, spec, request)
    if isinstance(results, Response):
        return results
    if writer is None:  # the records are JSON-ready already: no jsonable_encoder pass over them
        return HubJSONResponse(results)
    stream = io.StringIO()
    rendering = writer(stream, [spec])
    for row in results:
        rendering.write(Prediction(**row))
    rendering.close()
    return Response(stream.getvalue(), media_type=f"{FORMAT_MEDIA_TYPES.get(format or '', 'text/plain')}; "
                                                  f"charset=utf-8")


async def _predict(service: HubService, model_id: str, spec, request: Request) -> Any:
    """The records of a JSON or multipart prediction request (or the response refusing it)."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "multipart/form-data":
        form = await request.form(max_files=100_000, max_fields=100_000)
        files, options = form_parts(form)
        service.check_batch(len(files))
        uploads = [(f.filename or "", await f.read()) for f in files]
        request.state.records = len(uploads)
        return await predict_uploads(service, model_id, uploads, options)
    if content_type != "application/json":
        return error_response(415, f"Send inputs as JSON with 'Content-Type: application/json' (got "
                                   f"{content_type or 'no content type'}), or files as multipart/form-data.")
    if not service.registry.input_kind(spec.input_kind).literal_arguments:
        raise UsageError(f"{model_id} takes {spec.input_kind} files: POST multipart/form-data with the files "
                         f"in fields named 'files' (and options as a JSON string in 'options').")
    raw = await request.body()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UsageError(f"The body is not UTF-8 (byte {raw[exc.start]:#04x} at offset {exc.start}): send JSON "
                         f"text in UTF-8 (RFC 8259).") from None
    try:
        body = PredictRequest.model_validate_json(text or "null")
    except ValidationError as exc:
        return error_response(422, 'Send a JSON body like {"inputs": ["..."], "options": {}}.',
                              errors=validation_errors(json.loads(exc.json(include_url=False, include_context=False))))
    service.check_batch(len(body.inputs))
    if body.ids is not None and len(body.ids) != len(body.inputs):
        raise UsageError(f"'ids' has {len(body.ids)} items but 'inputs' has {len(body.inputs)}.")
    ids = body.ids or [None] * len(body.inputs)
    records = [Record(position, value, record_id) for position, (value, record_id)
               in enumerate(zip(body.inputs, ids))]
    request.state.records = len(records)
    return await service.results(model_id, service.submit(model_id, records, body.options))


def _writer_for_request(fmt: str | None, registry: Registry, spec) -> Any:
    """The Writer class for ``?format=``, or None for the JSON records; Parquet is not served, nor a
    format that has no place for the model's outputs (subtitles of a molecule would be empty)."""
    if fmt is None:
        return None
    if fmt == "parquet":
        raise UsageError("Parquet is a file format: ask for csv, jsonl or a plugin's text format, or use hub predict.")
    writer = writer_for(fmt, registry.formats.values())
    check_fits(writer, fmt, [spec], registry.formats.values(), "ask for json, jsonl, csv or table")
    return writer


@api.get("/outputs/{name}", tags=["models"], response_class=FileResponse,
         responses={404: {"description": "No such file in the server's output folder"}})
async def output_file(name: str, service: Service):
    """A file a model wrote into the server's output folder (a mask, an image), by the file name of
    the path its record gives: how the playground shows them."""
    path = Path(service.output_dir) / name
    if name != path.name or name.startswith(".") or not path.is_file():
        return error_response(404, f"No output file {name!r} on this server: give the file name of a path that a "
                                   f"prediction returned.")
    return FileResponse(path)


@api.get("/metrics", tags=["service"], response_class=Response)
async def metrics(service: Service):
    """Prometheus metrics: requests, latencies, batch sizes, records ok/failed and loaded models."""
    content, media_type = service.metrics.exposition()
    return Response(content, media_type=media_type)
