"""Model metadata: plain frozen dataclasses, readable without importing any model code."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import PurePath
from types import MappingProxyType
from typing import Any

from .errors import InvalidSpecError, OptionError

#: Value types an output field or option may declare, with the Python types that satisfy them.
FIELD_TYPES: dict[str, tuple[type, ...]] = {
    "float": (float, int),
    "int": (int,),
    "str": (str,),
    "bool": (bool,),
    "list": (list,),
    "dict": (dict,),
}

MODEL_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*/[a-z0-9][a-z0-9._-]*$")


@dataclass(frozen=True)
class OutputField:
    """One field of a model's output record."""

    name: str
    type: str
    description: str
    unit: str = ""
    #: True when the value may be None (e.g. a percentile that does not apply).
    nullable: bool = False

    def accepts(self, value: Any) -> bool:
        if value is None:
            return self.nullable
        if self.type != "bool" and isinstance(value, bool):
            return False
        return isinstance(value, FIELD_TYPES[self.type])


#: When an option takes effect: ``load`` options shape the loaded model (a change loads another
#: copy); ``call`` options only steer one prediction call (a change reuses the loaded weights).
STAGES = ("load", "call")
#: What an option's value means to the host running the model: a plain value (""), a path on the
#: host that the model reads ("path"), or the folder it writes files into ("output_dir": the CLI
#: fills it from --output, the server with its own folder). Server clients may set neither kind.
HOST_ROLES = ("", "path", "output_dir")


@dataclass(frozen=True)
class Option:
    """A user-settable option (``--option name=value`` / ``load(id, name=value)``)."""

    name: str
    type: str
    default: Any
    description: str
    #: Allowed values, when the option is an enumeration.
    choices: tuple[Any, ...] = ()
    #: ``load`` or ``call`` (see :data:`STAGES`).
    stage: str = "load"
    #: See :data:`HOST_ROLES`.
    host: str = ""
    #: Inclusive bounds for numbers (None: unbounded on that side).
    minimum: float | None = None
    maximum: float | None = None

    def __post_init__(self) -> None:
        if self.type not in FIELD_TYPES:
            raise InvalidSpecError(f"Option {self.name!r} has unknown type {self.type!r}; "
                                   f"use one of {', '.join(FIELD_TYPES)}.")
        if self.stage not in STAGES:
            raise InvalidSpecError(f"Option {self.name!r}: stage must be one of {', '.join(STAGES)}, "
                                   f"not {self.stage!r}.")
        if self.host not in HOST_ROLES:
            raise InvalidSpecError(f"Option {self.name!r}: host must be one of {HOST_ROLES}, not {self.host!r}.")
        object.__setattr__(self, "choices", tuple(self.choices))

    @property
    def server_only(self) -> bool:
        """True when the value names a place on the host, which a server client may not choose."""
        return bool(self.host)

    def convert(self, value: Any) -> Any:
        """Convert a command-line string (or check a Python value) to this option's type."""
        try:
            if isinstance(value, str) and self.type != "str":
                if self.type == "bool":
                    lowered = value.strip().lower()
                    if lowered not in {"1", "0", "true", "false", "yes", "no", "on", "off"}:
                        raise ValueError(value)
                    value = lowered in {"1", "true", "yes", "on"}
                elif self.type in ("float", "int"):
                    value = FIELD_TYPES[self.type][0](value)
                else:
                    raise ValueError(value)
            if self.type == "float" and isinstance(value, int) and not isinstance(value, bool):
                value = float(value)
            if not isinstance(value, FIELD_TYPES[self.type]) or (
                self.type != "bool" and isinstance(value, bool)
            ):
                raise ValueError(value)
        except ValueError:
            raise OptionError(f"Option {self.name!r} expects a {self.type}, got {value!r}.") from None
        if self.choices and value not in self.choices:
            allowed = ", ".join(map(str, self.choices))
            raise OptionError(f"Option {self.name!r} must be one of {allowed}; got {value!r}.")
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            if not math.isfinite(value):
                raise OptionError(f"Option {self.name!r} must be a finite number; got {value!r}.")
            below = self.minimum is not None and value < self.minimum
            if below or (self.maximum is not None and value > self.maximum):
                low = "-inf" if self.minimum is None else f"{self.minimum:g}"
                high = "inf" if self.maximum is None else f"{self.maximum:g}"
                raise OptionError(f"Option {self.name!r} must lie in [{low}, {high}]; got {value!r}.")
        return value


@dataclass(frozen=True)
class Weights:
    """A weights file the model loads, with its checksum, so users can verify what they run.

    With ``package`` set, the file is ``path`` (default ``file``) inside that installed package's
    folder, and the core verifies its sha256 before the model first loads.
    """

    file: str
    sha256: str
    size: int
    #: Where the file comes from (a package, this repository, a hub URL).
    source: str = ""
    #: Import name of the installed package that holds the file (e.g. ``rdkit``, ``silero_vad``).
    package: str = ""
    #: The file's path relative to the package folder, when it differs from ``file``.
    path: str = ""


