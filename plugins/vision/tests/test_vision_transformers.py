"""vision/classify and vision/detect load real (tiny, random) checkpoints through from_pretrained
and must give what transformers itself gives for the same checkpoint, in any batch."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch
from click.testing import CliRunner
from PIL import Image
from transformers import AutoImageProcessor, AutoModelForImageClassification, AutoModelForObjectDetection

import specialist_hub as hub
from specialist_hub import CheckpointNotFoundError
from specialist_hub.cli import main


def noise(seed: int, size=(48, 40)) -> Image.Image:
    rng = np.random.default_rng(seed)
    return Image.fromarray(rng.integers(0, 256, (size[1], size[0], 3), dtype=np.uint8))


def reference(auto_class, checkpoint):
    """The checkpoint as transformers loads it, without the hub."""
    return (auto_class.from_pretrained(checkpoint).eval(),
            AutoImageProcessor.from_pretrained(checkpoint, backend="pil"))


def close(a, b, tol=1e-5):
    return np.allclose(np.asarray(a, dtype=float), np.asarray(b, dtype=float), atol=tol)


# -- classify ---------------------------------------------------------------------------------

def test_classify_matches_transformers(tiny_classifier, photos):
    model, processor = reference(AutoModelForImageClassification, tiny_classifier)
    image = Image.open(photos["coffee"]).convert("RGB")
    with torch.no_grad():
        probabilities = model(**processor(images=image, return_tensors="pt")).logits.softmax(-1)[0]
    expected = sorted(((model.config.id2label[i], p) for i, p in enumerate(probabilities.tolist())),
                      key=lambda pair: -pair[1])
    output = hub.predict("vision/classify", photos["coffee"], checkpoint=tiny_classifier, top_k=3)[0].output
    assert [t["label"] for t in output["top_k"]] == [label for label, _ in expected[:3]]
    assert close([t["score"] for t in output["top_k"]], [p for _, p in expected[:3]])
    assert (output["label"], output["score"]) == (output["top_k"][0]["label"], output["top_k"][0]["score"])


def test_classify_batch_equals_singles(tiny_classifier):
    images = [noise(seed, size) for seed, size in ((1, (48, 40)), (2, (32, 32)), (3, (90, 20)))]
    model = hub.load("vision/classify", checkpoint=tiny_classifier)
    batched = [p.output for p in model.predict(images, batch_size=3)]
    singles = [model.predict([image])[0].output for image in images]
    for b, s in zip(batched, singles):
        assert [t["label"] for t in b["top_k"]] == [t["label"] for t in s["top_k"]]
        assert close([t["score"] for t in b["top_k"]], [t["score"] for t in s["top_k"]])
    assert len({b["score"] for b in batched}) == 3  # different images, different outputs


def test_classify_top_k_is_capped_by_the_labels(tiny_classifier):
    output = hub.predict("vision/classify", noise(4), checkpoint=tiny_classifier, top_k=10)[0].output
    assert sorted(t["label"] for t in output["top_k"]) == ["alpha", "beta", "delta", "gamma"]
    assert sum(t["score"] for t in output["top_k"]) == pytest.approx(1.0, abs=1e-5)


def test_classify_cli(tiny_classifier, photos):
    result = CliRunner().invoke(main, ["predict", "-m", "vision/classify", photos["chelsea"], photos["rocket"],
                                       "-O", f"checkpoint={tiny_classifier}", "-O", "top_k=2", "-f", "jsonl"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [len(r["output"]["top_k"]) for r in rows] == [2, 2]


# -- detect -----------------------------------------------------------------------------------

def detect_reference(model, processor, image, threshold):
    with torch.no_grad():
        outputs = model(pixel_values=processor(images=image, return_tensors="pt")["pixel_values"])
    (found,) = processor.post_process_object_detection(outputs, threshold=threshold,
                                                       target_sizes=[(image.height, image.width)])
    limits = np.array([image.width, image.height] * 2, dtype=float)
    return sorted(((model.config.id2label[int(l)], float(s), np.clip(b.numpy(), 0, limits))
                   for s, l, b in zip(found["scores"], found["labels"], found["boxes"])), key=lambda o: -o[1])


def test_detect_matches_transformers(tiny_detector, photos):
    model, processor = reference(AutoModelForObjectDetection, tiny_detector)
    image = Image.open(photos["astronaut"]).convert("RGB")
    expected = detect_reference(model, processor, image, 0.0)
    output = hub.predict("vision/detect", photos["astronaut"], checkpoint=tiny_detector, threshold=0.0)[0].output
    assert output["count"] == len(expected) == len(output["objects"]) > 0
    for got, (label, score, box) in zip(output["objects"], expected):
        assert got["label"] == label and got["score"] == pytest.approx(score, abs=1e-5)
        assert close(got["box"], box, tol=0.01)
        x0, y0, x1, y1 = got["box"]
        assert 0 <= x0 <= x1 <= 512 and 0 <= y0 <= y1 <= 512


def test_detect_threshold_filters(tiny_detector):
    image = noise(5, (80, 60))
    counts = [hub.predict("vision/detect", image, checkpoint=tiny_detector, threshold=t)[0].output["count"]
              for t in (0.0, 0.4, 0.999)]
    assert counts[0] == 6  # every detection token of the tiny config
    assert counts[0] >= counts[1] >= counts[2]
    assert counts[2] == 0


def test_detect_batch_of_mixed_sizes_equals_singles(tiny_detector):
    images = [noise(6, (80, 60)), noise(7, (60, 80)), noise(8, (80, 60))]
    model = hub.load("vision/detect", checkpoint=tiny_detector, threshold=0.0)
    batched = [p.output["objects"] for p in model.predict(images, batch_size=3)]
    singles = [model.predict([image])[0].output["objects"] for image in images]
    for b, s in zip(batched, singles):
        assert [o["label"] for o in b] == [o["label"] for o in s]
        assert close([o["score"] for o in b], [o["score"] for o in s])
        assert close([o["box"] for o in b], [o["box"] for o in s], tol=0.01)


def test_detect_annotates(tiny_detector, tmp_path):
    output = hub.predict("vision/detect", noise(9, (80, 60)), checkpoint=tiny_detector, threshold=0.0,
                         annotate_dir=str(tmp_path))[0].output
    assert Image.open(output["annotated_path"]).size == (80, 60)


# -- checkpoints ------------------------------------------------------------------------------

@pytest.mark.parametrize("model_id, checkpoint", [("vision/classify", "google/mobilenet_v2_1.0_224"),
                                                  ("vision/detect", "hustvl/yolos-tiny")])
def test_default_checkpoint_offline_is_a_clear_error(model_id, checkpoint):
    with pytest.raises(CheckpointNotFoundError, match=checkpoint):
        hub.load(model_id)


def test_missing_local_checkpoint_directory(tmp_path):
    with pytest.raises(CheckpointNotFoundError, match="does not exist"):
        hub.load("vision/classify", checkpoint=str(tmp_path / "nothing-here"))
