"""Pipelines: whole jobs built from small models, run like one model.

A :class:`Pipeline` is a list of :class:`Step`s. Each step names a model, its options, and where
its input comes from: the pipeline's input, a field of an earlier step, or each item of a list
field of an earlier step (a fan-out, batched across every item of the batch), or the pipeline's
input cut to each time window an earlier step found (``input@vad.segments[]``). A step may carry
a condition on earlier fields, and a fan-out a condition on each item (``each``). The registry
turns a pipeline into a :class:`ModelSpec` whose output fields are the steps' fields named
``step.field`` (a fan-out step's results are one list field named after the step) and whose
options are the steps' options named ``step.option``, so every writer, the server, workers,
``--resume`` and Ray treat it as a model. A pipeline that names a missing model or field, or
feeds a step what it does not take, is refused before anything runs.
"""

from __future__ import annotations

import ast
import operator
import os
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from .errors import HubError, InputError, PipelineError
from .inputs import Record
from .model import Loader, Model
from .spec import MODEL_ID, Example, ModelSpec, Option, OutputField

#: ``input``, ``step.field``, ``step.field[]`` (each item) or ``step.field[].key`` (a key of each item).
SOURCE = re.compile(r"^(?:input|(?P<step>[a-z0-9_-]+)\.(?P<field>[a-z0-9_]+)"
                    r"(?P<each>\[\](?:\.(?P<key>[a-z0-9_]+))?)?)$")
STEP_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
#: The prefix of a windowed input: ``input@step.field[]`` is the pipeline input cut to each item's
#: ``start``-``end`` (seconds), by the input kind's or the step model's ``clip(value, start, end)``.
WINDOWED = "input@"
#: The value fed for a fan-out item that its step's ``each`` condition leaves out.
SKIPPED = object()


@runtime_checkable
class PipelineLoader(Loader, Protocol):
    """What a pipeline is checked against and run through: a :class:`~specialist_hub.model.Loader`
    that also knows the registered specs and pipelines and checks options at every nesting level
    (a :class:`~specialist_hub.registry.Registry`, whose module imports this one)."""

    @property
    def specs(self) -> Mapping[str, ModelSpec]: ...

    @property
    def pipelines(self) -> Mapping[str, Pipeline]: ...

    def resolve_options(self, spec: ModelSpec, given: Mapping[str, Any], *,
                        from_client: Iterable[str] = ()) -> dict[str, Any]: ...


@dataclass(frozen=True)
class Step:
    """One model of a pipeline, fed from the pipeline input or an earlier step's output."""

    name: str
    model: str
    #: ``input``, ``step.field``, ``step.field[]``, ``step.field[].key`` (see :data:`SOURCE`), or
    #: ``input@step.field[]``: the pipeline input cut to each item's ``start``-``end`` (see :data:`WINDOWED`).
    input: str = "input"
    options: Mapping[str, Any] = field(default_factory=dict)
    #: A condition on earlier steps' fields, e.g. ``genes.gene_count > 0``; empty: always run.
    when: str = ""
    #: For a fan-out: a condition on the keys of each item, e.g. ``protein_length <= 50``; an item that
    #: fails it is not run and is null in the step's list, which so stays aligned with its source.
    each: str = ""

    @property
    def source(self) -> re.Match:
        match = SOURCE.match(self.input.removeprefix(WINDOWED))
        if match is None or (self.windowed and match.group("each") is None):
            raise PipelineError(f"Step {self.name!r}: input {self.input!r} must be 'input', 'step.field', "
                                f"'step.field[]', 'step.field[].key' or 'input@step.field[]'.")
        return match

    @property
    def windowed(self) -> bool:
        """Whether the step reads the pipeline input cut to each time window of a list field."""
        return self.input.startswith(WINDOWED)

    @property
    def fans_out(self) -> bool:
        return self.source.group("each") is not None


