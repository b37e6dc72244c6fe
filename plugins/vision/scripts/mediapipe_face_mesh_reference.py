"""Write MediaPipe's own face meshes for the vision/face-landmarks tests
(plugins/vision/tests/data/mediapipe_face_mesh.json).

Two runs of MediaPipe 0.10.21's FaceMesh (static_image_mode, max_num_faces=4, default confidences): with
refine_landmarks=False (face_landmark.tflite, the 468 points the hub computes with the same network) and with
refine_landmarks=True (face_landmark_with_attention.tflite, whose 10 iris points the hub's iris_landmark.tflite
path approximates). mediapipe cannot be installed next to the hub (see mediapipe_reference.py), so run this
in a separate environment:

    python3.11 -m venv /tmp/mpvenv && . /tmp/mpvenv/bin/activate
    pip install "protobuf>=4.25,<5" opencv-python-headless absl-py attrs flatbuffers matplotlib scikit-image
    pip install --no-deps mediapipe==0.10.21
    python plugins/vision/scripts/mediapipe_face_mesh_reference.py
"""

from __future__ import annotations

import json
from pathlib import Path

import mediapipe as mp
import numpy as np
from skimage import data

FIXTURE = Path(__file__).parents[1] / "tests" / "data" / "mediapipe_face_mesh.json"
FACE = data.astronaut()[30:250, 120:330]


def lfw_framed(index: int) -> np.ndarray:
    """scikit-image's lfw_subset face ``index``, upscaled 4x (bilinear) and centred in a 256x256 grey frame,
    as RGB (the vision/faces tests' framing)."""
    from PIL import Image

    patch = Image.fromarray((data.lfw_subset()[index] * 255).round().astype(np.uint8))
    canvas = Image.new("L", (256, 256), 128)
    canvas.paste(patch.resize((100, 100), Image.Resampling.BILINEAR), (78, 78))
    return np.stack([np.asarray(canvas)] * 3, axis=-1)


#: name -> RGB image; the tests rebuild the same images.
IMAGES = {
    "astronaut": data.astronaut(),
    "pair": np.concatenate([FACE, FACE[:, ::-1]], axis=1),
    **{f"lfw{index}": lfw_framed(index) for index in (0, 1, 2)},
}


def meshes(image: np.ndarray, refine: bool) -> list[np.ndarray]:
    """Each face's landmarks as (points, 3) x, y, z in pixels (z scaled by the image width, as x)."""
    height, width = image.shape[:2]
    with mp.solutions.face_mesh.FaceMesh(static_image_mode=True, max_num_faces=4, refine_landmarks=refine) as mesh:
        found = mesh.process(np.ascontiguousarray(image)).multi_face_landmarks or []
    return [np.array([(p.x * width, p.y * height, p.z * width) for p in face.landmark]) for face in found]


def main() -> None:
    reference = {
        "made_by": "plugins/vision/scripts/mediapipe_face_mesh_reference.py",
        "mediapipe": mp.__version__,
        "images": {},
    }
    for name, image in IMAGES.items():
        plain, refined = meshes(image, False), meshes(image, True)
        reference["images"][name] = {
            "mesh": [np.round(face, 1).tolist() for face in plain],
            "iris": [np.round(face[468:], 1).tolist() for face in refined],
        }
        for a, b in zip(plain, refined):
            gap = np.hypot(*(a[:, :2] - b[:468, :2]).T)
            print(f"{name}: attention vs plain model, 468 points: mean {gap.mean():.2f} px, max {gap.max():.2f} px")
    FIXTURE.parent.mkdir(exist_ok=True)
    FIXTURE.write_text(json.dumps(reference, separators=(",", ":")) + "\n")
    print(f"wrote {FIXTURE} ({FIXTURE.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
