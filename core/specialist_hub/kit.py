"""What plugins share: a spec family per domain, and the fields and helpers of classifiers.

A plugin describes its domain once with :class:`SpecFamily` (input kind, install hint, the
fields every model echoes, common options and requirements) and then writes only what makes
each model different.
"""

from __future__ import annotations

import hashlib
import math
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from .cards import load_card
from .errors import InvalidSpecError
from .spec import ModelSpec, Option, OutputField


class SpecFamily:
    """Builds the :class:`ModelSpec` of every model of one plugin domain and remembers them.

    :param domain: the id prefix (``chemistry`` gives ``chemistry/NAME``).
    :param input_kind: the input kind every model of the family takes, unless a model says otherwise.
    :param install_hint: what to run when a requirement is missing, e.g. ``pip install "specialist-hub[chem]"``.
    :param outputs: fields every model echoes first (filled by the family's ``Model.echo``).
    :param options: options every model has, before its own; a model's own option of the same name
        replaces the family's (a tighter limit, another default).
    :param requires: import names every model needs, before its own.
    :param card: a function that rewrites each model's card sections (e.g. to state the input
        alphabet the same way in every card of the family).
    :param cards: the folder of the family's card files: model ``NAME``'s card is ``NAME.md`` there
        (see :func:`specialist_hub.cards.load_card`), read when its spec is built; without it, each
        spec passes ``card={...}``.
    :param card_values: placeholders any card of the family may use (a note shared by several cards);
        a spec adds its own with ``card_values={...}`` (its computed figures), which its card must use.
    :param defaults: other ModelSpec fields shared by the family (e.g. ``uses_torch=True``).
    """

    def __init__(self, domain: str, *, input_kind: str, install_hint: str, outputs: Sequence[OutputField] = (),
                 options: Sequence[Option] = (), requires: Sequence[str] = (),
                 card: Callable[[dict[str, str]], dict[str, str]] | None = None,
                 cards: str | os.PathLike | None = None, card_values: Mapping[str, Any] | None = None,
                 **defaults: Any):
        self.domain, self.input_kind, self.install_hint = domain, input_kind, install_hint
        self.outputs, self.options, self.requires = tuple(outputs), tuple(options), tuple(requires)
        self.card, self.defaults = card, defaults
        self.cards = Path(cards) if cards is not None else None
        self.card_values = dict(card_values or {})
        self.specs: list[ModelSpec] = []

    def __call__(self, name: str, *, outputs: Sequence[OutputField] = (), options: Sequence[Option] = (),
                 requires: Sequence[str] = (), echo: bool = True, card_values: Mapping[str, Any] | None = None,
                 **fields: Any) -> ModelSpec:
        """The spec of ``domain/name``; ``echo=False`` leaves out the family's echoed outputs."""
        if self.cards is not None:
            if "card" in fields:
                raise InvalidSpecError(f"{self.domain}/{name}: its card is the file {self.cards / f'{name}.md'}; "
                                       f"leave out card=.")
            card = load_card(self.cards / f"{name}.md", card_values, shared=self.card_values, rewrite=self.card)
        elif card_values:
            raise InvalidSpecError(f"{self.domain}/{name}: card_values= fill a card file's placeholders; give the "
                                   f"family its folder (SpecFamily(..., cards=...)).")
        else:
            card = dict(fields.pop("card", {}))
            if self.card is not None:
                card = self.card(card)
        spec = ModelSpec(
            id=f"{self.domain}/{name}", input_kind=fields.pop("input_kind", self.input_kind),
            outputs=(*(self.outputs if echo else ()), *outputs),
            options=(*(o for o in self.options if o.name not in {own.name for own in options}), *options),
            requires=tuple(dict.fromkeys((*self.requires, *requires))), install_hint=self.install_hint,
            card=card, **{**self.defaults, **fields},
        )
        self.specs.append(spec)
        return spec

    def register_all(self, register: Callable[[ModelSpec], None]) -> None:
        """Register every spec built so far, in order (the body of a plugin's ``register_models``)."""
        for spec in self.specs:
            register(spec)