@dataclass(frozen=True)
class Pipeline:
    """A job of several models; registered by plugins (``register_pipelines``) or read from TOML."""

    id: str
    summary: str
    steps: tuple[Step, ...]
    version: str = "1"
    default: bool = False
    examples: tuple[Example, ...] = ()
    #: Card sections as for models; the steps are added to ``intended_use``.
    card: Mapping[str, str] = field(default_factory=dict)
    url: str = ""

    @classmethod
    def from_toml(cls, path: str | os.PathLike) -> Pipeline:
        """A pipeline from a TOML file: ``id``, ``summary`` and ``[[steps]]`` tables with ``name``,
        ``model``, and optional ``input``, ``when`` and ``[steps.options]``."""
        try:
            import tomllib
        except ImportError:  # Python 3.10
            import tomli as tomllib  # type: ignore[no-redef,import-not-found,unused-ignore]
        path = Path(path)
        try:
            data = tomllib.loads(path.read_text())
        except (OSError, ValueError) as exc:
            raise PipelineError(f"Cannot read the pipeline {path}: {exc}") from None
        unknown = sorted(set(data) - {"id", "summary", "steps", "version"})
        if unknown:
            raise PipelineError(f"{path.name}: unknown key(s) {', '.join(unknown)}; use id, summary, version, steps.")
        steps = []
        for number, table in enumerate(data.get("steps", []), start=1):
            extra = sorted(set(table) - {"name", "model", "input", "options", "when", "each"})
            if extra or "name" not in table or "model" not in table:
                raise PipelineError(f"{path.name}: step {number} needs 'name' and 'model' (and may have input, "
                                    f"options, when, each){'; unknown: ' + ', '.join(extra) if extra else ''}.")
            steps.append(Step(**table))
        return cls(id=data.get("id", f"pipeline/{re.sub(r'[^a-z0-9_-]', '-', path.stem.lower())}"),
                   summary=data.get("summary", f"Pipeline from {path.name}"), steps=tuple(steps),
                   version=str(data.get("version", "1")))

    def to_spec(self, registry: PipelineLoader) -> ModelSpec:
        """The pipeline as a model spec, after checking every step against the registered models."""
        if not MODEL_ID.match(self.id):
            raise PipelineError(f"Pipeline id {self.id!r} must look like 'domain/name'.")
        if not self.steps:
            raise PipelineError(f"{self.id}: a pipeline needs at least one step.")
        specs: dict[str, ModelSpec] = {}
        fields_so_far: dict[str, OutputField] = {}
        outputs: list[OutputField] = []
        options: list[Option] = []
        for step in self.steps:
            problem = self._check_step(step, specs, fields_so_far, registry)
            if problem:
                raise PipelineError(f"{self.id}: step {step.name!r}: {problem}")
            spec = specs[step.name] = registry.get(step.model)
            fixed = registry.resolve_options(spec, step.options)  # a bad option, at any depth, fails here
            options.extend(replace(option, name=f"{step.name}.{option.name}", default=fixed[option.name],
                                   description=f"{spec.id}: {option.description}",
                                   options_for=option.options_for and f"{step.name}.{option.options_for}",
                                   at_most=option.at_most and f"{step.name}.{option.at_most}")
                           for option in spec.options)
            if step.fans_out:
                each = (f"{spec.id} on {_described_input(step)}: its output fields and the window {{start, end}}"
                        if step.windowed else f"{spec.id} on each item of {step.input}: its output fields")
                skipped = f"; null for an item that fails {step.each!r}" if step.each else ""
                outputs.append(OutputField(step.name, "list", f"{each}, or {{'error': {{type, message}}}} for an "
                                           f"item that failed{skipped}", nullable=True))
            else:
                for output in spec.outputs:
                    flat = OutputField(f"{step.name}.{output.name}", output.type, f"{spec.id}: {output.description}",
                                       output.unit, nullable=True)
                    fields_so_far[flat.name] = flat
                    outputs.append(flat)
        outputs.append(OutputField("errors", "list", "Steps that failed for this input: {step, type, message}"))
        outputs.append(OutputField("provenance", "list", "Every model the pipeline ran, as 'id version'"))
        first = specs[self.steps[0].name]
        fed_input = [specs[s.name] for s in self.steps if s.input == "input"]
        models = list(dict.fromkeys(spec.id for spec in specs.values()))
        described = "; ".join(f"{spec.id} ({spec.license})" for spec in {s.id: s for s in specs.values()}.values())
        card = dict(self.card)
        cards = "; ".join(f"`hub info {model_id}`" for model_id in models)
        card.setdefault("training_data", f"Those of its steps' models: {cards}.")
        card.setdefault("metrics", f"Each step is measured on its own model card ({cards}); the pipeline adds no "
                                   f"learned part of its own.")
        card.setdefault("limitations", "Each step's limitations apply. A step that fails for one input leaves its "
                                       "fields null and says why in `errors`; when the first step fails, the "
                                       "whole record fails.")
        card["intended_use"] = (card.get("intended_use", self.summary) + "\n\n**Steps:** " + "; ".join(
            f"{n}. `{s.name}`: {s.model} on {_described_input(s)}"
            f"{f' when {s.when}' if s.when else ''}{f' (items where {s.each})' if s.each else ''}"
            for n, s in enumerate(self.steps, start=1)))
        return ModelSpec(
            id=self.id, task="pipeline", summary=self.summary, input_kind=first.input_kind, outputs=tuple(outputs),
            factory="specialist_hub.pipeline:PipelineModel",
            license=f"Each step's own licence: {described}",
            citation=" ".join(dict.fromkeys(spec.citation for spec in specs.values())), version=self.version,
            requires=tuple(dict.fromkeys(name for spec in specs.values() for name in spec.requires)),
            install_hint=" && ".join(dict.fromkeys(s.install_hint for s in specs.values() if s.install_hint)),
            default=self.default, examples=self.examples, uses_torch=any(s.uses_torch for s in specs.values()),
            deterministic=all(s.deterministic for s in specs.values()),
            commercial_use=all(s.commercial_use for s in specs.values()),
            batch_size=min(spec.batch_size for spec in fed_input), card=card, url=self.url, options=tuple(options),
        ) if models else first

    def _check_step(self, step: Step, specs: dict[str, ModelSpec], fields_so_far: dict[str, OutputField],
                    registry: PipelineLoader) -> str:
        if not STEP_NAME.match(step.name) or step.name in specs or step.name in ("errors", "provenance"):
            return "step names are lower-case words, unique within the pipeline, not 'errors' or 'provenance'"
        if step.model not in registry.specs:
            return f"no model {step.model!r} is registered (run 'hub list')"
        spec = registry.get(step.model)
        source = step.source
        if step is self.steps[0] and step.input != "input":
            return "the first step must read the pipeline's input"
        if step.input == "input" or step.windowed:
            kind = registry.get(self.steps[0].model).input_kind
            if spec.input_kind != kind:
                return f"{spec.id} takes {spec.input_kind} input but the pipeline's input is {kind}"
        if step.input != "input":
            earlier, name = source.group("step"), f"{source.group('step')}.{source.group('field')}"
            if earlier not in specs:
                return f"input {step.input!r} names no earlier step; earlier steps: {', '.join(specs)}"
            if name not in fields_so_far:
                known = ", ".join(f for f in fields_so_far if f.startswith(earlier + "."))
                if any(s.name == earlier and s.fans_out for s in self.steps):
                    return f"step {earlier!r} fans out; a fan-out's results cannot feed another step"
                return f"step {earlier!r} has no field {source.group('field')!r}; its fields: {known}"
            given = fields_so_far[name]
            if step.fans_out and given.type != "list":
                return f"{name} is a {given.type}, not a list, so it cannot be fanned out with []"
            if not step.fans_out and given.type in ("list", "dict"):
                return f"{name} is a {given.type}; feed its items with '{name}[]'"
            if step.windowed and source.group("key"):
                return f"a windowed input cuts the pipeline input to whole items of {name}: drop the key"
            if not registry.input_kind(spec.input_kind).literal_arguments and not step.fans_out:
                return f"{spec.id} takes {spec.input_kind} files, which no earlier field holds"
        if step.when:
            try:
                Condition(step.when).check(fields_so_far)
            except PipelineError as exc:
                return str(exc)
        if step.each:
            if not step.fans_out or step.windowed:
                return f"'each' filters the items of a fan-out (input 'step.field[]...'), not {step.input!r}"
            try:
                Condition(step.each)
            except PipelineError as exc:
                return str(exc)
        return ""