@dataclass(frozen=True)
class Example:
    """A conformance example: running the model on ``input`` must give ``expected``.

    ``expected`` may list a subset of the output fields. Numbers match within ``tolerance``
    (absolute, or relative to the expected value, whichever is looser); other values match
    exactly. ``reference`` says where the expected numbers come from (paper, independent tool).
    """

    input: Any
    expected: Mapping[str, Any]
    tolerance: float = 1e-6
    options: Mapping[str, Any] = field(default_factory=dict)
    reference: str = ""

    @property
    def input_file(self) -> bool:
        """True when ``input`` is a file (a :class:`pathlib.Path`) that the model's input kind reads:
        large examples stay on disk and are read only when checked."""
        return isinstance(self.input, PurePath)


@dataclass(frozen=True)
class ModelSpec:
    """Everything the hub knows about a model before importing it.

    The ``factory`` is ``"module:attribute"``, a :class:`~specialist_hub.model.Model` subclass
    imported only when the model is loaded.
    """

    id: str
    task: str
    summary: str
    input_kind: str
    outputs: tuple[OutputField, ...]
    factory: str
    license: str
    citation: str
    version: str = "1"
    #: Import names of the optional packages the model needs (checked without importing them).
    requires: tuple[str, ...] = ()
    #: What to run when ``requires`` is not met, e.g. ``pip install "specialist-hub[chem]"``.
    install_hint: str = ""
    options: tuple[Option, ...] = ()
    weights: tuple[Weights, ...] = ()
    default: bool = False
    examples: tuple[Example, ...] = ()
    #: True when the model uses torch: the core then selects a device and runs inference_mode.
    uses_torch: bool = False
    #: True when the same input and options always give the same output.
    deterministic: bool = True
    batch_size: int = 64
    #: Model-card sections (intended use, training data, metrics, limitations...), Markdown text.
    card: Mapping[str, str] = field(default_factory=dict)
    #: Source URL of the model or its paper.
    url: str = ""

    def __post_init__(self) -> None:
        if not MODEL_ID.match(self.id):
            raise InvalidSpecError(
                f"Model id {self.id!r} must look like 'domain/name' (lowercase letters, digits, - _ .)."
            )
        for name in ("outputs", "options", "weights", "examples", "requires"):
            object.__setattr__(self, name, tuple(getattr(self, name)))
        object.__setattr__(self, "card", MappingProxyType(dict(self.card)))
        if ":" not in self.factory:
            raise InvalidSpecError(f"{self.id}: factory {self.factory!r} must be 'module:attribute'.")
        for output in self.outputs:
            if output.type not in FIELD_TYPES:
                raise InvalidSpecError(
                    f"{self.id}: output {output.name!r} has unknown type {output.type!r}; "
                    f"use one of {', '.join(FIELD_TYPES)}."
                )
        for what, names in (("output field", [o.name for o in self.outputs]),
                            ("option", [o.name for o in self.options])):
            if len(set(names)) != len(names):
                raise InvalidSpecError(f"{self.id}: {what} names repeat: {names}.")
        if self.batch_size < 1:
            raise InvalidSpecError(f"{self.id}: batch_size must be at least 1.")

    @property
    def domain(self) -> str:
        return self.id.split("/", 1)[0]

    @property
    def name(self) -> str:
        return self.id.split("/", 1)[1]

    @property
    def output_names(self) -> tuple[str, ...]:
        return tuple(o.name for o in self.outputs)

    def resolve_options(self, given: Mapping[str, Any]) -> dict[str, Any]:
        """Defaults overlaid with ``given``, converted and checked; unknown names are an error."""
        declared = {o.name: o for o in self.options}
        unknown = sorted(set(given) - set(declared))
        if unknown:
            known = ", ".join(declared) or "none"
            raise OptionError(f"{self.id} has no option {', '.join(map(repr, unknown))}. Its options: {known}.")
        resolved = {name: opt.default for name, opt in declared.items()}
        resolved.update({name: declared[name].convert(value) for name, value in given.items()})
        return resolved

    def split_options(self, resolved: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        """``(load options, call options)`` of resolved options, by each option's stage."""
        stages = {o.name: o.stage for o in self.options}
        load = {k: v for k, v in resolved.items() if stages[k] == "load"}
        return load, {k: v for k, v in resolved.items() if stages[k] == "call"}

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready description (the model card data); the factory is left out."""
        data: dict[str, Any] = {"id": self.id, "domain": self.domain}
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name == "factory":
                continue
            if f.name in ("outputs", "options", "weights", "examples"):
                value = [_dataclass_dict(v) for v in value]
            elif f.name == "card":
                value = dict(value)
            elif f.name == "requires":
                value = list(value)
            data[f.name] = value
        return data


def _dataclass_dict(obj: Any) -> dict[str, Any]:
    data = {}
    for f in fields(obj):
        value = getattr(obj, f.name)
        if isinstance(value, Mapping):
            value = dict(value)
        elif isinstance(value, tuple):
            value = list(value)
        elif isinstance(value, PurePath):
            value = str(value)
        elif not isinstance(value, (str, int, float, bool, list, dict, type(None))):
            value = repr(value)
        data[f.name] = value
    return data
