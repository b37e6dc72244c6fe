"""Model metadata: plain frozen dataclasses, readable without importing any model code."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import MISSING, Field, dataclass, field, fields
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
#: How an applicability domain is measured (ModelSpec.domain_measure).
DOMAIN_MEASURES = ("similarity", "distance")

_PLAIN_TYPES = (str, int, float, bool, type(None))


def python_value(value: Any) -> Any:
    """``value`` with numpy (and torch) scalars, 0-d and other arrays turned into Python numbers and
    lists, inside lists, tuples and dicts too: models may return ``np.int64`` or ``arr.mean()``
    and still meet their declared field types and give plain JSON."""
    if type(value) in _PLAIN_TYPES:
        return value
    if isinstance(value, dict):
        return {key: python_value(item) for key, item in value.items()}
    if isinstance(value, list):
        return [python_value(item) for item in value]
    if isinstance(value, tuple):
        return tuple(python_value(item) for item in value)
    if hasattr(value, "tolist") and hasattr(value, "ndim"):
        return value.tolist()
    return value


MODEL_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*/[a-z0-9][a-z0-9._-]*$")


def documented(meaning: str, *, required: bool = False, **default: Any) -> Any:
    """A dataclass field with its meaning, from which the docs' field tables are generated.

    ``required=True`` marks a field that has an empty default only so that a missing one is
    reported together with every other missing field (see :meth:`ModelSpec.__post_init__`).
    """
    return field(metadata={"meaning": meaning, "required": required}, **default)


def is_required(spec_field: Field) -> bool:
    return spec_field.metadata.get("required", False) or (
        spec_field.default is MISSING and spec_field.default_factory is MISSING)


def field_table(cls: type) -> str:
    """The Markdown table of a spec dataclass's fields (type, required, default, meaning), as the
    docs show it: generated, so the docs cannot drift from the code."""
    rows = ["| field | type | required | default | meaning |", "|---|---|---|---|---|"]
    for spec_field in fields(cls):
        if is_required(spec_field):
            required, default = "yes", ""
        else:
            factory = spec_field.default_factory
            value = factory() if callable(factory) else spec_field.default
            required, default = "no", f"`{value!r}`"
        type_name = str(spec_field.type).replace("|", "\\|")
        rows.append(f"| `{spec_field.name}` | `{type_name}` | {required} | {default} | "
                    f"{spec_field.metadata.get('meaning', '')} |")
    return "\n".join(rows)


@dataclass(frozen=True)
class OutputField:
    """One field of a model's output record."""

    name: str = documented("the field's name in every output record")
    type: str = documented("`float`, `int`, `str`, `bool`, `list` or `dict`")
    description: str = documented("what the value means")
    unit: str = documented("its unit (`g/mol`, `s`, `dB`), empty for pure numbers", default="")
    nullable: bool = documented("the value may be `None` (e.g. a percentile that does not apply)", default=False)
    decimals: int | None = documented("digits after the decimal point the value carries, for text written for "
                                      "people (the terminal table, GFF3 attributes): `4` shows an exact mass as "
                                      "`180.0634`; `None`: four significant digits", default=None)

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
#: host that the model reads ("path"), the folder it writes files into ("output_dir": the CLI
#: fills it from --output, the server with its own folder), or a bound on the resources one record
#: may take ("limit": pixels, seconds). Server clients may set none of these.
HOST_ROLES = ("", "path", "output_dir", "limit")


