"""Fixtures for the vision tests: real sample photos, rendered text, and tiny random checkpoints.

Nothing is downloaded: the Hugging Face libraries run offline, and the transformers/diffusers
models are random-weight miniatures saved with save_pretrained(), so the hub's real loading,
batching and output code runs in seconds.
"""

from __future__ import annotations

import os

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ["HF_HUB_DISABLE_PROGRESS_BARS"] = "1"

import importlib.util
from pathlib import Path

import pytest
from PIL import Image
from skimage import data

_spec = importlib.util.spec_from_file_location(
    "vision_make_examples", Path(__file__).resolve().parents[1] / "scripts" / "make_examples.py")
make_examples_module = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_examples_module)


@pytest.fixture(scope="session")
def make_examples():
    """The script that made the shipped examples (text, face and code images)."""
    return make_examples_module


@pytest.fixture(scope="session")
def render_text():
    """The text renderer that made the shipped OCR example (Pillow's default font)."""
    return make_examples_module.render_text


@pytest.fixture(scope="session")
def photos(tmp_path_factory) -> dict[str, str]:
    """scikit-image sample photos saved as PNG files: name -> path."""
    folder = tmp_path_factory.mktemp("photos")
    paths = {}
    for name in ("astronaut", "coffee", "chelsea", "rocket", "brick"):
        path = folder / f"{name}.png"
        Image.fromarray(getattr(data, name)()).save(path)
        paths[name] = str(path)
    return paths


@pytest.fixture(scope="session")
def tiny_classifier(tmp_path_factory) -> str:
    """A random 2-layer ViT image classifier with 4 labels and its image processor."""
    import torch
    from transformers import ViTConfig, ViTForImageClassification, ViTImageProcessorPil

    torch.manual_seed(0)
    labels = {0: "alpha", 1: "beta", 2: "gamma", 3: "delta"}
    config = ViTConfig(image_size=32, patch_size=8, hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                       intermediate_size=64, id2label=labels, label2id={v: k for k, v in labels.items()})
    folder = tmp_path_factory.mktemp("tiny-vit")
    ViTForImageClassification(config).save_pretrained(folder)
    ViTImageProcessorPil(size={"height": 32, "width": 32}).save_pretrained(folder)
    return str(folder)


@pytest.fixture(scope="session")
def tiny_detector(tmp_path_factory) -> str:
    """A random 2-layer YOLOS detector with 3 labels and its image processor."""
    import torch
    from transformers import YolosConfig, YolosForObjectDetection, YolosImageProcessorPil

    torch.manual_seed(0)
    labels = {0: "cat", 1: "dog", 2: "car"}
    config = YolosConfig(hidden_size=32, num_hidden_layers=2, num_attention_heads=2, intermediate_size=64,
                         image_size=[64, 64], patch_size=16, num_detection_tokens=6, id2label=labels,
                         label2id={v: k for k, v in labels.items()})
    model = YolosForObjectDetection(config)
    with torch.no_grad():  # spread the random boxes and scores so outputs differ per query
        for layer in (model.class_labels_classifier, model.bbox_predictor):
            for parameter in layer.parameters():
                parameter.normal_(0, 0.5)
    folder = tmp_path_factory.mktemp("tiny-yolos")
    model.save_pretrained(folder)
    YolosImageProcessorPil(size={"shortest_edge": 64, "longest_edge": 96}).save_pretrained(folder)
    return str(folder)


@pytest.fixture(scope="session")
def tiny_ddpm(tmp_path_factory) -> str:
    """A random 16x16 UNet with a 50-step DDPM scheduler, saved as a DDPMPipeline."""
    import torch
    from diffusers import DDPMPipeline, DDPMScheduler, UNet2DModel

    torch.manual_seed(0)
    unet = UNet2DModel(sample_size=16, in_channels=3, out_channels=3, layers_per_block=1,
                       block_out_channels=(8, 16), down_block_types=("DownBlock2D", "DownBlock2D"),
                       up_block_types=("UpBlock2D", "UpBlock2D"), norm_num_groups=4)
    folder = tmp_path_factory.mktemp("tiny-ddpm")
    DDPMPipeline(unet=unet, scheduler=DDPMScheduler(num_train_timesteps=50)).save_pretrained(folder)
    return str(folder)

