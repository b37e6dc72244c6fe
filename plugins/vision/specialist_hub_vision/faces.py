"""Face detection: MediaPipe's BlazeFace (default; boxes, six keypoints, probabilities) or
OpenCV's Haar cascade (Lienhart's frontalface_alt2, shipped in cv2)."""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np

from specialist_hub import HubError

from .images import LoadedImage, VisionModel

CASCADE = "haarcascade_frontalface_alt2.xml"


class HaarFaces:
    def __init__(self) -> None:
        path = cv2.data.haarcascades + CASCADE
        self.cascade = cv2.CascadeClassifier(path)
        if self.cascade.empty():
            raise HubError(f"OpenCV could not load its face cascade {path}; reinstall opencv-python.")

    def detect(self, item: LoadedImage, options: dict[str, Any]) -> list[dict[str, Any]]:
        size = options["min_size"]
        # Histogram equalisation makes the cascade far less sensitive to exposure.
        gray = cv2.equalizeHist(cv2.cvtColor(np.asarray(item.image), cv2.COLOR_RGB2GRAY))
        boxes, _, weights = self.cascade.detectMultiScale3(
            gray, scaleFactor=options["scale_factor"], minNeighbors=options["min_neighbors"],
            minSize=(size, size), outputRejectLevels=True,
        )
        boxes, weights = np.asarray(boxes).reshape(-1, 4), np.asarray(weights, dtype=float).reshape(-1)
        return [{"box": [int(x), int(y), int(x + w), int(y + h)], "score": round(float(s), 4), "keypoints": None}
                for (x, y, w, h), s in zip(boxes, weights)]


class BlazeFaces:
    def __init__(self, full_range: bool) -> None:
        from .blazeface import FULL_RANGE, SHORT_RANGE, BlazeFace

        self.detector = BlazeFace(FULL_RANGE if full_range else SHORT_RANGE)

    def detect(self, item: LoadedImage, options: dict[str, Any]) -> list[dict[str, Any]]:
        return self.detector.detect(item.image, options["min_score"])


class FacesModel(VisionModel):
    def load(self) -> None:
        super().load()
        backend = self.options["backend"]
        self.detector = HaarFaces() if backend == "haar" else BlazeFaces(full_range=backend == "blazeface-full")

    def compute(self, item: LoadedImage) -> dict[str, Any]:
        faces = sorted(self.detector.detect(item, self.options), key=lambda face: -face["score"])
        caption = "face {:.0f}" if self.options["backend"] == "haar" else "face {:.2f}"
        return {
            "faces": faces,
            "count": len(faces),
            "annotated_path": self.annotate(
                item, [([f["box"][:2], f["box"][2:]], caption.format(f["score"])) for f in faces]),
        }