@dataclass(frozen=True)
class Option:
    """A user-settable option (``--option name=value`` / ``load(id, name=value)``)."""

    name: str = documented("what users type: `--option NAME=VALUE`, `load(id, NAME=VALUE)`")
    type: str = documented("`float`, `int`, `str` or `bool`; command-line strings are converted to it")
    default: Any = documented("the value when the user sets none")
    description: str = documented("one line for the card and `hub info`")
    choices: tuple[Any, ...] = documented("the allowed values, when the option is an enumeration", default=())
    stage: str = documented("`load` (shapes the loaded model) or `call` (steers one call); see below",
                            default="load")
    host: str = documented('`""` a plain value, `"path"` a file the model reads, `"output_dir"` the folder '
                           'it writes into, `"limit"` a bound on what one record may take; see below', default="")
    minimum: float | None = documented("inclusive lower bound for numbers (`None`: unbounded)", default=None)
    maximum: float | None = documented("inclusive upper bound for numbers (`None`: unbounded)", default=None)
    runs: str = documented("for an option whose value is the id of another model to run: the input kind that "
                           "model must take; see below", default="")
    options_for: str = documented("for an option whose value is `KEY=VALUE,...` options of that model: the name "
                                  "of the option that names it; see below", default="")
    pattern: str = documented("for a str option: a regular expression the whole value must match, so a malformed "
                              "value is a usage error before the run (`[0-9]+-[0-9]+`)", default="")
    at_most: str = documented("for a number option: the name of another option it may not exceed (`ph_min` at most "
                              "`ph_max`), checked once both are resolved", default="")

    def __post_init__(self) -> None:
        if self.type not in FIELD_TYPES:
            raise InvalidSpecError(f"Option {self.name!r} has unknown type {self.type!r}; "
                                   f"use one of {', '.join(FIELD_TYPES)}.")
        if self.stage not in STAGES:
            raise InvalidSpecError(f"Option {self.name!r}: stage must be one of {', '.join(STAGES)}, "
                                   f"not {self.stage!r}.")
        if self.host not in HOST_ROLES:
            raise InvalidSpecError(f"Option {self.name!r}: host must be one of {HOST_ROLES}, not {self.host!r}.")
        if (self.runs or self.options_for) and (self.type != "str" or self.host):
            raise InvalidSpecError(f"Option {self.name!r} names a model or its options: its type must be str and "
                                   f"its host role empty.")
        if self.pattern and self.type != "str":
            raise InvalidSpecError(f"Option {self.name!r}: a pattern applies to str options only.")
        if self.at_most and self.type not in ("float", "int"):
            raise InvalidSpecError(f"Option {self.name!r}: at_most applies to number options only.")
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
        if self.pattern and isinstance(value, str) and not re.fullmatch(self.pattern, value):
            raise OptionError(f"Option {self.name!r} ({self.description}) must match {self.pattern}; got {value!r}.")
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            if not math.isfinite(value):
                raise OptionError(f"Option {self.name!r} must be a finite number; got {value!r}.")
            below = self.minimum is not None and value < self.minimum
            if below or (self.maximum is not None and value > self.maximum):
                low = "-inf" if self.minimum is None else f"{self.minimum:g}"
                high = "inf" if self.maximum is None else f"{self.maximum:g}"
                raise OptionError(f"Option {self.name!r} must lie in [{low}, {high}]; got {value!r}.")
        return value


def parse_option_pairs(text: str) -> dict[str, str]:
    """``"top_k=3,min_confidence=0.2"`` (an :attr:`Option.options_for` value) as a dict of strings,
    which the named model's options then convert."""
    options = {}
    for pair in filter(None, (part.strip() for part in text.split(","))):
        key, equals, value = pair.partition("=")
        if not equals or not key.strip():
            raise OptionError(f"Model options are KEY=VALUE pairs separated by commas; got {pair!r}.")
        options[key.strip()] = value.strip()
    return options


@dataclass(frozen=True)
class Weights:
    """A weights file the model loads, with its checksum, so users can verify what they run.

    With ``package`` set, the file is ``path`` (default ``file``) inside that installed package's
    folder, and the core verifies its sha256 before the model first loads.
    """

    file: str = documented("the file's name, as the card shows it")
    sha256: str = documented("its SHA-256, hex (`hub weights FILE` prints it)")
    size: int = documented("its size in bytes")
    source: str = documented("where the file comes from (a package, this repository, a URL) and its licence",
                             default="")
    package: str = documented("import name of the installed package that holds the file; set, the core "
                              "verifies the sha256 before the model first loads", default="")
    path: str = documented("the file's path inside that package's folder, when it differs from `file`",
                           default="")


