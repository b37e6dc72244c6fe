"""MediaPipe Pose (BlazePose, model complexity 1) run with LiteRT, with MediaPipe's graph re-done.

Both .tflite files ship in ``data/``, copied unchanged from the ``mediapipe`` 0.10.21 wheel
(Apache-2.0), for the reason given in blazeface.py. The steps follow MediaPipe's graph files
(mediapipe/modules/pose_detection/pose_detection_cpu.pbtxt, pose_landmark/*.pbtxt) for one still
image (``static_image_mode``): the person detector on the letterboxed image (224x224, SSD anchors,
weighted non-maximum suppression); from its best detection a rotated square region (centre at the
mid-hip keypoint, side twice the distance to the second keypoint, turned so that the body is
upright, scaled 1.25); the landmark network on that region (256x256, [0, 1]); 39 landmarks
decoded, refined from the heatmap (see HEATMAP_KERNEL), and turned and scaled back to image pixels. The tests compare
the result with MediaPipe's.
"""

from __future__ import annotations

import math
import threading
from typing import Any

import cv2
import numpy as np
from PIL import Image

from .blazeface import invoke, letterbox, load_interpreter, ssd_anchors, weighted_nms
from .connections import POSE as CONNECTIONS
from .images import LoadedImage, VisionModel

LANDMARKS = (
    "nose", "left_eye_inner", "left_eye", "left_eye_outer", "right_eye_inner", "right_eye", "right_eye_outer",
    "left_ear", "right_ear", "mouth_left", "mouth_right", "left_shoulder", "right_shoulder", "left_elbow",
    "right_elbow", "left_wrist", "right_wrist", "left_pinky", "right_pinky", "left_index", "right_index",
    "left_thumb", "right_thumb", "left_hip", "right_hip", "left_knee", "right_knee", "left_ankle", "right_ankle",
    "left_heel", "right_heel", "left_foot_index", "right_foot_index",
)
DETECTOR_SIZE, LANDMARK_SIZE = 224, 256
#: The heatmap window. The graph file asks for 7, but MediaPipe 0.10.21 refines with its options'
#: default, 9: that reproduces its landmarks within 0.4 px, 7 leaves errors of up to 24 px (tests).
HEATMAP_KERNEL = 9
#: pose_detection_to_roi.pbtxt: the region is the detection's circle scaled by this.
ROI_SCALE = 1.25
#: tensors_to_pose_landmarks_and_segmentation.pbtxt: the pose flag needed to report a pose, and the
#: heatmap confidence needed to move a landmark (RefineLandmarksFromHeatmapCalculator's default).
PRESENCE_THRESHOLD = REFINE_CONFIDENCE = 0.5


def sigmoid(values: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-np.clip(values.astype(np.float64), -100, 100)))


