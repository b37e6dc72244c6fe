"""hub train on video: shot frames through the image backbone, pooled over time, plus the soundtrack.

The clips are synthetic (specialist_hub_video.synthetic), so their class is known by construction:
"still" clips are still pictures with burnt-in text, "pan" clips are textures panning without text.
Half of each class carries a spoken soundtrack (the audio plugin's espeak-ng voices), so sound alone
cannot tell them apart. Reference: the separability by construction, and the layout's own truth.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from specialist_hub.conformance import compare
from specialist_hub.registry import Registry
from specialist_hub.testing import served_predictions, trained_models_folder, trained_predictions
from specialist_hub.training.features import make_featurizer
from specialist_hub.training.trainer import train
from specialist_hub_video.synthetic import class_clip_layout, write_class_clips

pytest.importorskip("lightgbm")
pytest.importorskip("efficientnet_lite_pytorch")
pytest.importorskip("librosa")

PER_CLASS = 10
SPEECH = Path(__file__).resolve().parents[2] / "audio" / "tests" / "data" / "voices" / "us-male-0.flac"


@pytest.fixture(scope="module")
def models(tmp_path_factory):
    with trained_models_folder(tmp_path_factory.mktemp("models")) as folder:
        yield folder


@pytest.fixture(scope="module")
def clips(tmp_path_factory):
    return write_class_clips(tmp_path_factory.mktemp("clips"), PER_CLASS, SPEECH)


def test_features_hold_the_soundtrack_only_when_there_is_one(models, clips):
    registry = Registry()
    featurizer = make_featurizer(registry.featurizers["video/shot-frames"], registry=registry)
    silent, spoken = featurizer.features([featurizer.preprocess(str(clips / "pan" / f"{n}.mp4")) for n in (0, 1)])
    assert silent[-1] == 0.0 and spoken[-1] == 1.0
    audio = slice(-1 - featurizer.audio_width, -1)
    assert not silent[audio].any() and np.abs(spoken[audio]).sum() > 0
    # Two scenes, two shots (the layout's truth): one frame from the middle of each.
    expected = [(first + last) // 2 for first, last in class_clip_layout("pan", 0).spans()]
    assert featurizer.frame_indices(featurizer.preprocess(str(clips / "pan" / "0.mp4"))) == expected


def test_clip_classes_from_class_folders_round_trip(models, clips):
    # A frame every 0.4 s rather than per shot: TransNetV2 costs seconds per clip on a busy CPU.
    report = train(clips, (), "clips", domain="video", featurizer_options={"every_s": 0.4}, heads=["linear"])
    assert report.metrics["label"]["scaffold_or_group_split"]["balanced_accuracy"] >= 0.9
    predictions = trained_predictions("user/clips", [str(clips / "still" / "3.mp4"), str(clips / "pan" / "4.mp4"),
                                                     str(SPEECH)])
    assert [p.output["label"] for p in predictions[:2]] == ["still", "pan"]
    assert not predictions[2].ok  # audio only: that record's error, the batch goes on
    (served,) = served_predictions("user/clips", files=[clips / "still" / "3.mp4"])  # an upload, as a client sends
    assert served["input"] == "3.mp4" and set(served["output"]) == set(predictions[0].output)
    assert compare(predictions[0].output, served["output"], 1e-5) == []  # another batch: float32 may round apart
