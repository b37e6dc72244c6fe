"""A run's plan, built once: the settings of the run, the models with their resolved options, the
input kind, the batch size and the engine. The CLI, the Python API, the server and the Ray engine
all build plans here, so options are checked, and output folders filled in, in exactly one place;
:mod:`specialist_hub.loaded` and :mod:`specialist_hub.runner` execute them.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import OptionError, UsageError
from .inputs import InputKind, ReadOptions
from .model import Model
from .pipeline import Condition
from .registry import Registry
from .spec import ModelSpec

ENGINES = ("local", "ray")
#: Input files up to this size are identified by their content (a hash) for --resume; larger ones
#: by size and modification time, so a resume never reads a whole library twice.
HASHED_INPUT_BYTES = 1 << 20


@dataclass(frozen=True)
class RunSettings:
    """How a run goes, apart from its models, options and inputs. Built once, from ``hub predict``'s
    flags or :func:`~specialist_hub.api.predict_file`'s keywords, with the same defaults for both,
    then only read. Values are checked here, so a bad one stops the run before anything loads."""

    device: str = "auto"
    #: Records per model call and per checkpoint; None: the smallest batch size of the models.
    batch_size: int | None = None
    #: Worker processes, or ``auto`` (one per core for CPU models, one for torch models).
    workers: int | str = 1
    engine: str = "local"
    #: Run the models in supervised worker processes, so a native crash fails one record only.
    isolate: bool = True
    #: Keep only the predictions whose output passes this condition (``qed > 0.5``).
    where: str | None = None
    #: Also leave out the predictions outside the model's applicability domain.
    in_domain_only: bool = False
    #: Output format; None: from the output file's extension, else table on a terminal, jsonl otherwise.
    format: str | None = None
    #: Continue an interrupted run into the same output file.
    resume: bool = False
    #: Show a progress bar on standard error.
    progress: bool = False
    #: How inputs are read (table columns, record size limit).
    read: ReadOptions = field(default_factory=ReadOptions)

    def __post_init__(self) -> None:
        if self.engine not in ENGINES:
            raise UsageError(f"Unknown engine {self.engine!r}; choose {' or '.join(ENGINES)}.")
        if self.batch_size is not None and self.batch_size < 1:
            raise UsageError("The batch size must be at least 1.")
        if self.where is not None and not self.where.strip():
            raise UsageError("--where needs a condition, e.g. \"qed > 0.5\"; leave it out to keep every prediction.")
        if self.workers != "auto":
            try:
                count = int(self.workers)
            except (TypeError, ValueError):
                raise UsageError(f"--workers takes a number or 'auto', got {self.workers!r}.") from None
            if count < 1:
                raise UsageError("--workers must be at least 1.")
            object.__setattr__(self, "workers", count)

    @classmethod
    def of(cls, settings: RunSettings | None = None, **changes: Any) -> RunSettings:
        """``settings`` (default: the defaults) with ``changes``; an unknown name is a usage error."""
        known = cls.__dataclass_fields__
        unknown = sorted(set(changes) - set(known))
        if unknown:
            raise UsageError(f"Unknown run setting(s) {', '.join(unknown)}; the settings are: {', '.join(known)}.")
        base = settings or cls()
        return cls(**{**{name: getattr(base, name) for name in known}, **changes})


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
    isolate: bool = True
    #: Keep only the predictions whose output passes this condition (``--where``, ``--in-domain-only``).
    where: Condition | None = None

    def fingerprint(self, sources: Sequence[Any], fmt: str, read_options: ReadOptions) -> str:
        """Identifies everything that shapes the output's rows, so --resume refuses to continue a run
        with other models, steps, options, column order, conditions or inputs."""
        data = {"models": [[s.id, s.version, list(s.output_names), self._steps(s)] for s in self.specs],
                "options": [list(r.options) for r in self.requests],
                "where": self.where.text if self.where is not None else None,
                "sources": [_source_identity(self.kind, source) for source in sources], "format": fmt,
                "read": [read_options.column, read_options.id_column,
                         *([read_options.keep_columns] if read_options.keep_columns else [])]}
        return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()

    def _steps(self, spec: ModelSpec) -> list[Any]:
        """A pipeline's steps as they run: model (and its version), input, condition and options."""
        pipeline = self.registry.pipelines.get(spec.id)
        if pipeline is None:
            return []
        return [[step.name, step.model, self.registry.get(step.model).version, step.input, step.when,
                 sorted(step.options.items())] for step in pipeline.steps]


