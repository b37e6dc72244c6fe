"""MediaPipe Face Mesh with irises (478 points per face) run with LiteRT, with MediaPipe's graph re-done.

MediaPipe's own 478 points (FaceMesh with refine_landmarks) come from face_landmark_with_attention.tflite,
which needs a custom operator (Landmarks2TransformMatrix) that LiteRT lacks. The hub takes MediaPipe's
other path to the same points, its iris-tracking graph: face_landmark.tflite (468 points, what FaceMesh
gives without refine_landmarks) and iris_landmark.tflite (5 points per iris). The .tflite files ship in
``data/``, copied unchanged from the ``mediapipe`` 0.10.21 wheel (Apache-2.0), for the reason given in
blazeface.py. The steps follow the graphs compiled into that wheel (face_landmark_front_cpu,
face_detection_front_detection_to_roi, face_landmark_cpu, iris_landmark_left_and_right_cpu,
iris_landmark_cpu) for one still image:

1. BlazeFace (short range, blazeface.py) finds the faces; the best ``max_faces`` go on.
2. Each face's region: a square on the box's centre, 1.5 times its longer side, turned so that the
   eyes (keypoints 0 and 1) lie level; face_landmark.tflite sees it as 192x192 in [0, 1] and gives 468
   points and a face flag (sigmoid), which must reach ``min_presence``.
3. Each eye's region: a square on the box of its two corners (mesh points 33-133 and 362-263), 2.3
   times its longer side, level with them, cropped the way ImageCroppingCalculator does it (integer
   centre and side, nearest neighbour), resized to 64x64, the second eye mirrored (the network knows
   one eye); iris_landmark.tflite gives the iris centre and four points on its edge.
4. Everything is projected back to image pixels; the irises take the mean depth of their eye's
   contour, as MediaPipe's attention model assigns it (LandmarksRefinementCalculator).

The order is MediaPipe's: points 0-467 the mesh, 468-472 the iris of the eye at points 33/133 (the
person's right eye), 473-477 the other. The tests compare the result with MediaPipe's.
"""

from __future__ import annotations

import math
import threading
from typing import Any

import cv2
import numpy as np
from PIL import Image

from .blazeface import SHORT_RANGE, BlazeFace, invoke, load_interpreter
from .connections import FACE_MESH
from .images import LoadedImage, VisionModel
from .pose import crop_rotated, project, sigmoid, turn

FACE_SIZE, IRIS_SIZE = 192, 64
#: face_detection_front_detection_to_roi.pbtxt and iris_landmark_landmarks_to_roi.pbtxt: region scales.
FACE_SCALE, EYE_SCALE = 1.5, 2.3
MESH_POINTS = 468
#: Per eye: its two corners in the mesh (the region's rotation runs from the first to the second),
#: whether its crop is mirrored, and its 16 contour points, whose mean depth its iris takes
#: (tensors_to_face_landmarks_with_attention.pbtxt).
EYES = (
    (33, 133, False, (33, 7, 163, 144, 145, 153, 154, 155, 133, 246, 161, 160, 159, 158, 157, 173)),
    (362, 263, True, (263, 249, 390, 373, 374, 380, 381, 382, 362, 466, 388, 387, 386, 385, 384, 398)),
)


def chains(edges: tuple[tuple[int, int], ...]) -> list[list[int]]:
    """The edges joined into paths of points, each edge used once; a closed loop ends on its first point."""
    left, paths = list(edges), []
    while left:
        path = list(left.pop(0))
        while path[0] != path[-1] and (edge := next((e for e in left if path[-1] in e or path[0] in e), None)):
            left.remove(edge)
            if path[-1] in edge:
                path.append(edge[1] if edge[0] == path[-1] else edge[0])
            else:
                path.insert(0, edge[1] if edge[0] == path[0] else edge[0])
        paths.append(path)
    return paths


#: The contours and irises as outlines, one colour each when drawn: closed loops as they are, open
#: chains (the eyebrows' edges) there and back (draw_annotations closes every outline).
OUTLINES = [path[:-1] if path[0] == path[-1] else path + path[-2:0:-1] for path in chains(FACE_MESH)]


def square_region(box_min: np.ndarray, box_max: np.ndarray, scale: float) -> tuple[tuple[float, float], float]:
    """RectTransformationCalculator with square_long: the centre and side (pixels) of the box's square."""
    centre = (box_min + box_max) / 2
    return (float(centre[0]), float(centre[1])), float(max(box_max - box_min)) * scale


