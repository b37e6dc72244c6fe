"""Print MediaPipe's own face detections, pose landmarks and selfie segmentation for the images
the vision/faces and vision/pose tests and the examples use.

The tests compare the hub's re-implementations of MediaPipe's graphs against these numbers.
mediapipe 0.10.21 cannot be installed next to the hub (its metadata pins numpy<2 and protobuf<5),
so run this in a separate environment:

    python3.11 -m venv /tmp/mp && . /tmp/mp/bin/activate
    pip install "protobuf>=4.25,<5" opencv-python-headless absl-py attrs flatbuffers matplotlib scikit-image
    pip install --no-deps mediapipe==0.10.21
    python plugins/vision/scripts/mediapipe_reference.py
"""

from __future__ import annotations

import json
from pathlib import Path

import mediapipe as mp
import numpy as np
from PIL import Image
from skimage import data

#: The tests' images: name -> RGB array.
IMAGES = {
    "astronaut": data.astronaut(),
    "astronaut_face": data.astronaut()[30:250, 120:330],  # examples/astronaut_face.png
    "pair": np.concatenate([data.astronaut()[30:250, 120:330], data.astronaut()[30:250, 120:330][:, ::-1]], axis=1),
}
#: The pose and segmentation tests' images and the examples.
PERSON_IMAGES = {
    "astronaut": data.astronaut(),
    "camera": np.stack([data.camera()] * 3, axis=-1),
    **{path.name: np.asarray(Image.open(path).convert("RGB"))
       for path in (Path(__file__).parents[1] / "specialist_hub_vision" / "examples").glob("[ac]*.png")},
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
    with mp.solutions.pose.Pose(static_image_mode=True, model_complexity=1) as pose:
        for name, image in PERSON_IMAGES.items():
            height, width = image.shape[:2]
            found = pose.process(np.ascontiguousarray(image)).pose_landmarks
            reference[f"pose/{name}"] = found and [(round(p.x * width, 1), round(p.y * height, 1), round(p.visibility, 4))
                                                   for p in found.landmark]
    with mp.solutions.selfie_segmentation.SelfieSegmentation(model_selection=0) as segmenter:
        for name, image in PERSON_IMAGES.items():
            person = segmenter.process(np.ascontiguousarray(image)).segmentation_mask >= 0.5
            rows, cols = np.nonzero(person)
            box = [int(cols.min()), int(rows.min()), int(cols.max()) + 1, int(rows.max()) + 1] if len(rows) else None
            reference[f"segment-person/{name}"] = (round(float(person.mean()), 4), box)
    print(json.dumps(reference, indent=1))


if __name__ == "__main__":
    main()
