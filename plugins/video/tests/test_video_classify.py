"""video/classify loads a real (tiny, random) VideoMAE checkpoint through from_pretrained and must
give what transformers itself gives on the same uniformly sampled frames."""

from __future__ import annotations

import av
import numpy as np
import pytest
import torch
from transformers import AutoImageProcessor, AutoModelForVideoClassification

import specialist_hub as sh
from specialist_hub import CheckpointNotFoundError
from specialist_hub_video.classify import uniform_indices

LABELS = {0: "abseiling", 1: "juggling", 2: "surfing"}


@pytest.fixture(scope="module")
def tiny_videomae(tmp_path_factory) -> str:
    """A random 1-layer VideoMAE classifier taking 4 frames of 32×32, with its image processor."""
    from transformers import VideoMAEConfig, VideoMAEForVideoClassification, VideoMAEImageProcessorPil

    torch.manual_seed(0)
    config = VideoMAEConfig(image_size=32, patch_size=8, num_frames=4, tubelet_size=2, hidden_size=32,
                            num_hidden_layers=1, num_attention_heads=2, intermediate_size=64, id2label=LABELS,
                            label2id={v: k for k, v in LABELS.items()})
    folder = tmp_path_factory.mktemp("tiny-videomae")
    VideoMAEForVideoClassification(config).save_pretrained(folder)
    VideoMAEImageProcessorPil(size={"shortest_edge": 32}, crop_size={"height": 32, "width": 32}).save_pretrained(folder)
    return str(folder)


def every_frame(path: str) -> list[np.ndarray]:
    with av.open(path) as container:
        return [frame.to_ndarray(format="rgb24") for frame in container.decode(video=0)]


def test_classify_matches_transformers_on_uniformly_sampled_frames(tiny_videomae, test_video, layout):
    frames = every_frame(test_video)
    assert len(frames) == layout.frame_count
    # The middle frame of each of 4 equal stretches (TSN-style sampling), picked from a full decode.
    picked = [frames[i] for i in np.floor((np.arange(4) + 0.5) * len(frames) / 4).astype(int)]
    model = AutoModelForVideoClassification.from_pretrained(tiny_videomae).eval()
    processor = AutoImageProcessor.from_pretrained(tiny_videomae, backend="pil")
    with torch.no_grad():
        probabilities = model(**processor(picked, return_tensors="pt")).logits.softmax(-1)[0].tolist()
    expected = sorted(((LABELS[i], p) for i, p in enumerate(probabilities)), key=lambda pair: -pair[1])

    output = sh.predict("video/classify", test_video, checkpoint=tiny_videomae, top_k=2)[0].output
    assert [t["label"] for t in output["top_k"]] == [label for label, _ in expected[:2]]
    assert [t["score"] for t in output["top_k"]] == pytest.approx([p for _, p in expected[:2]], abs=1e-5)
    assert (output["label"], output["score"]) == (output["top_k"][0]["label"], output["top_k"][0]["score"])
    assert output["frame_count"] == layout.frame_count


def test_uniform_sampling_repeats_frames_of_a_short_video():
    assert uniform_indices(180, 4) == [22, 67, 112, 157]
    assert uniform_indices(3, 6) == [0, 0, 1, 1, 2, 2]
    assert uniform_indices(1, 16) == [0] * 16


def test_default_checkpoint_offline_is_a_clear_error():
    with pytest.raises(CheckpointNotFoundError, match="MCG-NJU/videomae-small-finetuned-kinetics"):
        sh.load("video/classify")
