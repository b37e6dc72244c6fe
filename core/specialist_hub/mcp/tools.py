"""MCP tool definitions generated from model specs: a name from the id, a description from the card,
an ``inputSchema`` from the input kind and the options, an ``outputSchema`` from the output fields.

Plain JSON-ready dicts, built without the MCP SDK or any model import, so ``hub mcp --list`` and the
tests read exactly what a client is sent. Options that name places on the host (:attr:`Option.host`)
are absent: a client can neither see nor set them.
"""

from __future__ import annotations

import hashlib
import re
import typing
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..display import prediction_line
from ..inputs import MAX_RECORD_CHARS, InputKind
from ..results import SCALAR_FIELDS, Prediction
from ..spec import ModelSpec, Option, OutputField
from ..trust import out_of_domain_note

if TYPE_CHECKING:
    from ..registry import Registry

#: JSON Schema types of the spec's value types.
JSON_TYPES = {"float": "number", "int": "integer", "str": "string", "bool": "boolean", "list": "array",
              "dict": "object"}
#: The argument that carries a call's batch; no option may take this name.
INPUTS = "inputs"
#: Longest tool name: the limit of the common LLM tool-calling APIs.
MAX_NAME = 64
#: Characters of each card excerpt (intended use, limitation) in a tool description.
EXCERPT_CHARS = 300
#: One input value of the core input kinds, as an agent should write it.
VALUE_FORMATS = {
    "molecule": "A molecule as a SMILES string (a V2000/V3000 molfile block also works)",
    "sequence": "A biological sequence in one-letter codes (protein, DNA or RNA), without a FASTA header",
    "text": "A text",
}


def tool_names(model_ids: Iterable[str]) -> dict[str, str]:
    """Model id -> a tool name every client accepts: ``chemistry/np-likeness`` -> ``chemistry_np_likeness``
    (letters, digits and ``_`` only, so it is also a Python identifier for code agents; at most 64 characters).
    When two ids give one name, each of them gets a suffix from its own id's hash, so names stay stable."""
    plain = {model_id: re.sub(r"[^a-z0-9_]", "_", model_id.lower()) for model_id in sorted(model_ids)}
    counts: dict[str, int] = {}
    for name in plain.values():
        counts[name] = counts.get(name, 0) + 1
    names = {}
    for model_id, name in plain.items():
        if counts[name] > 1 or len(name) > MAX_NAME:
            suffix = hashlib.sha256(model_id.encode()).hexdigest()[:8]
            name = f"{name[:MAX_NAME - 9]}_{suffix}"
        names[model_id] = name
    return names


def value_format(kind: InputKind) -> str:
    """What one item of ``inputs`` is: a value of a core kind, else the kind's own description; for media
    kinds a path to a file of one of the kind's extensions."""
    if not kind.literal_arguments:
        extensions = ", ".join(sorted(kind.readers))
        return (f"Path to one {kind.name} file ({extensions}) under the server's allowed roots; absolute, or "
                f"relative to the first root")
    return VALUE_FORMATS.get(kind.name, kind.description)


def option_schema(option: Option, runnable: Mapping[str, Sequence[str]]) -> dict[str, Any]:
    """An option as JSON Schema; an option that names another model to run (:attr:`Option.runs`) has the
    ids of the installed models of that input kind as its choices."""
    schema: dict[str, Any] = {"type": JSON_TYPES[option.type], "description": option.description}
    if option.default is not None:
        schema["default"] = option.default
    choices = list(option.choices)
    if option.runs and not choices:
        choices = sorted({*runnable.get(option.runs, ()), *([option.default] if option.default else [])})
    if choices:
        schema["enum"] = choices
    if option.pattern and not option.pattern.startswith("(?"):  # inline flags have no JSON Schema form
        schema["pattern"] = f"^(?:{option.pattern})$"  # the spec's pattern matches whole values
    elif option.pattern:
        schema["description"] += f" (the whole value matches the regular expression {option.pattern})"
    if option.minimum is not None:
        schema["minimum"] = option.minimum
    if option.maximum is not None:
        schema["maximum"] = option.maximum
    return schema


def runnable_models(registry: Registry) -> dict[str, list[str]]:
    """Input kind -> the ids of the installed models that take it (the registry's licence filter applies)."""
    runnable: dict[str, list[str]] = {}
    for spec in registry.list_models():
        if not registry.missing_requirements(spec):
            runnable.setdefault(spec.input_kind, []).append(spec.id)
    return runnable


def client_options(spec: ModelSpec) -> list[Option]:
    """The options a client may set: all but those naming places on the host."""
    return [option for option in spec.options if not option.server_only]