def derived_file(folder: str | os.PathLike, source: str | None, suffix: str, content: bytes = b"") -> Path:
    """Where a model writes a file made from one input (an annotated copy, a mask, a contact sheet):
    ``<stem>-<digest><suffix>`` in ``folder``, which is created. The digest of the input's absolute
    path (or of ``content`` for an in-memory input, stem ``image``) keeps same-named inputs from
    different folders (directory inputs) apart."""
    if source is not None:
        stem, identity = Path(source).stem, os.path.abspath(source).encode()
    else:
        stem, identity = "image", content
    path = Path(folder).expanduser().resolve() / f"{stem}-{hashlib.sha1(identity).hexdigest()[:8]}{suffix}"
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


#: The outputs of every classifier: the best label, its score, the best ``top_k``, and two
#: measures of how sure the network is (uncalibrated: see CLASSIFIER_CONFIDENCE_NOTE).
CLASSIFIER_OUTPUTS = (
    OutputField("label", "str", "The most likely label"),
    OutputField("score", "float", "Its probability (softmax; sigmoid for multi-label checkpoints)"),
    OutputField("top_k", "list", "The top_k labels with their scores, best first"),
    OutputField("margin", "float", "Score of the best label minus that of the second (uncalibrated): near 0, "
                                   "the network hesitates between them"),
    OutputField("entropy", "float", "Shannon entropy of all the scores (normalised to sum 1) over its maximum, "
                                    "log(number of labels): 0 certain, 1 uniform (uncalibrated)"),
)

#: What a classifier's card says of its confidence fields, where no calibration set can be made offline.
CLASSIFIER_CONFIDENCE_NOTE = (
    "Scores, margin and entropy are the network's own and **uncalibrated**: no labelled calibration set "
    "for its classes can be made offline, so a score of 0.9 is not a 90 % chance of being right; use margin "
    "and entropy to rank inputs by how sure the network is, not as probabilities."
)


def top_k_option(default: int = 5) -> Option:
    """How many labels a classifier returns: a call-time option (changing it reloads nothing)."""
    return Option("top_k", "int", default, "How many labels to return", stage="call", minimum=1, maximum=1000)


def top_k(scores: Iterable[float], labels: Mapping[int, str] | Sequence[str], k: int) -> dict[str, Any]:
    """The classifier fields for one input: ``label``, ``score``, the ``k`` best as
    ``[{"label", "score"}, ...]``, best first (ties keep the labels' order), and the ``margin`` and
    normalised ``entropy`` of all the scores."""
    values = [float(s) for s in scores]
    ranked = sorted(enumerate(values), key=lambda pair: -pair[1])
    best = [{"label": _label(labels, index), "score": score} for index, score in ranked[:max(1, k)]]
    margin = ranked[0][1] - ranked[1][1] if len(ranked) > 1 else ranked[0][1]
    return {"label": best[0]["label"], "score": best[0]["score"], "top_k": best, "margin": margin,
            "entropy": normalised_entropy(values)}


def normalised_entropy(scores: Sequence[float]) -> float:
    """Shannon entropy of ``scores`` made to sum 1, over log(len(scores)); 0 for one label."""
    total = sum(max(score, 0.0) for score in scores)
    if len(scores) < 2 or total <= 0:
        return 0.0
    entropy = -sum(p * math.log(p) for p in (max(score, 0.0) / total for score in scores) if p > 0)
    return min(1.0, max(0.0, entropy / math.log(len(scores))))


def _label(labels: Mapping[int, str] | Sequence[str], index: int) -> str:
    if isinstance(labels, Mapping):
        return str(labels.get(index, index))
    return str(labels[index]) if index < len(labels) else str(index)
