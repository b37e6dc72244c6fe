"""Print MediaPipe's own BlazeFace detections for the images the vision/faces tests use.

The tests compare the hub's re-implementation of MediaPipe's face-detection graph against these
numbers. mediapipe 0.10.21 cannot be installed next to the hub (its metadata pins numpy<2 and
protobuf<5), so run this in a separate environment:

    python3.11 -m venv /tmp/mp && . /tmp/mp/bin/activate
    pip install "protobuf>=4.25,<5" opencv-python-headless absl-py attrs flatbuffers matplotlib scikit-image
    pip install --no-deps mediapipe==0.10.21
    python plugins/vision/scripts/mediapipe_reference.py
"""

from __future__ import annotations

import json

import mediapipe as mp
import numpy as np
from skimage import data

#: The tests' images: name -> RGB array.
IMAGES = {
    "astronaut": data.astronaut(),
    "astronaut_face": data.astronaut()[30:250, 120:330],  # examples/astronaut_face.png
    "pair": np.concatenate([data.astronaut()[30:250, 120:330], data.astronaut()[30:250, 120:330][:, ::-1]], axis=1),
}
#: model_selection -> the hub's backend name; both at min_detection_confidence 0.6 (the hub's default).
MODELS = {0: "blazeface", 1: "blazeface-full"}


def main() -> None:
    reference = {}
    for selection, backend in MODELS.items():
        with mp.solutions.face_detection.FaceDetection(model_selection=selection, min_detection_confidence=0.6) as detector:
            for name, image in IMAGES.items():
                height, width = image.shape[:2]
                faces = []
                for detection in detector.process(np.ascontiguousarray(image)).detections or []:
                    box = detection.location_data.relative_bounding_box
                    faces.append({
                        "score": round(detection.score[0], 4),
                        "box": [round(v, 1) for v in (box.xmin * width, box.ymin * height, (box.xmin + box.width) * width,
                                                      (box.ymin + box.height) * height)],
                        "keypoints": [[round(k.x * width, 1), round(k.y * height, 1)]
                                      for k in detection.location_data.relative_keypoints],
                    })
                reference[f"{backend}/{name}"] = faces
    print(json.dumps(reference, indent=1))


if __name__ == "__main__":
    main()
