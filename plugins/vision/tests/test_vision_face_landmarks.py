"""vision/face-landmarks: MediaPipe's own face mesh, point for point, and its irises.

The reference (tests/data/mediapipe_face_mesh.json) is MediaPipe 0.10.21's FaceMesh (static_image_mode,
max_num_faces=4) run on the images below in a separate environment by
plugins/vision/scripts/mediapipe_face_mesh_reference.py: ``mesh`` with refine_landmarks=False (the network
the hub runs), ``iris`` the 10 iris points with refine_landmarks=True (another network, the attention model).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from skimage import data

import specialist_hub as hub
from specialist_hub.testing import assert_examples_pass

REFERENCE = json.loads((Path(__file__).parent / "data" / "mediapipe_face_mesh.json").read_text())
FACE = data.astronaut()[30:250, 120:330]


def lfw_framed(index: int) -> Image.Image:
    """scikit-image's lfw_subset face ``index``, upscaled 4x (bilinear), centred in a 256x256 grey frame."""
    patch = Image.fromarray((data.lfw_subset()[index] * 255).round().astype(np.uint8))
    canvas = Image.new("L", (256, 256), 128)
    canvas.paste(patch.resize((100, 100), Image.Resampling.BILINEAR), (78, 78))
    return canvas


IMAGES = {"astronaut": data.astronaut(), "pair": np.concatenate([FACE, FACE[:, ::-1]], axis=1),
          **{f"lfw{index}": lfw_framed(index) for index in (0, 1, 2)}}
#: Iris points against the attention model's: (mean, max) distance bound in pixels. Measured: astronaut
#: 0.50/0.92, pair 0.66/1.14 and 0.83/1.14, LFW 1.26-1.74/2.16-3.35 (25x25 faces upscaled: blurry eyes).
IRIS_BOUNDS = {"astronaut": (0.8, 1.3), "pair": (1.1, 1.6), "lfw": (2.2, 4.0)}


@pytest.fixture(scope="module")
def outputs():
    names = list(IMAGES)
    return dict(zip(names, (p.output for p in hub.predict("vision/face-landmarks", list(IMAGES.values())))))


def test_reference_says_how_it_was_made():
    assert REFERENCE["mediapipe"] == "0.10.21"
    assert Path(__file__).parents[1].joinpath(REFERENCE["made_by"].removeprefix("plugins/vision/")).exists()


@pytest.mark.parametrize("name", list(IMAGES))
def test_mesh_equals_mediapipe(outputs, name):
    faces, expected = outputs[name]["faces"], REFERENCE["images"][name]["mesh"]
    assert outputs[name]["count"] == len(faces) == len(expected) >= 1
    for face, mesh in zip(faces, expected):
        got, mesh = np.array(face["landmarks"]), np.array(mesh)
        assert got.shape == (478, 3)
        assert np.abs(got[:468, :2] - mesh[:, :2]).max() <= 0.15  # both rounded to 0.1 px
        assert np.abs(got[:468, 2] - mesh[:, 2]).max() <= 0.15


@pytest.mark.parametrize("name", list(IMAGES))
def test_irises_are_near_mediapipes_attention_model(outputs, name):
    mean_bound, max_bound = IRIS_BOUNDS[name.rstrip("012")]
    for face, iris in zip(outputs[name]["faces"], REFERENCE["images"][name]["iris"]):
        gap = np.hypot(*(np.array(face["landmarks"])[468:, :2] - np.array(iris)[:, :2]).T)
        assert gap.mean() <= mean_bound and gap.max() <= max_bound, gap.round(2)


def test_each_iris_sits_between_its_eye_corners(outputs):
    """Geometry MediaPipe's docs state: 468-472 the iris of the eye at 33/133, 473-477 of 362/263, each a
    centre with its four edge points around it."""
    points = np.array(outputs["astronaut"]["faces"][0]["landmarks"])[:, :2]
    for (a, b), centre in (((33, 133), 468), ((362, 263), 473)):
        low, high = np.minimum(points[a], points[b]), np.maximum(points[a], points[b])
        assert low[0] < points[centre][0] < high[0]
        edge = points[centre + 1:centre + 5]
        assert np.allclose(edge.mean(0), points[centre], atol=1.0)
        assert 2 < np.hypot(*(edge - points[centre]).T).mean() < 8  # the astronaut's irises: ~4 px radius


def test_boxes_and_scores_are_the_face_detectors(outputs):
    faces = hub.predict("vision/faces", IMAGES["pair"], min_score=0.5)[0].output["faces"]
    assert [(f["box"], f["score"]) for f in outputs["pair"]["faces"]] == [(f["box"], f["score"]) for f in faces]


def test_max_faces_keeps_the_best(outputs):
    best = hub.predict("vision/face-landmarks", IMAGES["pair"], max_faces=1)[0].output
    assert best["count"] == 1 and best["faces"][0] == outputs["pair"]["faces"][0]


@pytest.mark.parametrize("name", ["coffee", "brick"])
def test_no_faces_without_a_person(photos, name):
    output = hub.predict("vision/face-landmarks", photos[name])[0].output
    assert output == {"faces": [], "count": 0, "annotated_path": None}


def test_a_bad_file_fails_only_its_own_record(photos, tmp_path):
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"\x89PNG\r\n\x1a\nnot really")
    good, bad = hub.predict("vision/face-landmarks", [photos["astronaut"], str(broken)])
    assert good.ok and good.output["count"] == 1
    assert not bad.ok and bad.error["type"] == "InputError"


def test_annotated_copy_has_the_mesh_drawn(tmp_path, photos):
    output = hub.predict("vision/face-landmarks", photos["astronaut"], annotate_dir=str(tmp_path))[0].output
    annotated = np.asarray(Image.open(output["annotated_path"])).astype(int)
    original = data.astronaut().astype(int)
    x, y = (round(v) for v in output["faces"][0]["landmarks"][152][:2])  # the chin, on the face oval
    assert np.abs(annotated[y - 1:y + 2, x - 1:x + 2] - original[y - 1:y + 2, x - 1:x + 2]).sum() > 100
    assert np.array_equal(annotated[:60, 400:], original[:60, 400:])  # the flag's corner untouched


def test_examples_pass():
    assert_examples_pass("vision/face-landmarks")
