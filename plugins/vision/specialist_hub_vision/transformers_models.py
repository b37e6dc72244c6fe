"""Image classification and object detection with any compatible transformers checkpoint."""

from __future__ import annotations

import inspect
from collections import defaultdict
from collections.abc import Callable
from typing import Any

import transformers
from PIL import Image
from transformers import AutoImageProcessor

from specialist_hub.hf import class_probabilities, image_processor_kwargs, load_checkpoint
from specialist_hub.kit import top_k

from .images import ImageInput, VisionModel, pixel_runs


class TransformersVisionModel(VisionModel):
    """Loads ``checkpoint`` with ``auto_class`` and its image processor through the hub's loader."""

    auto_class = ""

    def load(self) -> None:
        super().load()
        self.model, self.processor = load_checkpoint(getattr(transformers, self.auto_class), AutoImageProcessor,
                                                     self.options["checkpoint"], self.device, **image_processor_kwargs())
        self.labels = self.model.config.id2label
        self.accepted = set(inspect.signature(self.model.forward).parameters)

    def run(self, images: list) -> Any:
        inputs = self.processor(images=images, return_tensors="pt")
        # Some processors also return e.g. pixel_mask, which not every architecture takes.
        return self.model(**{k: v.to(self.device) for k, v in inputs.items() if k in self.accepted})

    def in_runs(self, batch: list[ImageInput], step: Callable[[list[Image.Image]], list[Any]]) -> list[Any]:
        """``step``'s results over consecutive runs of the batch decoded together, at most
        ``max_pixels`` at a time: a batch of large images then costs one large image's memory."""
        # Each run's images are step's argument only, freed when it returns, before the next run.
        return [raw for run in pixel_runs(batch, self.options["max_pixels"])
                for raw in step([batch[index].image for index in run])]

    def label(self, index: int) -> str:
        return str(self.labels.get(index, index))


class ClassifyModel(TransformersVisionModel):
    auto_class = "AutoModelForImageClassification"

    def forward(self, batch: list[ImageInput]) -> list[list[float]]:
        return self.in_runs(batch, self.probabilities)

    def probabilities(self, images: list[Image.Image]) -> list[list[float]]:
        logits = self.run(images).logits.float()
        probabilities = class_probabilities(self.model, logits)
        return probabilities.cpu().tolist()

    def postprocess(self, raw: list[float], item: ImageInput) -> dict[str, Any]:
        return top_k(raw, self.labels, self.options["top_k"])


class DetectModel(TransformersVisionModel):
    auto_class = "AutoModelForObjectDetection"

    def forward(self, batch: list[ImageInput]) -> list[list[dict[str, Any]]]:
        return self.in_runs(batch, self.detect)

    def detect(self, images: list[Image.Image]) -> list[list[dict[str, Any]]]:
        # Images of one size go through together: padding a batch to its largest image would
        # change what the model sees, so results would depend on the batch they landed in.
        groups: dict[tuple[int, int], list[int]] = defaultdict(list)
        for index, image in enumerate(images):
            groups[image.size].append(index)
        results: list[Any] = [None] * len(images)
        for (width, height), indices in groups.items():
            outputs = self.run([images[i] for i in indices])
            found = self.processor.post_process_object_detection(
                outputs, threshold=self.options["threshold"], target_sizes=[(height, width)] * len(indices))
            for index, detections in zip(indices, found):
                results[index] = [
                    {"label": self.label(int(label)), "score": float(score),
                     "box": [round(min(max(float(v), 0.0), limit), 2)
                             for v, limit in zip(box.tolist(), (width, height, width, height))]}
                    for score, label, box in zip(detections["scores"], detections["labels"], detections["boxes"])
                ]
        return results

    def postprocess(self, raw: list[dict[str, Any]], item: ImageInput) -> dict[str, Any]:
        objects = sorted(raw, key=lambda o: -o["score"])
        shapes = [([o["box"][:2], o["box"][2:]], f"{o['label']} {o['score']:.2f}") for o in objects]
        return {"objects": objects, "count": len(objects), "annotated_path": self.annotate(item, shapes)}
