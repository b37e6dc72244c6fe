"""vision/faces: BlazeFace gives MediaPipe's own detections; both backends find faces in face photos
and none in objects; their LFW detection rates are the card's, measured side by side."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from skimage import data

import specialist_hub as hub
from specialist_hub.testing import assert_examples_pass
from specialist_hub_vision.blazeface import KEYPOINTS, ssd_anchors

FACE = data.astronaut()[30:250, 120:330]
IMAGES = {"astronaut": data.astronaut(), "astronaut_face": FACE, "pair": np.concatenate([FACE, FACE[:, ::-1]], axis=1)}
#: MediaPipe 0.10.21's FaceDetection (model_selection 0 and 1, min_detection_confidence 0.6) on IMAGES:
#: score, box [x0, y0, x1, y1] and the six keypoints in pixels (plugins/vision/scripts/mediapipe_reference.py).
MEDIAPIPE = {
    "blazeface/astronaut": [
        (0.9217, [177.6, 82.9, 272.9, 178.2],
         [[201.5, 104.9], [245.8, 109.1], [220.4, 127.3], [219.8, 148.6], [178.2, 115.7], [272.2, 123.9]])],
    "blazeface/astronaut_face": [
        (0.9322, [54.0, 44.1, 155.1, 145.1],
         [[84.6, 73.2], [126.3, 74.9], [105.1, 100.5], [104.3, 119.2], [61.3, 79.5], [147.7, 82.4]])],
    "blazeface/pair": [
        (0.9379, [57.0, 47.2, 156.9, 147.1],
         [[84.5, 73.5], [127.4, 77.3], [102.8, 99.3], [101.7, 119.1], [62.0, 79.8], [152.8, 87.7]]),
        (0.9271, [264.8, 47.7, 364.9, 147.8],
         [[297.4, 72.1], [339.8, 79.6], [317.6, 99.5], [314.0, 119.6], [269.0, 77.0], [359.6, 90.9]])],
    "blazeface-full/astronaut": [
        (0.9121, [173.7, 67.8, 277.6, 171.7],
         [[202.8, 103.5], [248.0, 105.9], [224.0, 132.3], [222.6, 148.5], [178.6, 107.5], [271.4, 112.3]])],
    "blazeface-full/astronaut_face": [
        (0.9165, [51.1, 37.9, 160.6, 147.4],
         [[84.4, 71.1], [127.9, 73.3], [105.9, 96.2], [105.2, 118.4], [60.8, 82.0], [149.8, 86.8]])],
    "blazeface-full/pair": [
        (0.9199, [261.2, 40.8, 368.3, 147.9],
         [[295.6, 75.2], [336.5, 74.3], [316.8, 98.3], [316.6, 118.8], [271.3, 88.6], [359.3, 86.4]]),
        (0.8866, [51.3, 37.7, 159.0, 145.3],
         [[82.8, 72.8], [128.0, 77.3], [104.5, 101.7], [102.3, 119.7], [56.4, 79.4], [149.9, 86.8]])],
}


@pytest.mark.parametrize("key", sorted(MEDIAPIPE))
def test_blazeface_equals_mediapipe(key):
    backend, image = key.split("/")
    faces = hub.predict("vision/faces", IMAGES[image], backend=backend)[0].output["faces"]
    assert len(faces) == len(MEDIAPIPE[key])
    for face, (score, box, keypoints) in zip(faces, MEDIAPIPE[key]):
        assert face["score"] == pytest.approx(score, abs=2e-4)
        assert face["box"] == pytest.approx(box, abs=0.15)
        assert list(face["keypoints"]) == list(KEYPOINTS)
        assert np.ravel(list(face["keypoints"].values())) == pytest.approx(np.ravel(keypoints), abs=0.15)


def test_anchor_counts_are_mediapipes():
    # face_detection_{short,full}_range.pbtxt: num_boxes 896 and 2304.
    assert len(ssd_anchors(128, (8, 16, 16, 16), 1.0)) == 896
    assert len(ssd_anchors(192, (4,), 0.0)) == 2304


@pytest.mark.parametrize("backend", ["blazeface", "haar"])
def test_finds_the_astronauts_face(photos, backend):
    (prediction,) = hub.predict("vision/faces", [photos["astronaut"]], backend=backend)
    output = prediction.output
    assert output["count"] == 1
    x0, y0, x1, y1 = output["faces"][0]["box"]
    # Eileen Collins' face in skimage.data.astronaut() spans about x 175-270, y 65-175.
    assert 160 <= x0 <= 190 and 255 <= x1 <= 285 and 50 <= y0 <= 90 and 150 <= y1 <= 185
    assert output["faces"][0]["score"] > 0


@pytest.mark.parametrize("backend", ["blazeface", "blazeface-full", "haar"])
@pytest.mark.parametrize("name", ["coffee", "chelsea", "rocket", "brick"])
def test_no_faces_on_objects_animals_or_texture(photos, name, backend):
    output = hub.predict("vision/faces", photos[name], backend=backend)[0].output
    assert output == {"faces": [], "count": 0, "annotated_path": None}


def lfw(frame: int | None) -> list[Image.Image]:
    """scikit-image's lfw_subset (100 faces, then 100 non-faces), 25x25 upscaled 4x to 100x100,
    centred in a grey square of side ``frame`` (None: the patch alone, the face filling it)."""
    patches = [Image.fromarray((image * 255).round().astype(np.uint8)).resize((100, 100), Image.Resampling.BILINEAR)
               for image in data.lfw_subset()]
    if frame is None:
        return patches
    framed = []
    for patch in patches:
        canvas = Image.new("L", (frame, frame), 128)
        canvas.paste(patch, ((frame - 100) // 2, (frame - 100) // 2))
        framed.append(canvas)
    return framed


def test_lfw_subset_detection_rates_side_by_side():
    """The card's figures, in one run: (faces found /100, non-faces flagged /100) per backend.

    A little slack lets other OpenCV 4.x and LiteRT builds pass; a real regression falls outside it.
    """
    def rates(images, backend):
        found = np.array([p.output["count"] > 0 for p in hub.predict("vision/faces", images, backend=backend)])
        return found[:100].sum(), found[100:].sum()

    framed, filled = lfw(256), lfw(None)
    blazeface, haar, full = rates(framed, "blazeface"), rates(framed, "haar"), rates(framed, "blazeface-full")
    assert blazeface[0] >= 98 and blazeface[1] <= 1  # issue 19's bar: >= 95 and <= 2
    assert 82 <= haar[0] <= 88 and haar[1] <= 1
    assert 74 <= full[0] <= 82 and full[1] <= 1
    # A face filling the whole image is harder for BlazeFace than for Haar.
    filled_blazeface, filled_haar = rates(filled, "blazeface"), rates(filled, "haar")
    assert 77 <= filled_blazeface[0] <= 85 and filled_blazeface[1] <= 1
    assert 84 <= filled_haar[0] <= 90 and filled_haar[1] <= 1


THRESHOLDS = (0.5, 0.55, 0.6, 0.65, 0.7)


def test_default_min_score_is_the_one_with_fewest_errors_on_lfw_subset():
    """The default threshold is chosen on lfw_subset's labels (faces first, then non-faces): the one of
    THRESHOLDS with the fewest missed faces plus flagged non-faces over three framings, and the card
    gives the trade-off it was chosen on. An image is flagged at a threshold when its best merged
    detection reaches it (min_score applies after merging), so one run at min_score=0 gives every row."""
    def best_scores(images):
        return np.array([max((f["score"] for f in p.output["faces"]), default=0.0)
                         for p in hub.predict("vision/faces", images, min_score=0.0)])

    scores = {frame: best_scores(lfw(frame)) for frame in (192, 256, 400)}
    found = {(frame, t): (int((s[:100] >= t).sum()), int((s[100:] >= t).sum())) for frame, s in scores.items()
             for t in THRESHOLDS}
    errors = {t: sum(100 - found[frame, t][0] + found[frame, t][1] for frame in scores) for t in THRESHOLDS}
    spec = hub.get_spec("vision/faces")
    default = next(option.default for option in spec.options if option.name == "min_score")
    assert min(errors, key=errors.get) == default == 0.6
    assert found[256, 0.5][1] >= 4 and found[256, 0.6] >= (99, 0)  # MediaPipe's 0.5 flags non-faces, 0.6 does not
    faces_at_default = np.array([p.output["count"] > 0 for p in hub.predict("vision/faces", lfw(256))])
    assert (faces_at_default.sum() - faces_at_default[:100].sum(), faces_at_default[:100].sum()) == \
        (found[256, 0.6][1], found[256, 0.6][0])
    # the card's rows, within one image (other LiteRT builds may move a score across a threshold)
    trade_off = re.search(r"256x256 frame\): (.*?); errors over 192/256/400 frames (.*?),? so the default is 0\.6",
                          spec.card["metrics"])
    assert trade_off, "the card states the threshold trade-off"
    rows = [(float(t), int(a), int(b)) for t, a, b in re.findall(r"(0\.\d+): (\d+)/(\d+)", trade_off[1])]
    assert [t for t, _, _ in rows] == list(THRESHOLDS)
    for t, faces, non_faces in rows:
        assert abs(faces - found[256, t][0]) <= 1 and abs(non_faces - found[256, t][1]) <= 1, t
    stated = {float(t): int(n) for t, n in re.findall(r"(0\.\d+): (\d+)", trade_off[2])}
    assert stated.keys() == errors.keys() and all(abs(stated[t] - errors[t]) <= 2 for t in THRESHOLDS)


def test_faces_are_best_first_and_options_change_sensitivity():
    pair = IMAGES["pair"]
    for backend in ("blazeface", "haar"):
        found = hub.predict("vision/faces", pair, backend=backend)[0].output
        assert found["count"] == 2
        assert found["faces"][0]["score"] >= found["faces"][1]["score"]
    assert hub.predict("vision/faces", pair, min_score=0.93)[0].output["count"] == 1  # scores 0.938 and 0.927
    assert hub.predict("vision/faces", pair, backend="haar", min_size=200)[0].output["count"] == 0


def test_annotated_copy_has_the_box_drawn(tmp_path, photos):
    output = hub.predict("vision/faces", photos["astronaut"], annotate_dir=str(tmp_path))[0].output
    annotated = np.asarray(Image.open(output["annotated_path"]))
    original = data.astronaut()
    x0, _y0, x1, y1 = (round(v) for v in output["faces"][0]["box"])
    assert not np.array_equal(annotated[y1, x0:x1], original[y1, x0:x1])  # the bottom edge is drawn
    assert np.array_equal(annotated[300:, 300:], original[300:, 300:])  # elsewhere untouched


def test_examples_pass():
    assert_examples_pass("vision/faces")


def test_two_models_annotating_one_input_write_one_file_each(tmp_path, photos):
    """hub predict -m vision/faces,vision/ocr --annotate DIR: each model's rows point to its own drawing."""
    from click.testing import CliRunner

    from specialist_hub.cli import main

    photo, original = photos["astronaut"], data.astronaut()
    result = CliRunner().invoke(main, ["predict", "-q", "-m", "vision/faces,vision/codes", photo,
                                       "--annotate", str(tmp_path / "drawn"), "-f", "jsonl"])
    assert result.exit_code == 0, result.output
    paths = {row["model"]: row["output"]["annotated_path"] for row in map(json.loads, result.stdout.splitlines())}
    assert len(set(paths.values())) == 2 and sorted(p.name for p in (tmp_path / "drawn").iterdir()) == sorted(
        Path(path).name for path in paths.values())
    faces = np.asarray(Image.open(paths["vision/faces"]))
    x0, _, x1, y1 = (round(v) for v in hub.predict("vision/faces", photo)[0].output["faces"][0]["box"])
    assert not np.array_equal(faces[y1, x0:x1], original[y1, x0:x1])  # the faces drawing has its box
    assert np.array_equal(np.asarray(Image.open(paths["vision/codes"]).convert("RGB")), original)  # no codes