def _described_input(step: Step) -> str:
    if step.windowed:
        return f"the input cut to each window of {step.input.removeprefix(WINDOWED)}"
    return "the input" if step.input == "input" else step.input


class PipelineModel(Model):
    """Runs a pipeline's steps over a batch: each step once per batch, fan-outs batched across it."""

    def load(self) -> None:
        if not isinstance(self.loader, PipelineLoader):
            raise PipelineError(f"{self.spec.id}: a pipeline runs through a registry (hub.load or Registry.load).")
        self.pipeline = self.loader.pipelines[self.spec.id]
        self.steps = [(step, self.loader.load(step.model, device=self._device_for(step), **self._options_of(step)),
                       Condition(step.when) if step.when else None) for step in self.pipeline.steps]
        self.each = {step.name: Condition(step.each) for step in self.pipeline.steps if step.each}
        self.provenance = [f"{model.spec.id} {model.spec.version}" for _, model, _ in self.steps]
        self.clippers = {step.name: self._clipper(step, model) for step, model, _ in self.steps if step.windowed}

    def _device_for(self, step: Step) -> str:
        return self.device if self.loader is not None and self.loader.get(step.model).uses_torch else "cpu"

    def _options_of(self, step: Step) -> dict[str, Any]:
        """The step's options, from the pipeline's ``step.option`` options."""
        prefix = f"{step.name}."
        return {name[len(prefix):]: value for name, value in self.options.items() if name.startswith(prefix)}

    def _clipper(self, step: Step, model: Model) -> Callable[[Any, float, float], Any]:
        """``clip(value, start, end)``: the input kind's, else the step model's."""
        assert self.loader is not None
        kind = self.loader.input_kind(model.spec.input_kind)
        clip = getattr(kind, "clip", None) or getattr(model, "clip", None)
        if clip is None:
            raise PipelineError(f"{self.spec.id}: step {step.name!r} reads windows of the input, but neither "
                                f"the {kind.name} input kind nor {model.spec.id} can cut one (no clip method).")
        return clip

    def forward(self, batch: list[Any]) -> list[Any]:
        found: list[dict[str, Any]] = [{} for _ in batch]
        errors: list[list[dict[str, str]]] = [[] for _ in batch]
        failed: list[BaseException | None] = [None] * len(batch)
        for number, (step, loaded, condition) in enumerate(self.steps):
            model = loaded.configured(self._options_of(step))  # call-time options of this call
            active = [i for i in range(len(batch)) if failed[i] is None and (condition is None or condition(found[i]))]
            feeds = self._feeds(step, active, batch, found)
            values = [value for _, value, _ in feeds if not isinstance(value, BaseException) and value is not SKIPPED]
            predictions = iter(model.predict_records(Record(k, value) for k, value in enumerate(values)))
            if step.fans_out:
                for i in active:
                    found[i][step.name] = []
            for i, value, window in feeds:
                if value is SKIPPED:
                    found[i][step.name].append(None)
                    continue
                if isinstance(value, BaseException):  # the window could not be cut
                    found[i][step.name].append({"window": window, "error": {"type": type(value).__name__,
                                                                          "message": str(value)}})
                    continue
                prediction = next(predictions)
                if step.fans_out:
                    item: dict[str, Any] = (prediction.output or {}) if prediction.ok else {"error": prediction.error}
                    found[i][step.name].append({"window": window, **shifted(model.spec, item, window)}
                                               if window else item)
                elif prediction.ok:
                    found[i].update({f"{step.name}.{k}": v for k, v in (prediction.output or {}).items()})
                elif number == 0:  # the input itself is unusable: the record fails as a whole
                    failed[i] = InputError(f"step {step.name!r} ({model.spec.id}): {prediction.error['message']}"
                                           if prediction.error else f"step {step.name!r} failed")
                else:
                    errors[i].append({"step": step.name, **(prediction.error or {})})
        names = self.spec.output_names
        return [failed[i] or {**dict.fromkeys(names), **found[i], "errors": errors[i], "provenance": self.provenance}
                for i in range(len(batch))]

    def _feeds(self, step: Step, active: list[int], batch: list[Any],
               found: list[dict[str, Any]]) -> list[tuple[int, Any, dict[str, float] | None]]:
        """(batch index, value, window) for every input the step receives, in order; the value is the
        exception that stopped a window from being cut, for a windowed step, or :data:`SKIPPED` for
        an item its ``each`` condition leaves out."""
        if step.input == "input":
            return [(i, batch[i], None) for i in active]
        source = step.source
        name, key = f"{source.group('step')}.{source.group('field')}", source.group("key")
        if not step.fans_out:
            return [(i, found[i][name], None) for i in active if found[i].get(name) is not None]
        items = [(i, item) for i in active for item in (found[i].get(name) or [])]
        if step.windowed:
            return [(i, *self._cut(step, batch[i], item)) for i, item in items]
        each = self.each.get(step.name)
        return [(i, SKIPPED if each is not None and not (isinstance(item, dict) and each(item))
                 else item.get(key) if key and isinstance(item, dict) else item, None) for i, item in items]

    def _cut(self, step: Step, value: Any, item: Any) -> tuple[Any, dict[str, float]]:
        """The input cut to ``item``'s window (or the reason it cannot be), and the window."""
        try:
            window = {"start": float(item["start"]), "end": float(item["end"])}
        except (TypeError, KeyError, ValueError):
            return InputError(f"step {step.name!r}: window {item!r} has no numeric start and end"), {}
        try:
            return self.clippers[step.name](value, window["start"], window["end"]), window
        except HubError as exc:
            return exc, window