def input_schema(spec: ModelSpec, kind: InputKind, max_inputs: int,
                 runnable: Mapping[str, Sequence[str]] | None = None) -> dict[str, Any]:
    """``inputs`` (a batch of 1 to ``max_inputs`` values, predicted in one call, answered in order) and
    each option a client may set, with its type, bounds, choices and default."""
    item: dict[str, Any] = {"type": "string", "minLength": 1, "description": value_format(kind)}
    if kind.literal_arguments:
        item["maxLength"] = MAX_RECORD_CHARS
    properties: dict[str, Any] = {INPUTS: {
        "type": "array", "items": item, "minItems": 1, "maxItems": max_inputs,
        "description": f"The batch: 1 to {max_inputs} inputs, each predicted on its own; results come back in "
                       f"this order, a bad input as an error in its own result."}}
    for option in client_options(spec):
        if option.name == INPUTS:
            raise ValueError(f"{spec.id}: an option named {INPUTS!r} would clash with the batch argument.")
        properties[option.name] = option_schema(option, runnable or {})
    return {"type": "object", "properties": properties, "required": [INPUTS], "additionalProperties": False}


def field_schema(field: OutputField) -> dict[str, Any]:
    """A float may be null too: a value that is not finite is written as null (strict JSON)."""
    kind = JSON_TYPES[field.type]
    description = field.description + (f" Unit: {field.unit}." if field.unit else "")
    nullable = field.nullable or field.type == "float"
    return {"type": [kind, "null"] if nullable else kind, "description": description}


#: Fields of the prediction record that every record of one call shares: stated once, beside the results.
CALL_FIELDS = ("model", "model_version", "package")
#: Fields each result keeps (``id`` is left out: MCP inputs carry none), then ``output`` or ``error``.
RESULT_FIELDS = tuple(name for name in SCALAR_FIELDS if name not in (*CALL_FIELDS, "id"))


def _scalar_schema(name: str) -> dict[str, Any]:
    """The JSON type of one scalar field of the prediction record, from :class:`Prediction`'s annotations."""
    hint = typing.get_type_hints(Prediction)[name]
    types = [arg for arg in typing.get_args(hint) if arg is not type(None)] or [hint]
    kind = {int: "integer", bool: "boolean", str: "string"}[types[0]]
    return {"type": [kind, "null"] if type(None) in typing.get_args(hint) else kind}


def output_schema(spec: ModelSpec) -> dict[str, Any]:
    """The structured result: the model (id, version, package), each field's unit, counts, and one result
    per input in input order: the prediction record of ``hub predict --format json`` (``output`` when ok,
    else ``error``) less the fields stated once for the call. Lean on purpose: a client checks every value
    it declares (the SDK's client about 4 us each), and an agent may read all of it."""
    result = {
        "type": "object",
        "properties": {
            **{name: _scalar_schema(name) for name in RESULT_FIELDS},
            "output": {"type": "object", "properties": {f.name: field_schema(f) for f in spec.outputs},
                       "required": [f.name for f in spec.outputs]},
            "error": {"type": "object", "properties": {"type": {"type": "string"}, "message": {"type": "string"}},
                      "required": ["type", "message"]},
        },
        "required": list(RESULT_FIELDS),
    }
    return {
        "type": "object",
        "properties": {
            **{name: _scalar_schema(name) for name in CALL_FIELDS},
            "units": {"type": "object", "additionalProperties": {"type": "string"},
                      "description": "Unit of each output field that has one"},
            "ok": {"type": "integer", "description": "Inputs predicted"},
            "failed": {"type": "integer", "description": "Inputs that failed, each with its error"},
            "out_of_domain": {"type": "integer",
                              "description": "Predictions outside the model's applicability domain (in_domain false)"},
            "results": {"type": "array", "items": result, "description": "One result per input, in input order"},
        },
        "required": [*CALL_FIELDS, "units", "ok", "failed", "out_of_domain", "results"],
    }


def first_sentence(text: str, limit: int = EXCERPT_CHARS) -> str:
    """The first sentence of a Markdown card section, on one line, within ``limit`` characters."""
    text = " ".join(text.replace("**", "").split())
    match = re.search(r"(?<=[.!?])\s", text)
    sentence = text[:match.start()] if match else text
    return sentence if len(sentence) <= limit else sentence[:limit - 1].rstrip() + "…"


def description(spec: ModelSpec, kind: InputKind) -> str:
    """What an agent needs to choose the tool: summary, intended use, main limitation, licence, input."""
    parts = [f"{spec.summary} [{spec.id}]"]
    for section, label in (("intended_use", "Use for"), ("limitations", "Main limitation")):
        if spec.card.get(section):
            parts.append(f"{label}: {first_sentence(spec.card[section])}")
    licence = spec.license if spec.commercial_use else f"{spec.license} (not for commercial use)"
    parts.append(f"Licence: {licence}")
    parts.append(f"Each input: {value_format(kind)}")
    if spec.applicability_domain:
        parts.append("Each result says whether the input lies in the model's applicability domain (in_domain)")
    return ". ".join(part.rstrip(".") for part in parts) + "."


#: Most hits one ``search_models`` call returns.
MAX_SEARCH_RESULTS = 100


