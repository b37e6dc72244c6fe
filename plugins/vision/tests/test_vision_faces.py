"""vision/faces finds faces in face photos and none in objects; its LFW detection rate is the card's."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image
from skimage import data

import specialist_hub as hub
from specialist_hub.testing import assert_examples_pass


def test_finds_the_astronauts_face(photos):
    (prediction,) = hub.predict("vision/faces", [photos["astronaut"]])
    output = prediction.output
    assert output["count"] == 1
    x0, y0, x1, y1 = output["faces"][0]["box"]
    # Eileen Collins' face in skimage.data.astronaut() spans about x 175-270, y 65-165.
    assert 160 <= x0 <= 190 and 255 <= x1 <= 285 and 50 <= y0 <= 80 and 150 <= y1 <= 180
    assert output["faces"][0]["score"] > 0


@pytest.mark.parametrize("name", ["coffee", "chelsea", "rocket", "brick"])
def test_no_faces_on_objects_animals_or_texture(photos, name):
    assert hub.predict("vision/faces", photos[name])[0].output == {"faces": [], "count": 0, "annotated_path": None}


def test_lfw_subset_detection_rate():
    """The card's rate: 87/100 faces, 0/100 non-faces (25x25 upscaled to 100x100) with OpenCV 4.14.

    A little slack lets other OpenCV 4.x builds pass; a real regression falls outside it.
    """
    images = data.lfw_subset()
    upscaled = [Image.fromarray((image * 255).round().astype(np.uint8)).resize((100, 100), Image.Resampling.BILINEAR)
                for image in images]
    found = np.array([p.output["count"] > 0 for p in hub.predict("vision/faces", upscaled)])
    assert 84 <= found[:100].sum() <= 90
    assert found[100:].sum() <= 1


def test_faces_are_best_first_and_options_change_sensitivity():
    # Two astronaut faces side by side; asking for at least 200 px faces finds neither.
    face = data.astronaut()[30:250, 120:330]
    pair = np.concatenate([face, face[:, ::-1]], axis=1)
    found = hub.predict("vision/faces", pair)[0].output
    assert found["count"] == 2
    assert found["faces"][0]["score"] >= found["faces"][1]["score"]
    assert hub.predict("vision/faces", pair, min_size=200)[0].output["count"] == 0


def test_annotated_copy_has_the_box_drawn(tmp_path, photos):
    output = hub.predict("vision/faces", photos["astronaut"], annotate_dir=str(tmp_path))[0].output
    annotated = np.asarray(Image.open(output["annotated_path"]))
    original = data.astronaut()
    x0, y0, x1, y1 = output["faces"][0]["box"]
    assert not np.array_equal(annotated[y1, x0:x1], original[y1, x0:x1])  # the bottom edge is drawn
    assert np.array_equal(annotated[300:, 300:], original[300:, 300:])  # elsewhere untouched


def test_examples_pass():
    assert_examples_pass("vision/faces")
