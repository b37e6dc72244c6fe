"""vision/pose and vision/segment-person: MediaPipe's own landmarks and masks, and the issue's
check that the pose lies where vision/faces and vision/segment-person put the person."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image
from skimage import data

import specialist_hub as hub
from specialist_hub.testing import assert_examples_pass
from specialist_hub_vision.pose import LANDMARKS

IMAGES = {"astronaut": data.astronaut(), "camera": np.stack([data.camera()] * 3, axis=-1)}
#: MediaPipe 0.10.21's Pose (static_image_mode, model_complexity=1) on IMAGES: x, y (pixels) and
#: visibility of the 33 landmarks (plugins/vision/scripts/mediapipe_reference.py).
MEDIAPIPE_POSE = {
    "astronaut": [
        (222.7, 128.0, 0.9993), (240.9, 111.3, 0.9987), (248.9, 112.5, 0.9988), (256.4, 113.7, 0.9983),
        (214.5, 105.7, 0.9990), (204.9, 103.3, 0.9992), (196.6, 101.5, 0.9991), (268.0, 122.8, 0.9983),
        (190.4, 107.4, 0.9994), (233.8, 153.9, 0.9992), (205.8, 147.7, 0.9996), (306.2, 256.6, 0.9977),
        (112.7, 239.9, 0.9983), (322.6, 374.9, 0.3270), (64.6, 413.6, 0.7633), (326.4, 461.4, 0.1258),
        (135.2, 477.3, 0.3199), (331.4, 496.0, 0.1391), (158.5, 523.8, 0.2719), (325.3, 485.2, 0.1859),
        (173.4, 503.6, 0.3322), (317.9, 471.2, 0.1947), (170.3, 487.4, 0.3371), (241.9, 501.7, 0.2203),
        (128.3, 531.4, 0.2649), (245.1, 738.6, 0.0559), (129.8, 741.5, 0.0195), (237.1, 918.5, 0.0079),
        (127.3, 923.6, 0.0062), (236.7, 946.0, 0.0080), (121.7, 952.6, 0.0092), (222.4, 984.5, 0.0063),
        (144.1, 981.6, 0.0057),
    ],
    "camera": [
        (247.0, 169.6, 0.9850), (250.1, 153.1, 0.9845), (250.8, 152.4, 0.9873), (251.5, 151.6, 0.9883),
        (241.9, 152.7, 0.9827), (236.6, 151.7, 0.9805), (230.9, 150.6, 0.9764), (231.0, 144.0, 0.9924),
        (203.3, 143.4, 0.9846), (236.5, 181.3, 0.9932), (225.1, 181.0, 0.9917), (219.6, 169.1, 0.9972),
        (104.7, 181.8, 0.9922), (300.4, 224.2, 0.7014), (142.5, 302.4, 0.9698), (395.1, 199.2, 0.7809),
        (258.6, 221.2, 0.9489), (410.2, 195.7, 0.7114), (289.5, 205.6, 0.9084), (421.8, 190.4, 0.7127),
        (280.1, 185.5, 0.9045), (381.8, 202.5, 0.7279), (271.4, 190.3, 0.8669), (113.3, 322.6, 0.9560),
        (49.8, 344.0, 0.9525), (236.1, 366.4, 0.1616), (86.9, 467.9, 0.6822), (176.2, 432.8, 0.0517),
        (80.3, 535.9, 0.4980), (153.5, 435.4, 0.1036), (70.3, 532.3, 0.5261), (203.9, 495.0, 0.0636),
        (107.5, 606.4, 0.4306),
    ],
}
#: MediaPipe 0.10.21's SelfieSegmentation (model_selection=0) on IMAGES: share of pixels >= 0.5 and their box.
MEDIAPIPE_SEGMENTATION = {"astronaut": (0.5447, [0, 15, 512, 512]), "camera": (0.3273, [0, 66, 353, 512])}


@pytest.mark.parametrize("name", sorted(IMAGES))
def test_pose_equals_mediapipe(name):
    output = hub.predict("vision/pose", IMAGES[name])[0].output
    assert output["count"] == 1
    landmarks = output["poses"][0]["landmarks"]
    assert list(landmarks) == list(LANDMARKS)
    got = np.array([[p["x"], p["y"], p["visibility"]] for p in landmarks.values()])
    expected = np.array(MEDIAPIPE_POSE[name])
    assert np.abs(got[:, :2] - expected[:, :2]).max() <= 0.5
    assert np.abs(got[:, 2] - expected[:, 2]).max() <= 2e-3


def test_pose_lies_inside_the_face_and_person_boxes():
    """Issue 19: the nose inside vision/faces' box, the wrists inside the person's box. The astronaut
    photo ends at the waist: the ankles are predicted below the frame, and flagged as not visible."""
    image = IMAGES["astronaut"]
    landmarks = hub.predict("vision/pose", image)[0].output["poses"][0]["landmarks"]
    face = hub.predict("vision/faces", image)[0].output["faces"][0]["box"]
    person = hub.predict("vision/segment-person", image)[0].output["box"]

    def inside(point, box):
        return box[0] <= point["x"] <= box[2] and box[1] <= point["y"] <= box[3]

    assert inside(landmarks["nose"], face)
    assert inside(landmarks["left_wrist"], person) and inside(landmarks["right_wrist"], person)
    for ankle in ("left_ankle", "right_ankle"):
        assert landmarks[ankle]["y"] > image.shape[0] and landmarks[ankle]["visibility"] < 0.05


@pytest.mark.parametrize("name", ["coffee", "brick"])
def test_no_pose_without_a_person(photos, name):
    assert hub.predict("vision/pose", photos[name])[0].output == {"poses": [], "count": 0, "annotated_path": None}


def test_annotated_copy_has_the_skeleton_drawn(tmp_path, photos):
    output = hub.predict("vision/pose", photos["astronaut"], annotate_dir=str(tmp_path))[0].output
    annotated = np.asarray(Image.open(output["annotated_path"])).astype(int)
    landmarks = output["poses"][0]["landmarks"]
    shoulders = [landmarks[side] for side in ("left_shoulder", "right_shoulder")]
    middle = [round((shoulders[0][axis] + shoulders[1][axis]) / 2) for axis in ("x", "y")]
    assert np.abs(annotated[middle[1], middle[0]] - data.astronaut()[middle[1], middle[0]]).sum() > 60
    assert np.array_equal(annotated[:60, 400:], data.astronaut()[:60, 400:])  # the flag's corner untouched


@pytest.mark.parametrize("name", sorted(IMAGES))
def test_segmentation_equals_mediapipe(name, tmp_path):
    output = hub.predict("vision/segment-person", IMAGES[name], mask=True, output_dir=str(tmp_path))[0].output
    fraction, box = MEDIAPIPE_SEGMENTATION[name]
    assert output["foreground_fraction"] == pytest.approx(fraction, abs=1e-4)
    assert output["box"] == box
    mask = np.asarray(Image.open(output["mask_path"]))
    assert mask.shape == IMAGES[name].shape[:2] and set(np.unique(mask)) == {0, 255}
    assert (mask == 255).mean() == pytest.approx(fraction, abs=1e-4)


def test_segmentation_threshold_and_no_file_by_default():
    image = IMAGES["astronaut"]
    default, strict = (hub.predict("vision/segment-person", image, threshold=t)[0].output for t in (0.5, 0.99))
    assert default["mask_path"] is None
    assert strict["foreground_fraction"] < default["foreground_fraction"]


@pytest.mark.parametrize("model", ["vision/pose", "vision/segment-person"])
def test_examples_pass(model):
    assert_examples_pass(model)