def discovery_tools(domains: Sequence[str]) -> list[dict[str, Any]]:
    """``search_models`` and ``model_card``: finding a model without reading every tool's schema."""
    hit = {"type": "object", "properties": {name: {"type": kind} for name, kind in (
        ("id", "string"), ("tool", "string"), ("summary", "string"), ("task", "string"), ("input_kind", "string"),
        ("license", "string"), ("commercial_use", "boolean"))}}
    return [
        {"name": "search_models", "title": "Search the hub's models",
         "description": "Find the model tools of this server by what they do, without reading every tool: the ids, "
                        "tool names, summaries and licences of the models whose id, task, summary or card mention the "
                        "query's words, best first. Then call the tool, or model_card for the full card.",
         "inputSchema": {"type": "object", "additionalProperties": False, "properties": {
             "query": {"type": "string", "maxLength": 200, "default": "",
                       "description": "Words to look for, e.g. 'solubility' or 'protein disorder'; empty lists all"},
             "domain": {"type": "string", "enum": list(domains), "description": "Only the models of this domain"},
             "limit": {"type": "integer", "minimum": 1, "maximum": MAX_SEARCH_RESULTS, "default": 20}}},
         "outputSchema": {"type": "object", "required": ["models"], "properties": {
             "models": {"type": "array", "items": hit}}},
         "annotations": {"readOnlyHint": True, "idempotentHint": True, "openWorldHint": False}},
        {"name": "model_card", "title": "A model's card",
         "description": "The full card of one model: summary, intended use, training data, metrics, limitations, "
                        "outputs with units, options, licence and citation.",
         "inputSchema": {"type": "object", "additionalProperties": False, "required": ["model"], "properties": {
             "model": {"type": "string", "maxLength": 200,
                       "description": "The model id (chemistry/qed) or its tool name (chemistry_qed)"}}},
         "outputSchema": {"type": "object", "required": ["id", "tool"],
                          "properties": {"id": {"type": "string"}, "tool": {"type": "string"}}},
         "annotations": {"readOnlyHint": True, "idempotentHint": True, "openWorldHint": False}},
    ]


@dataclass(frozen=True)
class ModelTool:
    """One model or pipeline as a tool: its spec, and the definition a client lists."""

    spec: ModelSpec
    kind: InputKind
    definition: Mapping[str, Any]

    @property
    def name(self) -> str:
        return self.definition["name"]


def model_tools(specs: Sequence[ModelSpec], registry: Registry, max_inputs: int) -> list[ModelTool]:
    names = tool_names(spec.id for spec in specs)
    runnable = runnable_models(registry)
    tools = []
    for spec in specs:
        kind = registry.input_kind(spec.input_kind)
        tools.append(ModelTool(spec, kind, {
            "name": names[spec.id], "title": spec.id, "description": description(spec, kind),
            "inputSchema": input_schema(spec, kind, max_inputs, runnable), "outputSchema": output_schema(spec),
            "annotations": {"title": spec.id, "readOnlyHint": not spec.writes_files,
                            "idempotentHint": spec.deterministic, "openWorldHint": False},
        }))
    return tools


# -- results ------------------------------------------------------------------------------------

#: Result lines the text rendering shows; the structured content always holds every record.
TEXT_RESULTS = 20
#: Characters of one result line.
LINE_CHARS = 400


def structured_result(spec: ModelSpec, records: list[dict[str, Any]]) -> dict[str, Any]:
    """The structured content of a call (:func:`output_schema`'s object) from its prediction records."""
    failed = sum(not record["ok"] for record in records)
    outside = sum(1 for record in records if record["ok"] and out_of_domain_note(record.get("output")))
    first = records[0] if records else {"model_version": spec.version, "package": ""}
    results = [{name: value for name, value in record.items() if name not in CALL_FIELDS and name != "id"}
               for record in records]
    return {"model": spec.id, "model_version": first["model_version"], "package": first["package"],
            "units": {f.name: f.unit for f in spec.outputs if f.unit}, "ok": len(records) - failed, "failed": failed,
            "out_of_domain": outside, "results": results}


def text_result(structured: Mapping[str, Any]) -> str:
    """A short rendering for agents that read text only: counts, the units, then one line per result
    (at most :data:`TEXT_RESULTS`) as tables print it, out-of-domain predictions flagged with the reason."""
    records = structured["results"]
    lines = [f"{structured['model']} on {len(records)} input(s): {structured['ok']} ok, {structured['failed']} failed"
             + (f", {structured['out_of_domain']} OUT OF DOMAIN" if structured["out_of_domain"] else "") + "."]
    if structured["units"]:
        lines.append("Units: " + ", ".join(f"{name} {unit}" for name, unit in structured["units"].items()) + ".")
    shared = {name: structured[name] for name in CALL_FIELDS}
    for record in records[:TEXT_RESULTS]:
        line = prediction_line(Prediction(id=None, **shared, **record))
        note = out_of_domain_note(record.get("output"))
        line = f"{line} ({note})" if note else line
        lines.append(line if len(line) <= LINE_CHARS else line[:LINE_CHARS - 1] + "…")
    if len(records) > TEXT_RESULTS:
        lines.append(f"… {len(records) - TEXT_RESULTS} more result(s) in the structured content.")
    return "\n".join(lines)
