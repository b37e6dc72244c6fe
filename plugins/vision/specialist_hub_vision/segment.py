"""Person/background segmentation: MediaPipe's selfie segmentation (general model) run with LiteRT.

The .tflite file ships in ``data/``, copied unchanged from the ``mediapipe`` 0.10.21 wheel
(Apache-2.0), for the reason given in blazeface.py. MediaPipe's graph
(mediapipe/modules/selfie_segmentation/selfie_segmentation_cpu.pbtxt) around the network: the
whole image stretched to 256x256 (aspect ratio not kept, corners onto corners), values in [0, 1]; the network's output
is already a probability (activation NONE) and is resized bilinearly back to the image's size.
"""

from __future__ import annotations

import os
import threading
from typing import Any

import cv2
import numpy as np
from PIL import Image

from specialist_hub.kit import derived_file

from .blazeface import load_interpreter
from .images import LoadedImage, VisionModel

SIZE = 256


class SelfieSegmentation:
    def __init__(self) -> None:
        self.interpreter = load_interpreter("selfie_segmentation.tflite")
        self.input = self.interpreter.get_input_details()[0]["index"]
        self.output = self.interpreter.get_output_details()[0]["index"]
        self.lock = threading.Lock()

    def probabilities(self, image: Image.Image) -> np.ndarray:
        """Per pixel of ``image``, the probability (0-1) that it shows a person."""
        pixels = np.asarray(image)
        height, width = pixels.shape[:2]
        # MediaPipe maps the image's corners onto the tensor's (not pixel centres, as cv2.resize does).
        stretch = np.array([[SIZE / width, 0, 0], [0, SIZE / height, 0]])
        tensor = cv2.warpAffine(pixels, stretch, (SIZE, SIZE), flags=cv2.INTER_LINEAR).astype(np.float32) / 255
        with self.lock:
            self.interpreter.set_tensor(self.input, tensor[None])
            self.interpreter.invoke()
            mask = self.interpreter.get_tensor(self.output)[0, :, :, 0]
        return cv2.resize(mask, (width, height), interpolation=cv2.INTER_LINEAR)


class SegmentPersonModel(VisionModel):
    def load(self) -> None:
        super().load()
        self.segmenter = SelfieSegmentation()

    def compute(self, item: LoadedImage) -> dict[str, Any]:
        person = self.segmenter.probabilities(item.image) >= self.options["threshold"]
        rows, cols = np.nonzero(person)
        box = [int(cols.min()), int(rows.min()), int(cols.max()) + 1, int(rows.max()) + 1] if len(rows) else None
        return {"foreground_fraction": round(float(person.mean()), 4), "box": box,
                "mask_path": self.write_mask(item, person)}

    def write_mask(self, item: LoadedImage, person: np.ndarray) -> str | None:
        """With the mask option, ``<input stem>-<digest>-mask.png`` (white: person) in output_dir."""
        if not self.options["mask"]:
            return None
        content = b"" if item.source is not None else item.image.tobytes()
        path = derived_file(self.options["output_dir"] or os.getcwd(), item.source, "-mask.png", content)
        Image.fromarray(person.astype(np.uint8) * 255).save(path)
        return str(path)
