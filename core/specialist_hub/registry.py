"""Plugin discovery through the ``specialist_hub`` entry-point group, and the model registry.

Discovery is cheap (plugins register specs, not models) and fault-isolated: a plugin that fails
to import or to register is recorded with its error and every other plugin keeps working.
"""

from __future__ import annotations

import functools
import importlib
import importlib.metadata
import importlib.util
import os
import threading
import traceback
import types
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import pluggy

from . import hookspecs
from .defaults import choose_defaults, configured_defaults, is_builtin_distribution
from .errors import (
    DuplicateModelError,
    HubError,
    InvalidSpecError,
    LicenseError,
    MissingDependencyError,
    OptionError,
    PipelineError,
    UnknownDomainError,
    UnknownInputKindError,
    UnknownModelError,
    UsageError,
)
from .inputs import BUILTIN_KINDS, InputKind
from .model import Model, resolve_device
from .pipeline import Pipeline
from .spec import ModelSpec, parse_option_pairs
from .training.features import FeaturizerSpec, SplitterSpec
from .weights import verify as verify_weights
from .writers import FORMATS, OutputFormat

ENTRY_POINT_GROUP = "specialist_hub"
#: Short names users may type for ``--domain``.
DOMAIN_ALIASES = {"chem": "chemistry", "bio": "biology", "image": "vision", "sound": "audio"}


@dataclass
class PluginInfo:
    """What ``hub plugins`` shows for one plugin."""

    name: str
    module: str
    distribution: str | None = None
    version: str | None = None
    error: str | None = None
    models: list[str] = field(default_factory=list)
    #: Problems that leave the plugin working, e.g. a model id another plugin also registers.
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.error is None

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "module": self.module, "distribution": self.distribution,
                "version": self.version, "ok": self.ok, "error": self.error, "models": self.models,
                "warnings": self.warnings}


def _env_list(name: str) -> set[str] | None:
    value = os.environ.get(name, "").strip()
    return {part.strip() for part in value.split(",") if part.strip()} if value else None


