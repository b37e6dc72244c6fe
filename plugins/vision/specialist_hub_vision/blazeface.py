"""BlazeFace (MediaPipe's face detector) run with LiteRT, with MediaPipe's pre- and post-processing.

The two .tflite files ship in this package (``data/``), copied unchanged from the ``mediapipe``
0.10.21 wheel (Apache-2.0): mediapipe itself cannot be a dependency (its metadata pins numpy<2
and protobuf<5). What MediaPipe's graph does around the network is re-done here, step by step,
from its graph files (mediapipe/modules/face_detection/*.pbtxt): letterbox to a square tensor in
[-1, 1], SSD anchors, box and keypoint decoding, sigmoid scores, weighted non-maximum
suppression, and projection back to image pixels. The tests compare the result with MediaPipe's.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

DATA = Path(__file__).parent / "data"
#: MediaPipe's FaceKeyPoint order; "right" and "left" are the person's, not the viewer's.
KEYPOINTS = ("right_eye", "left_eye", "nose_tip", "mouth_center", "right_ear_tragion", "left_ear_tragion")


def load_interpreter(file: str):
    """A LiteRT interpreter for one of the .tflite files in ``data/``, tensors allocated, one thread
    (the models are small; callers serialise their use with a lock)."""
    from ai_edge_litert.interpreter import Interpreter

    interpreter = Interpreter(model_path=str(DATA / file), num_threads=1)
    interpreter.allocate_tensors()
    return interpreter


def invoke(interpreter, tensor: np.ndarray) -> dict[str, np.ndarray]:
    """Run ``interpreter`` on one input (without its batch axis): each output by name, batch axis dropped."""
    interpreter.set_tensor(interpreter.get_input_details()[0]["index"], tensor[None])
    interpreter.invoke()
    return {d["name"]: interpreter.get_tensor(d["index"])[0] for d in interpreter.get_output_details()}


@dataclass(frozen=True)
class BlazeFaceVariant:
    """One model and the options MediaPipe's graph gives it (face_detection_*_range.pbtxt)."""

    file: str
    size: int
    strides: tuple[int, ...]
    interpolated_scale_aspect_ratio: float
    #: The score a detection needs to enter non-maximum suppression (MediaPipe's graph constant;
    #: its min_detection_confidence then filters the merged faces).
    candidate_score: float


SHORT_RANGE = BlazeFaceVariant("face_detection_short_range.tflite", 128, (8, 16, 16, 16), 1.0, 0.5)
FULL_RANGE = BlazeFaceVariant("face_detection_full_range_sparse.tflite", 192, (4,), 0.0, 0.6)


def ssd_anchors(size: int, strides: tuple[int, ...], interpolated_scale_aspect_ratio: float) -> np.ndarray:
    """Anchor centres (x, y), normalised, in the network's output order (MediaPipe's
    SsdAnchorsCalculator with aspect_ratios [1.0], anchor offset 0.5 and fixed anchor size).

    Consecutive layers with the same stride share one grid, each adding its anchors per cell.
    """
    per_cell = 1 + (interpolated_scale_aspect_ratio > 0)
    anchors = []
    layer = 0
    while layer < len(strides):
        stride, count = strides[layer], 0
        while layer < len(strides) and strides[layer] == stride:
            count, layer = count + per_cell, layer + 1
        cells = math.ceil(size / stride)
        for y in range(cells):
            for x in range(cells):
                anchors += [((x + 0.5) / cells, (y + 0.5) / cells)] * count
    return np.array(anchors, dtype=np.float32)


def letterbox(image: Image.Image, size: int) -> tuple[np.ndarray, float, float, float]:
    """The image as a (size, size, 3) float tensor in [-1, 1], centred on a black square (keep
    aspect ratio, zero border, bilinear), and the square's side and left/top in image pixels."""
    width, height = image.size
    side = max(width, height)
    left, top = (width - side) / 2, (height - side) / 2
    scale = size / side
    matrix = np.array([[scale, 0, -left * scale], [0, scale, -top * scale]], dtype=np.float64)
    pixels = cv2.warpAffine(np.asarray(image), matrix, (size, size), flags=cv2.INTER_LINEAR,
                            borderMode=cv2.BORDER_CONSTANT, borderValue=0)
    return pixels.astype(np.float32) * (2 / 255) - 1, side, left, top


