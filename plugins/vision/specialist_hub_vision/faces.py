"""Frontal face detection with OpenCV's Haar cascade (Lienhart's frontalface_alt2, shipped in cv2)."""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np

from specialist_hub import HubError

from .images import LoadedImage, VisionModel

CASCADE = "haarcascade_frontalface_alt2.xml"


class FacesModel(VisionModel):
    def load(self) -> None:
        super().load()
        path = cv2.data.haarcascades + CASCADE
        self.cascade = cv2.CascadeClassifier(path)
        if self.cascade.empty():
            raise HubError(f"OpenCV could not load its face cascade {path}; reinstall opencv-python.")

    def compute(self, item: LoadedImage) -> dict[str, Any]:
        size = self.options["min_size"]
        # Histogram equalisation makes the cascade far less sensitive to exposure.
        gray = cv2.equalizeHist(cv2.cvtColor(np.asarray(item.image), cv2.COLOR_RGB2GRAY))
        boxes, _, weights = self.cascade.detectMultiScale3(
            gray, scaleFactor=self.options["scale_factor"], minNeighbors=self.options["min_neighbors"],
            minSize=(size, size), outputRejectLevels=True,
        )
        boxes, weights = np.asarray(boxes).reshape(-1, 4), np.asarray(weights, dtype=float).reshape(-1)
        faces = sorted(
            ({"box": [int(x), int(y), int(x + w), int(y + h)], "score": round(float(s), 4)}
             for (x, y, w, h), s in zip(boxes, weights)),
            key=lambda face: -face["score"],
        )
        return {
            "faces": faces,
            "count": len(faces),
            "annotated_path": self.annotate(
                item, [([f["box"][:2], f["box"][2:]], f"face {f['score']:.0f}") for f in faces]),
        }