def _source_identity(kind: InputKind, source: Any) -> Any:
    """A file by its resolved path, size, modification time and (when small) content; a directory by
    each file in it; anything else by its text."""
    path = Path(os.fspath(source)) if isinstance(source, (str, os.PathLike)) and source != "-" else None
    if path is None or not path.exists():
        return str(source)
    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.is_file() and kind.knows_extension(p.name))
        return [str(path.resolve()), [[str(f.relative_to(path)), *_file_identity(f)] for f in files]]
    return [str(path.resolve()), *_file_identity(path)]


def _file_identity(path: Path) -> list[Any]:
    stat = path.stat()
    digest = hashlib.sha256(path.read_bytes()).hexdigest() if stat.st_size <= HASHED_INPUT_BYTES else None
    return [stat.st_size, stat.st_mtime_ns, digest]


def plan_run(registry: Registry, models: Sequence[str | ModelSpec], settings: RunSettings | None = None, *,
             options: Mapping[str, Any] | None = None, output_dir: str | None = None,
             client: bool = False) -> RunPlan:
    """Check everything a run needs before anything loads or is written.

    :param models: model ids, or specs the caller already looked up (each id is looked up once).
    :param options: apply to every model that declares them; a name no model declares is an error.
    :param output_dir: the folder that ``output_dir`` options default to (default: the current one).
    :param client: the options come from a server client, who may not set options that name
        places on the host or bound what a record may cost (:attr:`Option.server_only`), at any depth.
    """
    settings = settings or RunSettings()
    if not models:
        raise UsageError("No model to run: give at least one model id.")
    specs = tuple(registry.get(m) if isinstance(m, str) else m for m in models)
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
        _check_output_folders(spec, resolved, options)
        requests.append(ModelRequest(spec.id, settings.device, tuple(sorted(resolved.items()))))
    size = settings.batch_size if settings.batch_size is not None else min(spec.batch_size for spec in specs)
    count = resolve_workers(settings.workers, specs)
    return RunPlan(registry, specs, tuple(requests), registry.input_kind(specs[0].input_kind), size, count,
                   settings.engine, isolate=settings.isolate or count > 1,
                   where=_condition(specs, settings.where, settings.in_domain_only))


def _check_output_folders(spec: ModelSpec, resolved: Mapping[str, Any], given: Mapping[str, Any]) -> None:
    """An ``output_dir`` the user named must be a folder the model can write into."""
    for option in spec.options:
        if option.host == "output_dir" and option.name in given and resolved.get(option.name):
            check_writable_folder(resolved[option.name], option.name)


def check_writable_folder(folder: str | os.PathLike, what: str) -> None:
    """Make sure, before the run, that a folder a model writes into exists and takes a file: otherwise
    every record would fail and its results be lost (the folder is made, as the model would)."""
    path = Path(os.fspath(folder)).expanduser()
    if path.exists() and not path.is_dir():
        raise UsageError(f"{what} {path} is a file, not a folder; name a folder you can write into.")
    try:
        path.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=path):
            pass
    except OSError as exc:
        raise UsageError(f"{what} {path}: cannot write there ({exc.strerror or type(exc).__name__}); "
                         f"name a folder you can write into.") from None


def _condition(specs: Sequence[ModelSpec], where: str | None, in_domain_only: bool) -> Condition | None:
    """The ``--where``/``--in-domain-only`` filter, checked against every model's fields: with several
    models each prediction is one model's, so a field one of them lacks would drop all its rows."""
    if in_domain_only:
        lacking = [spec.id for spec in specs if not spec.applicability_domain]
        if lacking:
            raise UsageError(f"--in-domain-only needs models that report an applicability domain; "
                             f"{', '.join(lacking)} do(es) not (see 'hub info MODEL').")
        where = f"({where}) and in_domain" if where else "in_domain"
    if where is None:
        return None
    condition = Condition(where)
    condition.check({o.name: o.type for spec in specs for o in spec.outputs})
    for spec in specs:
        missing = [name for name in condition.names if name not in spec.output_names]
        if missing:
            raise UsageError(
                f"--where names {', '.join(missing)}, which {spec.id} does not give, so every {spec.id} row would "
                f"be left out. With several models add --wide and name fields model.field (e.g. "
                f"{specs[0].name}.{specs[0].output_names[0]}), or run the models separately.")
    return condition


def usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        return os.cpu_count() or 1


def resolve_workers(workers: int | str, specs: Sequence[ModelSpec]) -> int:
    """``auto``: one process per core for CPU models; one for torch models, which thread internally."""
    if workers == "auto":
        return 1 if any(spec.uses_torch for spec in specs) else usable_cores()
    return int(workers)