def crop_nearest(pixels: np.ndarray, centre: tuple[float, float], side: float, rotation: float, size: int,
                 mirror: bool) -> np.ndarray:
    """ImageCroppingCalculator then ImageTransformationCalculator (FIT, optionally flipped) and
    TfLiteConverterCalculator: the region at its rounded centre and side, nearest neighbour, border
    replicated, resized to (size, size) (area when shrinking, else bilinear), in [0, 1]."""
    x, y, width = (math.floor(v + 0.5) for v in (*centre, side))  # std::round of positive values
    width = max(width, 1)
    corners = cv2.boxPoints(((x, y), (width, width), math.degrees(rotation))).astype(np.float32)
    target = np.array([[0, width - 1], [0, 0], [width - 1, 0], [width - 1, width - 1]], dtype=np.float32)
    crop = cv2.warpPerspective(pixels, cv2.getPerspectiveTransform(corners, target), (width, width),
                               flags=cv2.INTER_NEAREST, borderMode=cv2.BORDER_REPLICATE)
    crop = cv2.resize(crop, (size, size), interpolation=cv2.INTER_AREA if width > size else cv2.INTER_LINEAR)
    if mirror:
        crop = crop[:, ::-1]
    return crop.astype(np.float32) / 255


class FaceMesh:
    """The detector and the two landmark interpreters; ``estimate`` is serialised (an interpreter is
    not thread-safe)."""

    def __init__(self) -> None:
        self.detector = BlazeFace(SHORT_RANGE)
        self.mesh = load_interpreter("face_landmark.tflite")
        self.iris = load_interpreter("iris_landmark.tflite")
        self.lock = threading.Lock()

    def estimate(self, image: Image.Image, max_faces: int, min_detection: float, min_presence: float) -> list[dict]:
        """Per face found, best first: box and score of the detection, the face flag and 478 points."""
        pixels = np.asarray(image)
        faces = []
        with self.lock:
            for box, keypoints, score in self.detector.detections(image, min_detection)[:max_faces]:
                centre, side = square_region(box[:2], box[2:], FACE_SCALE)
                rotation = turn(keypoints[0], keypoints[1], 0.0)
                outputs = invoke(self.mesh, crop_rotated(pixels, centre, side, rotation, FACE_SIZE))
                presence = float(sigmoid(outputs["conv2d_31"]).reshape(-1)[0])
                if presence < min_presence:
                    continue
                raw = outputs["conv2d_21"].reshape(MESH_POINTS, 3) / FACE_SIZE
                mesh = np.column_stack([project(raw, centre, side, rotation), raw[:, 2] * side])
                landmarks = np.concatenate([mesh, *(self.iris_points(pixels, mesh, eye) for eye in EYES)])
                faces.append({
                    "box": [round(float(v), 1) for v in box],
                    "score": round(score, 4),
                    "presence": round(presence, 4),
                    "landmarks": np.round(landmarks, 1).tolist(),
                })
        return faces

    def iris_points(self, pixels: np.ndarray, mesh: np.ndarray, eye: tuple) -> np.ndarray:
        """The five (x, y, z) points of one iris, in image pixels."""
        first, second, mirror, contour = eye
        corners = mesh[[first, second], :2]
        centre, side = square_region(corners.min(0), corners.max(0), EYE_SCALE)
        rotation = turn(corners[0], corners[1], 0.0)
        raw = invoke(self.iris, crop_nearest(pixels, centre, side, rotation, IRIS_SIZE, mirror))["output_iris"]
        raw = raw.reshape(5, 3) / IRIS_SIZE
        if mirror:  # x back, and the edge points in FaceMesh's order: (centre,) right, top, left, bottom
            raw[:, 0] = 1 - raw[:, 0]
            raw = raw[[0, 3, 2, 1, 4]]
        depth = np.full(5, mesh[list(contour), 2].mean())
        return np.column_stack([project(raw, centre, side, rotation), depth])


class FaceLandmarksModel(VisionModel):
    def load(self) -> None:
        super().load()
        self.estimator = FaceMesh()

    def compute(self, item: LoadedImage) -> dict[str, Any]:
        faces = self.estimator.estimate(item.image, self.options["max_faces"], self.options["min_detection_score"],
                                        self.options["min_presence"])
        annotated = self.annotate(item, self.contours(faces)) if self.options["annotate_dir"] else None
        return {"faces": faces, "count": len(faces), "annotated_path": annotated}

    @staticmethod
    def contours(faces: list[dict]) -> list[tuple[list[list[float]], str]]:
        """The outlines of each face's lips, eyes, eyebrows, oval and irises, for draw_annotations."""
        return [([face["landmarks"][index][:2] for index in outline], "") for face in faces for outline in OUTLINES]
