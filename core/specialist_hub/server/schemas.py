"""The wire shapes of the API: request bodies and the OpenAPI description of the predict route."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from ..results import Prediction


class PredictRequest(BaseModel):
    """JSON body of a prediction for text-like inputs (molecules, sequences, text)."""

    model_config = ConfigDict(extra="forbid")
    inputs: list[str] = Field(description="One value per record: SMILES or molfile, sequence, or text")
    ids: list[str | None] | None = Field(None, description="Optional record ids, one per input")
    options: dict[str, Any] = Field(default_factory=dict, description="Model options, as in 'hub info MODEL'")


PREDICT_BODY = {
    "required": True,
    "content": {
        "application/json": {"schema": PredictRequest.model_json_schema()},
        "multipart/form-data": {"schema": {
            "type": "object",
            "properties": {
                "files": {"type": "array", "items": {"type": "string", "format": "binary"},
                          "description": "Image or audio files (or input files such as .smi, .fasta, .sdf)"},
                "options": {"type": "string", "description": "Model options as a JSON object"},
            },
        }},
    },
}

PREDICT_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"model": list[Prediction], "description": "One record per input, in order"},
    400: {"description": "A bad request: a format the model has no output for, undecodable JSON"},
    404: {"description": "Unknown model (with close_matches), or one this server does not serve"},
    408: {"description": "The request body did not arrive within the server's body timeout"},
    413: {"description": "Body or batch too large"},
    429: {"description": "Over the server's rate limit (with Retry-After)"},
    503: {"description": "Dependency or checkpoint missing (with install_hint)"},
    504: {"description": "The prediction took longer than the server's request timeout"},
}

#: Media types of the formats a client may ask for with ``?format=``; others are plain text.
FORMAT_MEDIA_TYPES = {"csv": "text/csv", "jsonl": "application/x-ndjson", "json": "application/json",
                      "vtt": "text/vtt", "gff3": "text/x-gff3"}
