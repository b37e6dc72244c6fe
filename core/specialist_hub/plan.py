"""A run's plan, built once: the models with their resolved options, the input kind, the batch
size and the engine. The CLI, the Python API, the server and the Ray engine all execute plans, so
options are checked, and output folders filled in, in exactly one place.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import OptionError, UsageError
from .inputs import InputKind, ReadOptions, Record
from .model import Model
from .pipeline import Condition
from .registry import Registry
from .results import Prediction
from .spec import ModelSpec

ENGINES = ("local", "ray")


@dataclass(frozen=True)
class ModelRequest:
    """One model of a plan and its resolved options: all a worker process needs to load it."""

    model_id: str
    device: str
    options: tuple[tuple[str, Any], ...]

    def load(self, registry: Registry) -> Model:
        return registry.load(self.model_id, device=self.device, **dict(self.options))


@dataclass(frozen=True)
class RunPlan:
    """What to run and how; built by :func:`plan_run`, executed by :func:`specialist_hub.runner.execute`."""

    registry: Registry
    specs: tuple[ModelSpec, ...]
    requests: tuple[ModelRequest, ...]
    kind: InputKind
    batch_size: int
    workers: int = 1
    engine: str = "local"
    #: Run the models in supervised worker processes, so a native crash fails one record only.
    isolate: bool = False
    #: Keep only the predictions whose output passes this condition (``--where``).
    where: Condition | None = None

    def load_models(self) -> list[Model]:
        return [request.load(self.registry) for request in self.requests]

    def fingerprint(self, sources: Sequence[Any], fmt: str, read_options: ReadOptions) -> str:
        """Identifies a run, so --resume refuses to continue with other models, options or inputs."""
        described: list[Any] = []
        for source in sources:
            path = Path(os.fspath(source)) if isinstance(source, (str, os.PathLike)) else None
            if path is not None and path.exists():
                stat = path.stat()
                described.append([str(path.resolve()), stat.st_size, stat.st_mtime_ns])
            else:
                described.append(str(source))
        data = {"models": [[s.id, s.version] for s in self.specs], "options": [list(r.options) for r in self.requests],
                "sources": described, "format": fmt, "read": [read_options.column, read_options.id_column]}
        return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


def plan_run(registry: Registry, model_ids: Sequence[str], *, options: Mapping[str, Any] | None = None,
             device: str = "auto", batch_size: int | None = None, workers: int | str = 1, engine: str = "local",
             output_dir: str | None = None, client: bool = False, isolate: bool = False,
             where: str | None = None, in_domain_only: bool = False) -> RunPlan:
    """Check everything a run needs before anything loads or is written.

    :param options: apply to every model that declares them; a name no model declares is an error.
    :param output_dir: the folder that ``output_dir`` options default to (default: the current one).
    :param client: the options come from a server client, who may not set options that name
        places on the host or bound what a record may cost (:attr:`Option.server_only`), at any depth.
    :param isolate: run the models in supervised worker processes (always so with several workers).
    :param where: keep only predictions whose output passes this condition, e.g. ``qed > 0.5``.
    :param in_domain_only: also leave out predictions outside the model's applicability domain.
    """
    if engine not in ENGINES:
        raise UsageError(f"Unknown engine {engine!r}; choose {' or '.join(ENGINES)}.")
    if not model_ids:
        raise UsageError("No model to run: give at least one model id.")
    specs = tuple(registry.get(model_id) for model_id in model_ids)
    kinds = {spec.input_kind for spec in specs}
    if len(kinds) != 1:
        raise UsageError(f"These models take different inputs ({', '.join(sorted(kinds))}); run them separately.")
    options = dict(options or {})
    declared = {o.name: o for spec in specs for o in spec.options}
    unused = sorted(set(options) - set(declared))
    if unused and len(specs) == 1:
        specs[0].resolve_options(options)  # raises, naming the model and its options
    if unused:
        known = ", ".join(sorted(declared)) or "none"
        raise OptionError(f"No selected model has option(s) {', '.join(map(repr, unused))}. Their options: {known}.")
    requests = []
    for spec in specs:
        registry.require(spec)
        mine = {o.name: options[o.name] for o in spec.options if o.name in options}
        for option in spec.options:
            if option.host == "output_dir" and option.name not in mine:
                mine[option.name] = output_dir or os.getcwd()
        # Fail fast on bad values, at every nesting level (delegated models, pipeline steps), before any model loads.
        resolved = registry.resolve_options(spec, mine, from_client=options if client else ())
        requests.append(ModelRequest(spec.id, device, tuple(sorted(resolved.items()))))
    size = batch_size if batch_size is not None else min(spec.batch_size for spec in specs)
    if size < 1:
        raise UsageError("The batch size must be at least 1.")
    count = resolve_workers(workers, specs)
    condition = None
    if in_domain_only:
        if not all(spec.applicability_domain for spec in specs):
            lacking = ", ".join(spec.id for spec in specs if not spec.applicability_domain)
            raise UsageError(f"--in-domain-only needs models that report an applicability domain; {lacking} "
                             f"do(es) not (see 'hub info MODEL').")
        where = f"({where}) and in_domain" if where else "in_domain"
    if where:
        condition = Condition(where)
        condition.check(list(dict.fromkeys(name for spec in specs for name in spec.output_names)))
    return RunPlan(registry, specs, tuple(requests), registry.input_kind(specs[0].input_kind), size, count, engine,
                   isolate=isolate or count > 1, where=condition)


def usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        return os.cpu_count() or 1


def resolve_workers(workers: int | str, specs: Sequence[ModelSpec]) -> int:
    """``auto``: one process per core for CPU models; one for torch models, which thread internally."""
    if workers == "auto":
        return 1 if any(spec.uses_torch for spec in specs) else usable_cores()
    try:
        count = int(workers)
    except ValueError:
        raise UsageError(f"--workers takes a number or 'auto', got {workers!r}.") from None
    if count < 1:
        raise UsageError("--workers must be at least 1.")
    return count


def run_chunk(models: Sequence[Model], chunk: list[Record]) -> list[Prediction]:
    """Every model on every record of the chunk; ordered by record, then by model."""
    per_model = [model.predict_batch(chunk) for model in models]
    return [prediction for predictions in zip(*per_model) for prediction in predictions]