class Registry:
    """Models, input kinds, routes and commands contributed by plugins.

    ``Registry()`` discovers installed plugins through entry points; ``Registry(plugins=[...],
    entry_points=False)`` builds an isolated registry for tests. A registry pickles as the recipe
    that built it, so worker processes and Ray actors rebuild the same one.

    Registration runs in phases over all plugins (input kinds, then models, then routes and
    commands), so a model may use an input kind from any plugin, whatever the plugins' order.
    Loaded models are cached per (id, device, load-time options), at most ``max_loaded`` of them
    (least recently used first out; default ``$HUB_MAX_LOADED_MODELS``, else unbounded).

    The policy is fixed when the registry is built and travels in its recipe: ``commercial_only``
    (default ``HUB_LICENSE=commercial``) hides and refuses models whose licences forbid commercial
    use, at every nesting level; ``pipelines`` adds users' pipelines (``hub predict --pipeline``).
    A caller that needs another policy builds another registry (:meth:`replace`).
    """

    def __init__(self, plugins: Iterable[Any] = (), entry_points: bool = True, *, max_loaded: int | None = None,
                 commercial_only: bool | None = None, pipelines: Iterable[Pipeline] = ()):
        if commercial_only is None:
            commercial_only = os.environ.get("HUB_LICENSE", "").strip().lower() == "commercial"
        if max_loaded is None:
            env_limit = os.environ.get("HUB_MAX_LOADED_MODELS", "").strip()
            max_loaded = int(env_limit) if env_limit.isdigit() else None
        if max_loaded is not None and max_loaded < 1:
            raise UsageError("The loaded-model cache must hold at least one model.")
        self._commercial_only, self._max_loaded = bool(commercial_only), max_loaded
        self._recipe = (tuple(plugins), entry_points)
        self._added = tuple(pipelines)
        self.plugin_manager = pluggy.PluginManager(hookspecs.PROJECT_NAME)
        self.plugin_manager.add_hookspecs(hookspecs)
        self.plugins: dict[str, PluginInfo] = {}
        self.specs: dict[str, ModelSpec] = {}
        self.model_plugin: dict[str, str] = {}
        self.conflicts: dict[str, set[str]] = {}
        self.input_kinds: dict[str, InputKind] = {kind.name: kind for kind in BUILTIN_KINDS}
        #: Functions ``add(router)`` that add a plugin's HTTP routes to ``hub serve`` (see hookspecs).
        self.routes: list[Callable[[Any], None]] = []
        #: click commands that plugins add to ``hub``.
        self.commands: list[Any] = []
        #: ``(input kind, render)`` pairs that draw inputs in notebook tables, in plugin order (see hookspecs).
        self.renderers: list[tuple[str, Any]] = []
        #: What ``hub train`` can build on, by id (see hookspecs): featurisers and splitters per input kind.
        self.featurizers: dict[str, FeaturizerSpec] = {}
        self.splitters: dict[str, SplitterSpec] = {}
        self._instances: OrderedDict[tuple, Model] = OrderedDict()
        self._key_locks: dict[tuple, threading.Lock] = {}
        self._guard = threading.Lock()  # held only to look up or insert, never during load()
        #: How many times each model id was loaded (weights read) in this process.
        self.load_counts: dict[str, int] = {}
        added = self._load_entry_points() if entry_points else []
        for plugin in plugins:
            name = getattr(plugin, "__name__", None) or type(plugin).__name__
            added.append((name, plugin, PluginInfo(name=name, module=getattr(plugin, "__module__", name))))
        registered = [(name, info) for name, plugin, info in added if self._add_plugin(name, plugin, info)]
        #: Output formats that plugins contribute (GFF3, SRT...), by name.
        self.formats: dict[str, OutputFormat] = {}
        #: Pipelines by id; each is also in ``specs`` as the spec it runs as.
        self.pipelines: dict[str, Pipeline] = {}
        self.domain_defaults: dict[str, str] = {}
        #: Why a domain's default is not the one a newly installed plugin claims (shown by hub list).
        self.notices: list[str] = []
        for hook_name, callback in (("register_input_kinds", self._register_input_kind),
                                    ("register_models", self._register_model),
                                    ("register_pipelines", self._register_pipeline),
                                    ("register_output_formats", self._register_format),
                                    ("register_routes", self.routes.append),
                                    ("register_commands", self.commands.append),
                                    ("register_renderers", lambda kind, render: self.renderers.append((kind, render))),
                                    ("register_featurizers", self._register_featurizer),
                                    ("register_splitters", self._register_splitter)):
            self._run_hook(hook_name, callback, registered)
        self._choose_defaults()
        for pipeline in self._added:
            self._add_pipeline(pipeline)

    @property
    def commercial_only(self) -> bool:
        """Whether models whose licences forbid commercial use are hidden and refused."""
        return self._commercial_only

    @property
    def max_loaded(self) -> int | None:
        """How many loaded models the cache keeps (None: unbounded)."""
        return self._max_loaded

    def replace(self, *, commercial_only: bool | None = None, max_loaded: int | None = None,
                pipelines: Iterable[Pipeline] = ()) -> Registry:
        """A registry of the same plugins with this policy changed (None keeps it) and these pipelines
        added: a registry never changes once built, so that workers rebuilt from it hold the same."""
        plugins, entry_points = self._recipe
        return Registry(plugins, entry_points, max_loaded=self._max_loaded if max_loaded is None else max_loaded,
                        commercial_only=self._commercial_only if commercial_only is None else commercial_only,
                        pipelines=(*self._added, *pipelines))

    def __reduce__(self):
        plugins, entry_points = self._recipe
        portable = [p.__name__ if isinstance(p, types.ModuleType) else p for p in plugins]
        return _rebuild_registry, (portable, entry_points, self._max_loaded, self._commercial_only, self._added)

    # -- discovery -----------------------------------------------------------------------------

    def _load_entry_points(self) -> list[tuple[str, Any, PluginInfo]]:
        allowed, disabled = _env_list("HUB_PLUGINS"), _env_list("HUB_DISABLE_PLUGINS") or set()
        loaded = []
        for ep in sorted(importlib.metadata.entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
            if (allowed is not None and ep.name not in allowed) or ep.name in disabled:
                continue
            dist = getattr(ep, "dist", None)
            info = PluginInfo(name=ep.name, module=ep.value, distribution=dist.name if dist else None,
                              version=dist.version if dist else None)
            try:
                plugin = ep.load()
            except Exception as exc:  # noqa: BLE001 - a broken plugin must not break the hub
                info.error = f'Error importing plugin "{ep.name}": {type(exc).__name__}: {exc}'
                self.plugins[ep.name] = info
                continue
            loaded.append((ep.name, plugin, info))
        return loaded

    def _add_plugin(self, name: str, plugin: Any, info: PluginInfo) -> bool:
        self.plugins[name] = info
        try:
            self.plugin_manager.register(plugin, name=name)
        except Exception as exc:  # noqa: BLE001
            info.error = f'Error registering plugin "{name}": {type(exc).__name__}: {exc}'
            return False
        return True

    def _run_hook(self, hook_name: str, callback: Callable[..., None], registered: list[tuple[str, PluginInfo]]) -> None:
        """One registration phase: each plugin's implementation called through pluggy alone (a subset
        hook caller of that plugin), so its failure is its own; plugins in their registration order,
        ``tryfirst`` ones first and ``trylast`` ones last. A hook wrapper wraps its own plugin's call."""
        caller = getattr(self.plugin_manager.hook, hook_name)
        implemented: dict[Any, int] = {}
        for impl in caller.get_hookimpls():
            rank = 0 if impl.tryfirst else 2 if impl.trylast else 1
            implemented[impl.plugin] = min(rank, implemented.get(impl.plugin, rank))
        order = [(name, info, self.plugin_manager.get_plugin(name)) for name, info in registered if info.ok]
        order = sorted((entry for entry in order if entry[2] in implemented), key=lambda entry: implemented[entry[2]])
        owned = hook_name in ("register_models", "register_pipelines")
        for plugin_name, info, plugin in order:
            alone = self.plugin_manager.subset_hook_caller(hook_name, [p for p in implemented if p is not plugin])
            register = functools.partial(callback, plugin_name=plugin_name, info=info) if owned else callback
            try:
                alone(register=register)
            except Exception as exc:  # noqa: BLE001 - a plugin's bug is that plugin's error only
                tail = traceback.format_exception_only(type(exc), exc)[-1].strip()
                info.error = f'Error in plugin "{plugin_name}" {hook_name}: {tail}'
                for model_id in info.models:
                    self.specs.pop(model_id, None)
                    self.model_plugin.pop(model_id, None)
                info.models = []

    def _register_input_kind(self, kind: InputKind) -> None:
        if not isinstance(kind, InputKind) or not kind.name:
            raise InvalidSpecError(f"register_input_kinds expects InputKind instances with a name, got {kind!r}.")
        if kind.name in self.input_kinds:
            raise InvalidSpecError(f"Input kind {kind.name!r} is already registered.")
        self.input_kinds[kind.name] = kind

    def _register_model(self, spec: ModelSpec, plugin_name: str, info: PluginInfo) -> None:
        if not isinstance(spec, ModelSpec):
            raise InvalidSpecError(f"register() expects a ModelSpec, got {type(spec).__name__}.")
        self.input_kind(spec.input_kind)  # every kind is registered by now: an unknown one is an error
        owner = self.model_plugin.get(spec.id) or next(iter(self.conflicts.get(spec.id, ())), None)
        if owner is not None:
            # Neither registration wins: the id is unusable until one plugin is removed.
            self.conflicts.setdefault(spec.id, set()).update({owner, plugin_name})
            self.specs.pop(spec.id, None)
            self.model_plugin.pop(spec.id, None)
            error = str(DuplicateModelError(spec.id, self.conflicts[spec.id]))
            for name in self.conflicts[spec.id]:  # their other models keep working
                self.plugins[name].models = [m for m in self.plugins[name].models if m != spec.id]
                if error not in self.plugins[name].warnings:
                    self.plugins[name].warnings.append(error)
            return
        self.specs[spec.id] = spec
        self.model_plugin[spec.id] = plugin_name
        info.models.append(spec.id)

    def _register_featurizer(self, spec: FeaturizerSpec) -> None:
        self._register_training_part(spec, FeaturizerSpec, self.featurizers)

    def _register_splitter(self, spec: SplitterSpec) -> None:
        self._register_training_part(spec, SplitterSpec, self.splitters)

    def _register_training_part(self, spec: Any, expected: type[FeaturizerSpec] | type[SplitterSpec],
                                table: dict[str, Any]) -> None:
        if not isinstance(spec, expected):
            raise InvalidSpecError(f"expected a {expected.__name__}, got {type(spec).__name__}.")
        self.input_kind(spec.input_kind)
        if spec.id in table:
            raise InvalidSpecError(f"{expected.__name__} {spec.id!r} is already registered.")
        table[spec.id] = spec

    def _register_format(self, output_format: OutputFormat) -> None:
        if not isinstance(output_format, OutputFormat):
            raise InvalidSpecError(f"register_output_formats expects OutputFormat instances, got {output_format!r}.")
        if output_format.name in self.formats or output_format.name in FORMATS:
            raise InvalidSpecError(f"Output format {output_format.name!r} is already registered.")
        self.formats[output_format.name] = output_format

    def _register_pipeline(self, pipeline: Pipeline, plugin_name: str, info: PluginInfo) -> None:
        try:
            spec = pipeline.to_spec(self)
        except HubError as exc:  # e.g. a step model from a plugin that is not installed
            info.warnings.append(f"pipeline {pipeline.id} left out: {exc}")
            return
        self._register_model(spec, plugin_name, info)
        if spec.id in self.specs:
            self.pipelines[spec.id] = pipeline

    def _choose_defaults(self) -> None:
        builtin = {model_id for model_id, plugin in self.model_plugin.items()
                   if is_builtin_distribution(self.plugins[plugin].distribution)}
        self.domain_defaults, self.notices = choose_defaults(self.specs.values(), builtin, configured_defaults())

    def _add_pipeline(self, pipeline: Pipeline) -> None:
        """Register a user's pipeline (``hub predict --pipeline job.toml``); PipelineError says what is wrong."""
        if pipeline.id in self.specs and self.pipelines.get(pipeline.id) != pipeline:
            raise PipelineError(f"{pipeline.id} is already a registered model; give the pipeline another id.")
        spec = pipeline.to_spec(self)
        self.specs[spec.id] = spec
        self.pipelines[spec.id] = pipeline

    # -- queries -------------------------------------------------------------------------------

    def input_kind(self, name: str) -> InputKind:
        try:
            return self.input_kinds[name]
        except KeyError:
            raise UnknownInputKindError(name, self.input_kinds) from None

    @property
    def domains(self) -> list[str]:
        return sorted({spec.domain for spec in self.specs.values()})

    def resolve_domain(self, domain: str) -> str:
        domain = DOMAIN_ALIASES.get(domain.lower(), domain.lower())
        if domain not in self.domains:
            raise UnknownDomainError(domain, self.domains + sorted(DOMAIN_ALIASES))
        return domain

    def list_models(self, domain: str | None = None) -> list[ModelSpec]:
        """Specs sorted by domain, default first; ``domain`` accepts the short aliases."""
        specs = sorted((s for s in self.specs.values() if s.commercial_use or not self.commercial_only),
                       key=lambda s: (s.domain, not self.is_default(s), s.id))
        if domain is not None:
            domain = self.resolve_domain(domain)
            specs = [s for s in specs if s.domain == domain]
        return specs

    def get(self, model_id: str) -> ModelSpec:
        if model_id in self.conflicts:
            raise DuplicateModelError(model_id, self.conflicts[model_id])
        try:
            spec = self.specs[model_id]
        except KeyError:
            broken = [info.error for info in self.plugins.values() if info.error]
            raise UnknownModelError(model_id, self.specs, broken) from None
        if self.commercial_only and not spec.commercial_use:
            raise LicenseError(spec.id, spec.license)
        return spec

    def default_model(self, domain: str) -> ModelSpec:
        """The domain's default in force: the user's configured one, else the built-in default
        (a plugin that also claims one does not silently take over; see defaults.py)."""
        domain = self.resolve_domain(domain)
        if domain not in self.domain_defaults:
            raise UsageError(f"Domain {domain!r} has no default model; choose one with --model.")
        return self.get(self.domain_defaults[domain])

    def is_default(self, spec: ModelSpec) -> bool:
        return self.domain_defaults.get(spec.domain) == spec.id

    def missing_requirements(self, spec: ModelSpec) -> list[str]:
        """The import names in ``spec.requires`` that are not installed (nothing is imported)."""
        return [name for name in spec.requires if not _module_available(name)]

    def require(self, spec: ModelSpec) -> None:
        """Raise MissingDependencyError, with the install command, if ``spec`` cannot run here."""
        missing = self.missing_requirements(spec)
        if missing:
            raise MissingDependencyError(spec.id, missing, self.install_hint(spec))

    def install_hint(self, spec: ModelSpec) -> str:
        return spec.install_hint or f"pip install {' '.join(self.missing_requirements(spec) or spec.requires)}"

    def describe(self, spec: ModelSpec) -> dict[str, Any]:
        """The spec as JSON-ready data, with availability and the plugin that registered it."""
        missing = self.missing_requirements(spec)
        return {**spec.to_dict(), "available": not missing,
                "install_hint": self.install_hint(spec) if missing else None,
                "plugin": self.model_plugin.get(spec.id), "domain_default": self.is_default(spec),
                "takes_files": not self.input_kind(spec.input_kind).literal_arguments}

    def resolve_options(self, spec: ModelSpec, given: Mapping[str, Any], *,
                        from_client: Iterable[str] = ()) -> dict[str, Any]:
        """``spec``'s options with ``given`` applied (:meth:`ModelSpec.resolve_options`), after the one
        check that holds at every nesting level: every model that ``spec`` runs, through a pipeline's
        steps or an option naming a model (:attr:`Option.runs`), must be allowed here (its licence),
        take the input kind it is fed and accept its options; and none of the options named in
        ``from_client`` (set by a server client) may name a place on the host or bound what a record
        may cost (:attr:`Option.server_only`), whether set directly or in a nested model's options."""
        return self._checked(spec, given, frozenset(from_client), spec.id)

    def _checked(self, spec: ModelSpec, given: Mapping[str, Any], from_client: frozenset[str],
                 path: str) -> dict[str, Any]:
        declared = {option.name: option for option in spec.options}
        fixed = sorted(name for name in from_client if name in declared and declared[name].server_only)
        if fixed:
            where = "" if path == spec.id else f" (of {spec.id}, through {path})"
            raise OptionError(f"Option(s) {', '.join(fixed)}{where} name places on the server or bound what a record "
                              f"may cost, and are set by the server, not per request.")
        resolved = spec.resolve_options(given)
        for inner, inner_given, inner_from_client, via in self._nested(spec, given, resolved, from_client):
            self._checked(inner, inner_given, inner_from_client, f"{path} {via}")
        return resolved

    def _nested(self, spec: ModelSpec, given: Mapping[str, Any], resolved: Mapping[str, Any],
                from_client: frozenset[str]) -> Iterator[tuple[ModelSpec, dict[str, Any], frozenset[str], str]]:
        """(model, its options, those a client set, how it is reached) of each model ``spec`` runs."""
        pipeline = self.pipelines.get(spec.id)
        if pipeline is not None:  # its options are its steps' (``step.option``): each step is checked as a model
            for step in pipeline.steps:
                prefix = f"{step.name}."
                chosen = {name.removeprefix(prefix): value for name, value in given.items() if name.startswith(prefix)}
                client_set = frozenset(name.removeprefix(prefix) for name in from_client if name.startswith(prefix))
                yield self.get(step.model), {**step.options, **chosen}, client_set, f"step {step.name} -> {step.model}"
            return
        for option in spec.options:
            if not option.runs or not resolved[option.name]:
                continue
            inner = self.get(resolved[option.name])
            if inner.input_kind != option.runs:
                fitting = ", ".join(s.id for s in self.list_models() if s.input_kind == option.runs)
                raise OptionError(f"{spec.id} runs {option.runs} models; {inner.id} takes {inner.input_kind} inputs. "
                                  f"Choose one of: {fitting}.")
            holder = next((o.name for o in spec.options if o.options_for == option.name), None)
            text = resolved[holder] if holder is not None else ""
            yield (inner, parse_option_pairs(text), frozenset(parse_option_pairs(text)) if holder in from_client
                   else frozenset(), f"{option.name}={inner.id}")

    # -- loading -------------------------------------------------------------------------------

    def load(self, model_id: str, device: str = "auto", **options: Any) -> Model:
        """The loaded model: weights are loaded once per (id, device, load-time options); call-time
        options give a view of the same loaded model."""
        spec = self.get(model_id)
        self.require(spec)
        load_options, call_options = spec.split_options(self.resolve_options(spec, options))
        device = resolve_device(device, spec.uses_torch)
        key = (spec.id, device, tuple(sorted((k, repr(v)) for k, v in load_options.items())))
        with self._guard:
            model = self._cached(key)
            lock = self._key_locks.setdefault(key, threading.Lock())
        if model is None:
            with lock:  # one load per key; other models keep loading in parallel
                with self._guard:
                    model = self._cached(key)
                if model is None:
                    model = self._create(spec, {**load_options, **call_options}, device)
                    with self._guard:
                        self._store(key, model)
        return model.configured(call_options)

    def loaded(self) -> list[Model]:
        """The models loaded now, least recently used first."""
        with self._guard:
            return list(self._instances.values())

    def _cached(self, key: tuple) -> Model | None:
        model = self._instances.get(key)
        if model is not None:
            self._instances.move_to_end(key)
        return model

    def _store(self, key: tuple, model: Model) -> None:
        self._instances[key] = model
        while self.max_loaded is not None and len(self._instances) > self.max_loaded:
            evicted, _ = self._instances.popitem(last=False)
            self._key_locks.pop(evicted, None)

    def package_of(self, spec: ModelSpec) -> str:
        """The distribution that provides ``spec``, as written into every prediction (``name==version``)."""
        plugin = self.plugins.get(self.model_plugin.get(spec.id, ""))
        return f"{plugin.distribution}=={plugin.version}" if plugin is not None and plugin.distribution else ""

    def _create(self, spec: ModelSpec, resolved: dict[str, Any], device: str) -> Model:
        factory = _import_factory(spec)
        verify_weights(spec)
        try:  # the one place a plugin's construction or load() bug becomes a clear error
            model = factory(spec, resolved, device, input_kind=self.input_kind(spec.input_kind),
                            package=self.package_of(spec), loader=self)
            if not isinstance(model, Model):
                raise InvalidSpecError(f"{spec.id}: factory {spec.factory} did not return a Model.")
            model.load()
        except HubError:
            raise
        except Exception as exc:  # a plugin bug: a clear error, not a traceback
            raise HubError(f"Model {spec.id!r} failed to load: {type(exc).__name__}: {exc}") from exc
        self.load_counts[spec.id] = self.load_counts.get(spec.id, 0) + 1
        return model


def _rebuild_registry(plugins: list[Any], entry_points: bool, max_loaded: int | None, commercial_only: bool,
                      pipelines: tuple[Pipeline, ...]) -> Registry:
    return Registry([importlib.import_module(p) if isinstance(p, str) else p for p in plugins], entry_points,
                    max_loaded=max_loaded, commercial_only=commercial_only, pipelines=pipelines)


def _module_available(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def _import_factory(spec: ModelSpec) -> Callable[..., Model]:
    module_name, _, attribute = spec.factory.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        hint = spec.install_hint or f"pip install {exc.name or module_name}"
        raise MissingDependencyError(spec.id, [exc.name or module_name], hint) from exc
    try:
        return getattr(module, attribute)
    except AttributeError:
        found = sorted(name for name, value in vars(module).items() if isinstance(value, type)
                       and issubclass(value, Model) and value.__module__ == module.__name__)
        hint = f" Model classes there: {', '.join(found)}." if found else f" {module_name} defines no Model subclass."
        raise InvalidSpecError(f"{spec.id}: factory {spec.factory!r} not found in {module_name}.{hint}") from None


_default_registry: Registry | None = None


def get_registry() -> Registry:
    """The process-wide registry, built on first use from the installed entry points."""
    global _default_registry
    if _default_registry is None:
        _default_registry = Registry()
    return _default_registry


def set_registry(registry: Registry | None) -> Registry | None:
    """Swap the process-wide registry (tests use this); returns the previous one."""
    global _default_registry
    previous, _default_registry = _default_registry, registry
    return previous
