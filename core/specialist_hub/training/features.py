"""What plugins contribute to training: featurisers (input -> fixed-length vector) and splitters
(input -> the group a record must share its fold with), registered as lazy specs like models."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from ..errors import InvalidSpecError, MissingDependencyError

#: How the applicability domain compares an input with the training set.
DOMAIN_METRICS = ("tanimoto", "cosine")


@dataclass(frozen=True)
class FeaturizerSpec:
    """A featuriser a plugin offers to ``hub train`` (listed without importing it)."""

    #: ``domain/name``, e.g. ``chemistry/rdkit``; ``hub train --featurizer`` takes it or the part after the slash.
    id: str
    #: The input kind it featurises (``molecule``, ``sequence``, ``image``...).
    input_kind: str
    #: ``"module:Class"`` of a :class:`Featurizer` subclass, imported only when training or predicting.
    factory: str
    summary: str
    #: Licences of its code and of any weights it uses; they pass to every model trained on it.
    license: str
    #: Whether every licence it carries allows commercial use.
    commercial_use: bool = True
    #: The input kind's default featuriser for ``hub train``.
    default: bool = False
    #: Import names checked (not imported) before use, with the command that installs them.
    requires: tuple[str, ...] = ()
    install_hint: str = ""
    #: Text for the card: what the features are, with citations.
    description: str = ""

    def __post_init__(self) -> None:
        if "/" not in self.id or ":" not in self.factory:
            raise InvalidSpecError(f"FeaturizerSpec {self.id!r}: id must be 'domain/name' and factory 'module:Class'.")


@dataclass(frozen=True)
class SplitterSpec:
    """A way to group records so that related ones never straddle a train/test split."""

    id: str
    input_kind: str
    #: ``"module:function"``: ``function(values) -> list of group keys``, one per input value (values
    #: that every featuriser of the kind could parse).
    factory: str
    summary: str
    default: bool = False
    requires: tuple[str, ...] = ()


class Featurizer:
    """Turns inputs of one kind into rows of a feature matrix.

    ``preprocess`` parses one value (raising :class:`~specialist_hub.errors.InputError` for a bad
    one, which becomes that record's error); ``features`` turns a batch of parsed values into a 2-D
    float array; ``domain_vectors`` gives what the applicability domain compares (``domain_metric``).
    The same object featurises at training and at prediction time, so both see identical features.
    """

    #: ``tanimoto``: domain vectors are 0/1 fingerprints; ``cosine``: any real vectors.
    domain_metric: str = "cosine"

    def __init__(self, spec: FeaturizerSpec, options: dict[str, Any]):
        self.spec = spec
        self.options = options

    def load(self) -> None:
        """Load weights (a backbone) once, before the first batch."""

    def preprocess(self, value: Any) -> Any:
        return value

    def key(self, item: Any) -> str:
        """The canonical form of a parsed input, so duplicates are found (a canonical SMILES)."""
        return str(item)

    def features(self, items: Sequence[Any]) -> Any:
        """A float array of shape (len(items), n_features); NaN where a feature is undefined."""
        raise NotImplementedError

    def feature_names(self) -> list[str]:
        raise NotImplementedError

    def domain_vectors(self, items: Sequence[Any], features: Any) -> Any:
        """Vectors the applicability domain compares, given the items and their feature rows."""
        return features

    def versions(self) -> dict[str, str]:
        """Versions of the libraries the features depend on, written into the manifest."""
        return {}


def import_factory(factory: str, owner: str, requires: tuple[str, ...] = (), install_hint: str = "") -> Callable:
    module_name, _, attribute = factory.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        missing = exc.name or module_name
        raise MissingDependencyError(owner, [missing], install_hint or f"pip install {missing}") from exc
    try:
        return getattr(module, attribute)
    except AttributeError:
        raise InvalidSpecError(f"{owner}: factory {factory!r} not found in {module_name}.") from None


def make_featurizer(spec: FeaturizerSpec, options: dict[str, Any] | None = None) -> Featurizer:
    featurizer = import_factory(spec.factory, spec.id, spec.requires, spec.install_hint)(spec, dict(options or {}))
    if not isinstance(featurizer, Featurizer):
        raise InvalidSpecError(f"{spec.id}: factory {spec.factory} did not return a Featurizer.")
    if featurizer.domain_metric not in DOMAIN_METRICS:
        raise InvalidSpecError(f"{spec.id}: domain_metric must be one of {', '.join(DOMAIN_METRICS)}.")
    featurizer.load()
    return featurizer

