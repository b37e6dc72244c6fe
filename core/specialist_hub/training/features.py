"""What plugins contribute to training: featurisers (input -> fixed-length vector) and splitters
(input -> the group a record must share its fold with), registered as lazy specs like models."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from ..errors import InvalidSpecError, MissingDependencyError, UsageError

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

    #: Option names and their defaults; ``hub train --featurizer-option NAME=VALUE`` sets them
    #: (the manifest stores them, so prediction featurises the same way).
    defaults: dict[str, Any] = {}

    def __init__(self, spec: FeaturizerSpec, options: dict[str, Any], registry: Any = None):
        unknown = sorted(set(options) - set(self.defaults))
        if unknown:
            known = ", ".join(self.defaults) or "none"
            raise UsageError(f"{spec.id}: unknown featuriser option(s) {', '.join(unknown)}; its options: {known}.")
        self.spec = spec
        self.options = {**self.defaults, **options}
        #: The registry that made it: what a featuriser built on other featurisers or models uses.
        self.registry = registry

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

    def other(self, featurizer_id: str, options: dict[str, Any] | None = None) -> Featurizer:
        """Another installed featuriser, loaded (a video featuriser runs the image and audio ones)."""
        registry = self.hub_registry()
        if featurizer_id not in registry.featurizers:
            raise MissingDependencyError(self.spec.id, [featurizer_id], f"install the plugin that offers {featurizer_id}")
        return make_featurizer(registry.featurizers[featurizer_id], options, registry)

    def hub_registry(self) -> Any:
        """The registry (or a model's loader) that made this featuriser, for featurisers built on
        other featurisers or models; handed over when it is made, as models get their loader."""
        if self.registry is None:
            raise InvalidSpecError(f"{self.spec.id} runs other featurisers or models: make it with "
                                   f"make_featurizer(spec, options, registry).")
        return self.registry


def pooled(rows: Any) -> Any:
    """Mean and standard deviation over the first axis: fixed-length windows of a clip, frames of
    a video, residues of a sequence become one vector of twice the width, whatever their number."""
    import numpy as np

    rows = np.asarray(rows, dtype=np.float64)
    return np.concatenate((rows.mean(axis=0), rows.std(axis=0)))


#: ``hub train --featurizer model:ID``: an installed model's embedding as the features.
MODEL_PREFIX = "model:"


class ModelFeaturizer(Featurizer):
    """Features from a hub model that serves as a feature extractor (:meth:`Model.embed
    <specialist_hub.model.Model.embed>`): its preprocess, then its embedding of each batch.

    Options: ``model`` (its id) and ``model_options`` (options the model is loaded with, e.g. a
    ``checkpoint``). A plugin may subclass it with a fixed ``model_id`` to offer a model's
    embedding under a featuriser id of its own (``biology/esm2``)."""

    model_id = ""
    defaults = {"model": "", "model_options": {}}

    def model_options(self) -> dict[str, Any]:
        """The options the model is loaded with."""
        return dict(self.options["model_options"])

    def load(self) -> None:
        model_id = self.model_id or self.options["model"]
        self.model = self.hub_registry().load(model_id, device="cpu", **self.model_options())
        if type(self.model).embed is _base_embed():
            raise UsageError(f"{model_id} gives no embedding (its Model has no embed method); choose a model that "
                             f"does, e.g. biology/esm2, or one of the featurisers of hub train --help.")

    def preprocess(self, value: Any) -> Any:
        return self.model.preprocess(value)

    def features(self, items: Sequence[Any]) -> Any:
        import numpy as np

        with self.model._inference_context():
            return np.asarray(self.model.embed(list(items)), dtype=np.float64)

    def feature_names(self) -> list[str]:
        return []

    def versions(self) -> dict[str, str]:
        return {self.model.spec.id: self.model.spec.version}


def _base_embed() -> Callable:
    from ..model import Model

    return Model.embed


def model_featurizer_spec(registry: Any, model_id: str) -> FeaturizerSpec:
    """The featuriser spec of ``model:ID``: the model's input kind, licence and requirements."""
    spec = registry.get(model_id)
    return FeaturizerSpec(id=f"model/{spec.id.replace('/', '.')}", input_kind=spec.input_kind,
                          factory="specialist_hub.training.features:ModelFeaturizer",
                          summary=f"the embedding of {spec.id}", license=f"{spec.license} ({spec.id})",
                          commercial_use=spec.commercial_use, requires=tuple(spec.requires),
                          install_hint=registry.install_hint(spec),
                          description=f"The embedding {spec.id} gives (Model.embed): {spec.summary}")


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


def make_featurizer(spec: FeaturizerSpec, options: dict[str, Any] | None = None, registry: Any = None) -> Featurizer:
    featurizer = import_factory(spec.factory, spec.id, spec.requires, spec.install_hint)(spec, dict(options or {}),
                                                                                          registry)
    if not isinstance(featurizer, Featurizer):
        raise InvalidSpecError(f"{spec.id}: factory {spec.factory} did not return a Featurizer.")
    if featurizer.domain_metric not in DOMAIN_METRICS:
        raise InvalidSpecError(f"{spec.id}: domain_metric must be one of {', '.join(DOMAIN_METRICS)}.")
    featurizer.load()
    return featurizer