@dataclass(frozen=True)
class Example:
    """A conformance example: running the model on ``input`` must give ``expected``.

    ``expected`` may list a subset of the output fields. Numbers match within ``tolerance``
    (absolute, or relative to the expected value, whichever is looser); other values match
    exactly. ``reference`` says where the expected numbers come from (paper, independent tool).
    """

    input: Any = documented("what the model is given: a value, or a `pathlib.Path` its input kind reads")
    expected: Mapping[str, Any] = documented("the expected output: a subset of the output fields")
    tolerance: float = documented("numbers match within it, absolute or relative, whichever is looser",
                                  default=1e-6)
    options: Mapping[str, Any] = documented("options to load and run the model with", default_factory=dict)
    reference: str = documented("where the expected values come from: a paper, an independent tool",
                                default="")

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

    id: str = documented("`domain/name`, lower case; the domain is the part before the slash", required=True,
                         default="")
    task: str = documented("what it does, e.g. `molecular-descriptors`, `image-classification`", required=True,
                           default="")
    summary: str = documented("one line for `hub list`", required=True, default="")
    input_kind: str = documented("`molecule`, `sequence`, `text`, `image`, `audio` or a plugin's kind",
                                 required=True, default="")
    outputs: tuple[OutputField, ...] = documented("`OutputField`s: exactly the fields every output record has",
                                                  required=True, default=())
    factory: str = documented('`"module:Class"`, a `Model` subclass imported only on use', required=True,
                              default="")
    license: str = documented("the licences of the code and of the weights, separately", required=True,
                              default="")
    citation: str = documented("the paper or source to cite", required=True, default="")
    version: str = documented("the model's version, written into every prediction", default="1")
    requires: tuple[str, ...] = documented("import names of optional packages, checked without importing them",
                                           default=())
    install_hint: str = documented('the command that installs them, e.g. `pip install "specialist-hub[chem]"`',
                                   default="")
    options: tuple[Option, ...] = documented("`Option`s users set with `--option KEY=VALUE` or `load(id, KEY=VALUE)`",
                                             default=())
    weights: tuple[Weights, ...] = documented("`Weights` files the model loads", default=())
    default: bool = documented("whether it is its domain's default for `hub predict --domain`", default=False)
    examples: tuple[Example, ...] = documented("`Example`s that `hub check` and the tests run", default=())
    uses_torch: bool = documented("the core then picks the device and runs `torch.inference_mode`", default=False)
    deterministic: bool = documented("the same input and options always give the same output", default=True)
    batch_size: int = documented("default records per `forward` call", default=64)
    card: Mapping[str, str] = documented("Markdown sections: `intended_use`, `training_data`, `metrics`, "
                                         "`limitations`", default_factory=dict)
    url: str = documented("where the model or its paper lives", default="")
    intervals: tuple[str, ...] = documented(
        "learned regression fields that gain a conformal prediction interval `FIELD_low`/`FIELD_high` (option "
        "`coverage`, 90 % by default), from the calibration residuals the model ships", default=())
    commercial_use: bool = documented(
        "whether the licences of its code, weights and data all allow commercial use (`hub list` marks the "
        "others; `--license commercial` and `HUB_LICENSE=commercial` refuse them)", default=True)
    applicability_domain: bool = documented(
        "the model says whether each input lies in its applicability domain: `in_domain`, `domain_similarity` "
        "(or `domain_distance`), `domain_threshold`", default=False)
    domain_measure: str = documented(
        "what the applicability domain rests on: `similarity` to the training data (in domain at or above the "
        "threshold) or a `distance` from it, e.g. a leverage (in domain at or below)", default="similarity")
    display: Mapping[str, Any] = documented(
        "hints for drawing outputs over the input (the web playground): `connections` maps a list output field "
        "to the `[i, j]` pairs of its items' `landmarks` that are joined by lines", default_factory=dict)

    def __post_init__(self) -> None:
        missing = [f for f in fields(self) if f.metadata.get("required") and not getattr(self, f.name)]
        if missing:
            listed = "; ".join(f"{f.name} ({f.metadata['meaning']})" for f in missing)
            raise InvalidSpecError(f"ModelSpec {self.id or '(no id)'} lacks {len(missing)} required field(s): "
                                   f"{listed}.")
        if not MODEL_ID.match(self.id):
            raise InvalidSpecError(
                f"Model id {self.id!r} must look like 'domain/name' (lowercase letters, digits, - _ .)."
            )
        for name in ("outputs", "options", "weights", "examples", "requires", "intervals"):
            object.__setattr__(self, name, tuple(getattr(self, name)))
        for name in ("card", "display"):
            object.__setattr__(self, name, MappingProxyType(dict(getattr(self, name))))
        self._add_trust_fields()
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
        numbers = {o.name for o in self.options if o.type in ("float", "int")}
        for option in self.options:
            if option.at_most and option.at_most not in numbers:
                raise InvalidSpecError(f"{self.id}: option {option.name!r} must be at most {option.at_most!r}, which "
                                       f"is not a number option of the model.")
        runners = {o.name for o in self.options if o.runs}
        for option in self.options:
            if option.options_for and option.options_for not in runners:
                raise InvalidSpecError(f"{self.id}: option {option.name!r} holds the options of the model named by "
                                       f"{option.options_for!r}, which is not an option with `runs` set.")
        if self.batch_size < 1:
            raise InvalidSpecError(f"{self.id}: batch_size must be at least 1.")
        if self.domain_measure not in DOMAIN_MEASURES:
            raise InvalidSpecError(f"{self.id}: domain_measure {self.domain_measure!r} must be one of "
                                   f"{', '.join(DOMAIN_MEASURES)}.")

    def _add_trust_fields(self) -> None:
        """The standard fields (and the ``coverage`` option) of the trust convention, added once."""
        outputs, names = list(self.outputs), set(self.output_names)
        for name in self.intervals:
            found = next((o for o in outputs if o.name == name), None)
            if found is None or found.type != "float":
                raise InvalidSpecError(f"{self.id}: interval field {name!r} must be a float output of the model.")
            if f"{name}_low" not in names:
                at = outputs.index(found) + 1
                outputs[at:at] = [OutputField(f"{name}{end}", "float", f"{side} end of the conformal prediction "
                                              f"interval of {name} at the coverage option", found.unit, True)
                                  for end, side in (("_low", "Lower"), ("_high", "Upper"))]
        if self.applicability_domain and "in_domain" not in names:
            measure, field = self.domain_measure, self.domain_field
            inside, beyond, relation = (("at or above", "below", "to") if measure == "similarity"
                                        else ("at or below", "above", "from"))
            outputs += [OutputField("in_domain", "bool", f"Whether the input lies in the model's applicability "
                                                         f"domain: {field} {inside} domain_threshold"),
                        OutputField(field, "float", f"{measure.capitalize()} of the input {relation} the data the "
                                                    f"model learned from (see the card for the measure)"),
                        OutputField("domain_threshold", "float", f"The {measure} {beyond} which an input is out "
                                                                 f"of domain")]
        object.__setattr__(self, "outputs", tuple(outputs))
        if self.intervals and "coverage" not in {o.name for o in self.options}:
            object.__setattr__(self, "options", (*self.options, Option(
                "coverage", "float", 0.9, "Coverage of the prediction intervals: the share of true values they "
                "hold on data the model never saw", stage="call", minimum=0.5, maximum=0.99)))
            object.__setattr__(self, "requires", tuple(dict.fromkeys((*self.requires, "crepes"))))

    @property
    def domain_field(self) -> str:
        """The output field the applicability-domain verdict rests on: ``domain_similarity`` or ``domain_distance``."""
        return f"domain_{self.domain_measure}"

    @property
    def domain(self) -> str:
        return self.id.split("/", 1)[0]

    @property
    def name(self) -> str:
        return self.id.split("/", 1)[1]

    @property
    def writes_files(self) -> bool:
        """Whether the model writes files: it has an option naming the folder for them, which a server fills in."""
        return any(option.host == "output_dir" for option in self.options)

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
        for option in self.options:
            if option.at_most and resolved[option.name] > resolved[option.at_most]:
                raise OptionError(f"{self.id}: option {option.name!r} ({resolved[option.name]!r}) must not exceed "
                                  f"{option.at_most!r} ({resolved[option.at_most]!r}).")
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
            elif f.name in ("card", "display"):
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
