"""A trained model at prediction time: the featuriser's preprocess, then the heads on a batch of
feature rows; the trust fields come from the held-out data the artifact carries."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import WeightsError
from ..model import Model
from ..weights import locate
from .artifact import MANIFEST, models_dir, read_manifest, verify_folder
from .features import FeaturizerSpec, make_featurizer
from .heads import SavedHead
from .trust import Domain, calibrated, conformal_classifier, conformal_sets

TRUST_FILE = "trust.npz"


@dataclass
class Featurized:
    """One parsed input; ``forward`` adds its feature row, which the domain step reuses."""

    item: Any
    features: np.ndarray | None = None


def artifact_folder(spec) -> Path:
    """A packaged model's artifact folder (found through its declared weights), else the user's."""
    manifest = next((w for w in spec.weights if w.package and w.file == MANIFEST), None)
    if manifest is not None:
        return locate(manifest, spec.id).parent
    return models_dir() / spec.name


def featurizer_spec(entry: dict[str, Any]) -> FeaturizerSpec:
    return FeaturizerSpec(id=entry["id"], input_kind=entry["input_kind"], factory=entry["factory"],
                          summary=entry.get("summary", ""), license=entry.get("license", ""),
                          commercial_use=entry.get("commercial_use", True), requires=tuple(entry.get("requires", ())),
                          install_hint=entry.get("install_hint", ""))


class TrainedModel(Model):
    """Any model ``hub train`` wrote, in any domain."""

    def load(self) -> None:
        folder = artifact_folder(self.spec)
        if not (folder / MANIFEST).is_file():
            raise WeightsError(f"{self.spec.id}: no trained model at {folder}; train it with hub train.")
        self.manifest = read_manifest(folder)
        verify_folder(folder, self.manifest, self.spec.id)
        entry = self.manifest["featurizer"]
        self.featurizer = make_featurizer(featurizer_spec(entry), entry.get("options", {}), self.loader)
        threads = max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)
        self.targets = self.manifest["targets"]
        self.heads = [SavedHead(folder / t["head"]["file"], t["task"], threads) for t in self.targets]
        with np.load(folder / TRUST_FILE, allow_pickle=False) as trust:
            data = {name: trust[name] for name in trust.files}
        self.residuals = {t["name"]: data[f"residuals/{t['name']}"] for t in self.targets if t["task"] == "regression"}
        self.calibration = {
            t["name"]: [(data[f"isotonic/{t['name']}/{k}/x"], data[f"isotonic/{t['name']}/{k}/y"])
                        for k in range(len(t["labels"]))] for t in self.targets if t["task"] == "classification"}
        self.conformal = {t["name"]: conformal_classifier(data[f"conformal/{t['name']}/scores"],
                                                          data[f"conformal/{t['name']}/labels"])
                          for t in self.targets if t["task"] == "classification"}
        reference = data["domain/reference"]
        if self.featurizer.domain_metric == "tanimoto":
            reference = np.unpackbits(reference, axis=1, count=int(data["domain/width"]))
        self.domain = Domain(reference, self.featurizer.domain_metric, float(data["domain/threshold"]),
                             data.get("domain/center"))
        self.domain_threshold = self.domain.threshold

    def preprocess(self, value: Any) -> Featurized:
        return Featurized(self.featurizer.preprocess(value))

    def forward(self, batch: list[Featurized]) -> list[dict[str, Any]]:
        features = np.asarray(self.featurizer.features([f.item for f in batch]), dtype=np.float64)
        if features.ndim != 2 or len(features) != len(batch):
            raise WeightsError(f"{self.spec.id}: the featuriser gave an array of shape {features.shape} for "
                               f"{len(batch)} inputs.")
        for featurized, row in zip(batch, features):
            featurized.features = row
        outputs: list[dict[str, Any]] = [{} for _ in batch]
        for target, head in zip(self.targets, self.heads):
            raw = head.predict(features)
            name = target["name"]
            if target["task"] == "regression":
                for output, value in zip(outputs, raw):
                    output[name] = float(value)
                continue
            labels = target["labels"]
            probabilities = calibrated(raw, self.calibration[name])
            sets = conformal_sets(self.conformal[name], raw, float(self.options["coverage"]))
            for output, p, in_set in zip(outputs, probabilities, sets):
                output[name] = labels[int(np.argmax(p))]
                output[f"{name}_probabilities"] = {label: float(v) for label, v in zip(labels, p)}
                output[f"{name}_set"] = [label for label, inside in zip(labels, in_set) if inside]
        return outputs

    def calibration_residuals(self, field: str) -> np.ndarray:
        return self.residuals[field]

    def domain_similarities(self, items: list[Featurized]) -> list[float]:
        # forward gave every item that reaches this step its feature row (a batch retried item by item too)
        features = np.vstack([np.asarray(f.features) for f in items])
        vectors = self.featurizer.domain_vectors([f.item for f in items], features)
        return self.domain.similarity(np.asarray(vectors)).tolist()