def shifted(spec: ModelSpec, output: dict[str, Any], window: Mapping[str, float]) -> dict[str, Any]:
    """A windowed step's output in the whole input's time: the ``start`` and ``end`` of the items of
    its list fields measured in seconds (unit ``s``) are moved by the window's start (and kept
    inside the window, which a model's rounding could leave)."""
    timed = {o.name for o in spec.outputs if o.type == "list" and o.unit == "s"}

    def move(item: Any) -> Any:
        if not isinstance(item, dict):
            return item
        return {k: min(round(v + window["start"], 6), window["end"])
                if k in ("start", "end") and isinstance(v, (int, float)) else v for k, v in item.items()}

    return {k: [move(item) for item in v] if k in timed and isinstance(v, list) else v for k, v in output.items()}


_COMPARE: dict[type, Callable[[Any, Any], bool]] = {
    ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt, ast.LtE: operator.le, ast.Gt: operator.gt,
    ast.GtE: operator.ge, ast.In: lambda a, b: a in b, ast.NotIn: lambda a, b: a not in b,
}


class Condition:
    """A filter on output fields, such as ``qed.qed > 0.5 and alerts.n_alerts == 0``: comparisons,
    ``and``/``or``/``not``, numbers, strings, ``None``, ``true``/``false`` and (dotted) field names.
    Nothing else is evaluated (no calls, no attribute access beyond field names). A comparison with
    a missing or null value is false."""

    #: The deepest nesting of and/or/not and comparisons a condition may have (evaluation recurses).
    MAX_DEPTH = 50

    def __init__(self, text: str):
        self.text = text
        try:
            tree: ast.expr | None = ast.parse(text.strip(), mode="eval").body
        except SyntaxError as exc:
            raise PipelineError(f"Condition {text!r} is not an expression: {exc.msg}.") from None
        except (RecursionError, MemoryError):
            tree = None
        if tree is None or _depth(tree) > self.MAX_DEPTH:
            raise PipelineError(f"Condition {_short(text)} is nested too deeply (at most {self.MAX_DEPTH} levels of "
                                f"and/or/not); write it more simply.")
        self.tree = tree
        self.names = sorted(self._names(self.tree))

    def check(self, fields: Mapping[str, Any] | Sequence[str]) -> None:
        """Refuse a condition that names a field not in ``fields``, listing those that are; given field
        types (name -> ``float``, ``str``...), also one that compares a field with a value of another
        kind (``qed > 'abc'``, ``qed > None``), which no prediction would ever pass."""
        unknown = [name for name in self.names if name not in fields]
        if unknown:
            raise PipelineError(f"Condition {self.text!r} names unknown field(s) {', '.join(unknown)}; "
                                f"fields: {', '.join(fields) or 'none'}.")
        if isinstance(fields, Mapping):
            for node in ast.walk(self.tree):
                if isinstance(node, ast.Compare):
                    operands = [node.left, *node.comparators]
                    for op, left, right in zip(node.ops, operands, operands[1:]):
                        self._check_pair(op, left, right, fields)

    def _check_pair(self, op: ast.cmpop, left: ast.AST, right: ast.AST, types: Mapping[str, Any]) -> None:
        for field_node, other in ((left, right), (right, left)):
            name = _dotted(field_node)
            if name is None or name not in types or not isinstance(other, ast.Constant):
                continue
            value, kind = other.value, types[name]
            ordering = not isinstance(op, (ast.Eq, ast.NotEq))
            numeric = isinstance(value, (int, float)) and not isinstance(value, bool)
            if (value is None and ordering) or (kind in ("float", "int") and isinstance(value, str)) or (
                    kind == "str" and numeric):
                raise PipelineError(f"Condition {self.text!r} compares {name} (a {kind}) with {value!r}, which no "
                                    f"prediction passes; compare it with a {'number' if kind != 'str' else 'string'}.")

    def __call__(self, values: Mapping[str, Any]) -> bool:
        try:
            return bool(self._evaluate(self.tree, values))
        except TypeError:  # e.g. None > 0.5: a missing value passes no test
            return False

    def _evaluate(self, node: ast.AST, values: Mapping[str, Any]) -> Any:
        if isinstance(node, ast.BoolOp):
            results = (self._evaluate(value, values) for value in node.values)
            return all(results) if isinstance(node.op, ast.And) else any(results)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.Not, ast.USub)):
            operand = self._evaluate(node.operand, values)
            return (not operand) if isinstance(node.op, ast.Not) else -operand
        if isinstance(node, ast.Compare):
            left = self._evaluate(node.left, values)
            for op, comparator in zip(node.ops, node.comparators):
                right = self._evaluate(comparator, values)
                if (left is None or right is None) and not isinstance(op, (ast.Eq, ast.NotEq)):
                    return False
                if not _COMPARE[type(op)](left, right):
                    return False
                left = right
            return True
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, (ast.List, ast.Tuple)):
            return [self._evaluate(item, values) for item in node.elts]
        name = _dotted(node)
        if name in ("true", "false"):
            return name == "true"
        return None if name is None else values.get(name)

    def _names(self, node: ast.AST) -> set[str]:
        name = _dotted(node)
        if name is not None:
            return set() if name in ("true", "false", "None") else {name}
        allowed = (ast.BoolOp, ast.UnaryOp, ast.Compare, ast.Constant, ast.List, ast.Tuple, ast.And, ast.Or,
                   ast.Not, ast.USub, ast.Load, *_COMPARE)
        if not isinstance(node, allowed):
            raise PipelineError(f"Condition {self.text!r}: only comparisons, and/or/not, numbers, strings and "
                                f"field names are allowed, not {type(node).__name__}.")
        return {name for child in ast.iter_child_nodes(node) for name in self._names(child)}


def _depth(tree: ast.AST) -> int:
    """How deeply ``tree`` nests, counted without recursion (a hostile condition may nest thousands deep)."""
    deepest, stack = 0, [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))
    return deepest


def _short(text: str, limit: int = 60) -> str:
    return repr(text if len(text) <= limit else text[:limit] + "…")


def _dotted(node: ast.AST) -> str | None:
    """``a.b.c`` for a chain of attribute accesses on a name (a dotted field name), else None."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = _dotted(node.value)
        return None if base is None else f"{base}.{node.attr}"
    return None


def wide_pipeline(specs: Sequence[ModelSpec]) -> Pipeline:
    """Several models on the same inputs as one pipeline: one row per input, ``model.field`` columns."""
    names = [spec.name for spec in specs]
    if len(set(names)) != len(names):
        raise PipelineError(f"--wide needs models with distinct names; got {', '.join(s.id for s in specs)}.")
    return Pipeline(id=f"{specs[0].domain}/wide", summary="One row per input: " + ", ".join(s.id for s in specs),
                    steps=tuple(Step(spec.name, spec.id) for spec in specs))