def weighted_nms(boxes: np.ndarray, keypoints: np.ndarray, scores: np.ndarray,
                 threshold: float = 0.3) -> list[tuple[np.ndarray, np.ndarray, float]]:
    """MediaPipe's WEIGHTED non-maximum suppression: each kept face averages the boxes and keypoints
    of every detection overlapping it by IoU > ``threshold``, weighted by score; it keeps the best score."""
    order = list(np.argsort(-scores, kind="stable"))
    kept = []
    while order:
        best = order[0]
        overlap = iou(boxes[best], boxes[order])
        overlap[0] = 1.0  # the best always joins its own group, even as a degenerate box
        group = [index for index, o in zip(order, overlap) if o > threshold]
        weights = scores[group][:, None]
        kept.append(((boxes[group] * weights).sum(0) / weights.sum(),
                     (keypoints[group] * weights[:, :, None]).sum(0) / weights.sum(), float(scores[best])))
        order = [index for index, o in zip(order, overlap) if o <= threshold]
    return kept


def iou(box: np.ndarray, others: np.ndarray) -> np.ndarray:
    """Intersection over union of one [x0, y0, x1, y1] box with each of ``others``."""
    x0, y0 = np.maximum(box[0], others[:, 0]), np.maximum(box[1], others[:, 1])
    x1, y1 = np.minimum(box[2], others[:, 2]), np.minimum(box[3], others[:, 3])
    inter = np.clip(x1 - x0, 0, None) * np.clip(y1 - y0, 0, None)
    union = (box[2] - box[0]) * (box[3] - box[1]) + (others[:, 2] - others[:, 0]) * (others[:, 3] - others[:, 1]) - inter
    return np.where(union > 0, inter / np.maximum(union, 1e-12), 0.0)


class BlazeFace:
    """One LiteRT interpreter per detector; ``detect`` is serialised (an interpreter is not thread-safe)."""

    def __init__(self, variant: BlazeFaceVariant):
        self.variant = variant
        self.anchors = ssd_anchors(variant.size, variant.strides, variant.interpolated_scale_aspect_ratio)
        self.interpreter = load_interpreter(variant.file)
        self.input = self.interpreter.get_input_details()[0]["index"]
        outputs = sorted(self.interpreter.get_output_details(), key=lambda d: d["shape"][-1])
        self.scores_output, self.regressors_output = (d["index"] for d in outputs)  # 1 and 16 values per anchor
        self.lock = threading.Lock()

    def detect(self, image: Image.Image, min_score: float) -> list[dict]:
        """Faces, best first: box [x0, y0, x1, y1] and keypoints {name: [x, y]} in image pixels, score 0-1."""
        return [{
            "box": [round(float(v), 1) for v in box],
            "score": round(score, 4),
            "keypoints": {name: [round(float(x), 1), round(float(y), 1)] for name, (x, y) in zip(KEYPOINTS, points)},
        } for box, points, score in self.detections(image, min_score)]

    def detections(self, image: Image.Image, min_score: float) -> list[tuple[np.ndarray, np.ndarray, float]]:
        """Faces, best first, unrounded (for models that crop from them): box [x0, y0, x1, y1] and the six
        keypoints (6, 2) in image pixels, and the score."""
        tensor, side, left, top = letterbox(image, self.variant.size)
        with self.lock:
            self.interpreter.set_tensor(self.input, tensor[None])
            self.interpreter.invoke()
            raw = self.interpreter.get_tensor(self.regressors_output)[0]
            logits = self.interpreter.get_tensor(self.scores_output)[0, :, 0]
        scores = 1 / (1 + np.exp(-np.clip(logits.astype(np.float64), -100, 100)))
        keep = scores >= min(min_score, self.variant.candidate_score)
        if not keep.any():
            return []
        raw, scores, anchors = raw[keep] / self.variant.size, scores[keep], self.anchors[keep]
        centres, sizes = raw[:, :2] + anchors, raw[:, 2:4]
        boxes = np.concatenate([centres - sizes / 2, centres + sizes / 2], axis=1)
        keypoints = raw[:, 4:16].reshape(-1, 6, 2) + anchors[:, None, :]
        offset = np.array([left, top])
        return [((box.reshape(2, 2) * side + offset).reshape(-1), points * side + offset, score)
                for box, points, score in weighted_nms(boxes, keypoints, scores) if score >= min_score]
