"""vision/generate runs a (tiny, random) diffusers pipeline reproducibly and writes PNGs."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch
from click.testing import CliRunner
from diffusers import DDPMPipeline
from PIL import Image

import specialist_hub as hub
from specialist_hub import CheckpointNotFoundError, OptionError
from specialist_hub.cli import main


def pixels(path: str) -> np.ndarray:
    return np.asarray(Image.open(path))


def test_matches_diffusers_for_the_same_seed(tiny_ddpm, tmp_path):
    output = hub.predict("vision/generate", "3", checkpoint=tiny_ddpm, seed=10, steps=5,
                         output_dir=str(tmp_path))[0].output
    assert output["seed"] == 13 and output["steps"] == 5 and output["prompt"] is None
    assert (output["scheduler"], output["width"], output["height"]) == ("DDPMScheduler", 16, 16)
    pipeline = DDPMPipeline.from_pretrained(tiny_ddpm)
    pipeline.set_progress_bar_config(disable=True)
    (expected,) = pipeline(batch_size=1, generator=torch.Generator("cpu").manual_seed(13), num_inference_steps=5,
                           output_type="pil").images
    assert np.abs(pixels(output["image_path"]).astype(int) - np.asarray(expected).astype(int)).max() <= 1
    assert Path(output["image_path"]).parent == tmp_path
    assert Image.open(output["image_path"]).text["seed"] == "13"


def test_batch_equals_singles_and_seeds_differ(tiny_ddpm, tmp_path):
    model = hub.load("vision/generate", checkpoint=tiny_ddpm, steps=4, output_dir=str(tmp_path))
    batched = [p.output for p in model.predict(["0", "1", "2"], batch_size=3)]
    assert [o["seed"] for o in batched] == [0, 1, 2]
    images = [pixels(o["image_path"]) for o in batched]
    for path in tmp_path.glob("*.png"):
        path.unlink()
    singles = [pixels(model.predict(["0", "1", "2"][i])[0].output["image_path"]) for i in range(3)]
    for b, s in zip(images, singles):
        assert np.abs(b.astype(int) - s.astype(int)).max() <= 1
    assert not np.array_equal(images[0], images[1])


def test_unconditional_labels_use_the_base_seed(tiny_ddpm, tmp_path):
    outputs = hub.predict("vision/generate", ["a label", "another"], checkpoint=tiny_ddpm, steps=2, seed=5,
                          output_dir=str(tmp_path))
    assert [p.output["seed"] for p in outputs] == [5, 5]


def test_cli_writes_next_to_the_output(tiny_ddpm, tmp_path):
    out = tmp_path / "run" / "images.jsonl"
    out.parent.mkdir()
    result = CliRunner().invoke(main, ["predict", "-m", "vision/generate", "0", "1", "-O", f"checkpoint={tiny_ddpm}",
                                       "-O", "steps=2", "-o", str(out)])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    paths = [Path(r["output"]["image_path"]) for r in rows]
    assert [p.parent for p in paths] == [out.parent] * 2 and all(p.is_file() for p in paths)


def test_steps_must_be_positive(tiny_ddpm):
    with pytest.raises(OptionError, match="steps"):
        hub.load("vision/generate", checkpoint=tiny_ddpm, steps=0)


def test_default_checkpoint_offline_is_a_clear_error():
    with pytest.raises(CheckpointNotFoundError, match="google/ddpm-cifar10-32"):
        hub.load("vision/generate")