def crop_rotated(pixels: np.ndarray, centre: tuple[float, float], side: float, rotation: float, size: int) -> np.ndarray:
    """The square region (pixels, ``rotation`` radians clockwise) as a (size, size, 3) tensor in [0, 1],
    the way MediaPipe's OpenCV ImageToTensor does it (perspective warp of the rectangle's corners,
    bilinear, border replicated)."""
    corners = cv2.boxPoints((centre, (side, side), math.degrees(rotation))).astype(np.float32)
    target = np.array([[0, size], [0, 0], [size, 0], [size, size]], dtype=np.float32)
    matrix = cv2.getPerspectiveTransform(corners, target)
    crop = cv2.warpPerspective(pixels, matrix, (size, size), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    return crop.astype(np.float32) / 255


def turn(start: np.ndarray, end: np.ndarray, target: float) -> float:
    """DetectionsToRectsCalculator's rotation: the radians (clockwise, in [-pi, pi)) that bring the
    image vector start -> end to ``target`` radians (counter-clockwise from the x axis)."""
    rotation = target - math.atan2(-(end[1] - start[1]), end[0] - start[0])
    return rotation - 2 * math.pi * math.floor((rotation + math.pi) / (2 * math.pi))


def project(points: np.ndarray, centre: tuple[float, float], side: float, rotation: float) -> np.ndarray:
    """LandmarkProjectionCalculator: points normalised to a square region (side pixels, centred on
    ``centre``, turned ``rotation`` radians clockwise) as (x, y) image pixels."""
    cos, sin = math.cos(rotation), math.sin(rotation)
    local = points[:, :2] - 0.5
    return np.stack([(cos * local[:, 0] - sin * local[:, 1]) * side + centre[0],
                     (sin * local[:, 0] + cos * local[:, 1]) * side + centre[1]], axis=1)


def refine_from_heatmap(points: np.ndarray, heatmap: np.ndarray) -> np.ndarray:
    """RefineLandmarksFromHeatmapCalculator: each normalised (x, y) becomes the sigmoid-weighted centroid
    of the heatmap in a 9x9 window around it, where the window's best confidence reaches 0.5."""
    height, width, _ = heatmap.shape
    offset = (HEATMAP_KERNEL - 1) // 2
    refined = points.copy()
    for index, (x, y) in enumerate(points):
        col, row = int(x * width), int(y * height)  # truncation toward zero, as the C++ int cast
        if col < 0 or col >= width or row < 0:
            continue
        rows = slice(max(0, row - offset), min(height, row + offset + 1))
        cols = slice(max(0, col - offset), min(width, col + offset + 1))
        confidence = sigmoid(heatmap[rows, cols, index])
        total = confidence.sum()
        if total > 0 and confidence.max() >= REFINE_CONFIDENCE:
            grid_rows, grid_cols = np.mgrid[rows, cols]
            refined[index] = ((grid_cols * confidence).sum() / width / total,
                              (grid_rows * confidence).sum() / height / total)
    return refined


class BlazePose:
    """The detector and landmark interpreters; ``estimate`` is serialised (an interpreter is not thread-safe)."""

    def __init__(self) -> None:
        self.anchors = ssd_anchors(DETECTOR_SIZE, (8, 16, 32, 32, 32), 1.0)
        self.detector = load_interpreter("pose_detection.tflite")
        self.landmarker = load_interpreter("pose_landmark_full.tflite")
        self.lock = threading.Lock()

    def detect(self, image: Image.Image, min_score: float) -> tuple[np.ndarray, float] | None:
        """The best person's four keypoints (mid-hip, its circle point, mid-shoulder, its circle point)
        in image pixels and the detection score, or None."""
        tensor, side, left, top = letterbox(image, DETECTOR_SIZE)
        outputs = invoke(self.detector, tensor)
        raw, scores = outputs["Identity"] / DETECTOR_SIZE, sigmoid(outputs["Identity_1"][:, 0])
        keep = scores >= min_score
        if not keep.any():
            return None
        raw, scores, anchors = raw[keep], scores[keep], self.anchors[keep]
        centres, sizes = raw[:, :2] + anchors, raw[:, 2:4]
        boxes = np.concatenate([centres - sizes / 2, centres + sizes / 2], axis=1)
        keypoints = raw[:, 4:12].reshape(-1, 4, 2) + anchors[:, None, :]
        _box, points, score = weighted_nms(boxes, keypoints, scores)[0]
        return points * side + np.array([left, top]), score

    def estimate(self, image: Image.Image, min_detection: float, min_presence: float) -> dict | None:
        """One person's 33 landmarks, or None when no person is found."""
        with self.lock:
            found = self.detect(image, min_detection)
            if found is None:
                return None
            (hip, circle, *_), detection_score = found
            # AlignmentPointsRectsCalculator + RectTransformationCalculator (square_long, scale 1.25).
            side = 2 * math.hypot(*(circle - hip)) * ROI_SCALE
            rotation = turn(hip, circle, math.pi / 2)
            crop = crop_rotated(np.asarray(image), (float(hip[0]), float(hip[1])), side, rotation, LANDMARK_SIZE)
            outputs = invoke(self.landmarker, crop)
        presence = float(sigmoid(outputs["Identity_1"][0]))
        if presence < min_presence:
            return None
        values = outputs["Identity"].reshape(39, 5)
        points = refine_from_heatmap(values[:, :2] / LANDMARK_SIZE, outputs["Identity_3"])[:33]
        x, y = project(points, (hip[0], hip[1]), side, rotation).T
        z = values[:33, 2] / LANDMARK_SIZE * side
        visibility = sigmoid(values[:33, 3])
        return {
            "score": round(detection_score, 4),
            "presence": round(presence, 4),
            "landmarks": {name: {"x": round(float(x[i]), 1), "y": round(float(y[i]), 1), "z": round(float(z[i]), 1),
                                 "visibility": round(float(visibility[i]), 4)} for i, name in enumerate(LANDMARKS)},
        }


class PoseModel(VisionModel):
    def load(self) -> None:
        super().load()
        self.estimator = BlazePose()

    def compute(self, item: LoadedImage) -> dict[str, Any]:
        pose = self.estimator.estimate(item.image, self.options["min_detection_score"], self.options["min_presence"])
        poses = [] if pose is None else [pose]
        return {"poses": poses, "count": len(poses), "annotated_path": self.annotate(item, self.skeleton(poses))}

    def skeleton(self, poses: list[dict]) -> list[tuple[list[list[float]], str]]:
        """The bones between landmarks visible enough, each as the closed path a -> b -> a
        (draw_annotations outlines polygons)."""
        bones = []
        for pose in poses:
            landmarks = list(pose["landmarks"].values())
            points = [[landmark["x"], landmark["y"]] for landmark in landmarks]
            visible = [landmark["visibility"] >= self.options["min_visibility"] for landmark in landmarks]
            bones += [([points[a], points[b], points[a]], "") for a, b in CONNECTIONS if visible[a] and visible[b]]
        return bones
