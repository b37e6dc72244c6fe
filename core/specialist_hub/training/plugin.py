"""The ``user`` plugin: every model ``hub train`` wrote registers as ``user/NAME``.

Registration reads each model's ``manifest.json`` only (no numpy, no featuriser), so ``hub list``
stays light. A packaged model (``hub package``) registers through :func:`artifact_spec` from its
own plugin module, under its plugin id, with every artifact file declared as packaged weights that
the core verifies before first use.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

from ..errors import HubError
from ..hookspecs import hookimpl
from ..spec import Example, ModelSpec, Option, OutputField, Weights
from .artifact import MANIFEST, read_manifest, trained_model_folders

FACTORY = "specialist_hub.training.model:TrainedModel"


def output_fields(manifest: dict[str, Any]) -> list[OutputField]:
    fields = []
    for target in manifest["targets"]:
        name, unit = target["name"], target.get("unit", "")
        if target["task"] == "regression":
            fields.append(OutputField(name, "float", f"Predicted {name} ({target['head']['name']} head)", unit))
        else:
            fields += [OutputField(name, "str", f"Predicted class of {name}: the most probable label"),
                       OutputField(f"{name}_probabilities", "dict", f"Calibrated probability of each {name} label "
                                                                    f"(isotonic, fitted on held-out folds)"),
                       OutputField(f"{name}_set", "list", f"Conformal prediction set of {name}: the labels that "
                                                          f"hold the true one with the coverage option's probability")]
    return fields


def artifact_spec(manifest: dict[str, Any], model_id: str, package: str = "", folder: str = "artifact") -> ModelSpec:
    """The spec of a trained model from its manifest. ``package``: the import name of the plugin
    package that ships the artifact in its ``folder`` (then every file is verified by the core)."""
    featurizer = manifest["featurizer"]
    regression = tuple(t["name"] for t in manifest["targets"] if t["task"] == "regression")
    libraries = sorted({t["head"]["library"] for t in manifest["targets"]})
    files = {MANIFEST: manifest.get("manifest_sha256", ""), **manifest.get("files", {})} if package else {}
    weights = tuple(Weights(file=Path(relative).name, sha256=sha, size=0, source="trained with hub train",
                            package=package, path=f"{folder}/{relative}") for relative, sha in files.items() if sha)
    return ModelSpec(
        id=model_id, task="trained-" + "-and-".join(sorted({t["task"] for t in manifest["targets"]})),
        summary=manifest.get("summary") or f"Trained on {manifest['data']['source']}",
        input_kind=featurizer["input_kind"], outputs=tuple(output_fields(manifest)), factory=FACTORY,
        license=manifest["license"]["text"], citation=manifest.get("citation", ""), version=manifest["version"],
        requires=tuple(dict.fromkeys(("numpy", "crepes", *featurizer.get("requires", ()),
                                      *(("lightgbm",) if "LightGBM" in libraries else ()),
                                      *(("onnxruntime",) if "scikit-learn" in libraries else ())))),
        install_hint='pip install "specialist-hub[train]" ' + (featurizer.get("install_hint") or "").replace(
            "pip install ", ""),
        options=(Option("coverage", "float", 0.9, "Coverage of the prediction intervals and sets: the share of true "
                        "values they hold on data the model never saw", stage="call", minimum=0.5, maximum=0.99),),
        weights=weights, intervals=regression, applicability_domain=True,
        commercial_use=bool(manifest["license"]["commercial_use"]), card=manifest.get("card", {}),
        examples=tuple(Example(input=example["input"], expected=example["expected"], tolerance=1e-6,
                               reference="the model's own prediction when it was trained: this environment must "
                                         "reproduce it") for example in manifest.get("examples", ())),
        batch_size=64)


@hookimpl
def register_models(register):
    for folder in trained_model_folders():
        try:
            spec = artifact_spec(read_manifest(folder), f"user/{folder.name}")
        except (HubError, KeyError, TypeError, ValueError) as exc:
            warnings.warn(f"{folder}: not a readable trained model ({exc}); retrain it with hub train --force.",
                          stacklevel=1)
            continue
        register(spec)
