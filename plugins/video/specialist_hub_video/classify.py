"""Whole-video classification with a transformers checkpoint (VideoMAE and its kin).

The checkpoint sees a fixed number of frames (its ``num_frames``: 16 for VideoMAE), so that many
are sampled uniformly over the video, one from the middle of each equal stretch, in a single
streamed decoding pass: memory holds those frames only, whatever the length of the video.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from transformers import AutoImageProcessor, AutoModelForVideoClassification

from specialist_hub import InputError
from specialist_hub.hf import class_probabilities, image_processor_kwargs, load_checkpoint
from specialist_hub.kit import top_k

from .video import VideoModel, VideoSource


def uniform_indices(frame_count: int, count: int) -> list[int]:
    """The middle frame of each of ``count`` equal stretches of ``frame_count`` frames
    (repeats when the video has fewer frames than the model takes)."""
    return [min(frame_count - 1, int((i + 0.5) * frame_count / count)) for i in range(count)]


def sample_frames(source: VideoSource, count: int) -> list[np.ndarray]:
    """``count`` RGB frames (H × W × 3 uint8) spread uniformly over the video.

    The header's frame count can overshoot the decoded frames (it is duration × fps for MKV and
    WebM): frames wanted past the real end repeat the last one found.
    """
    wanted = uniform_indices(max(1, source.frame_count), count)
    picked = {index: frame.to_ndarray(format="rgb24") for index, _, frame in source.frames_at(wanted)}
    if not picked:
        raise InputError(f"{source.path}: the video has fewer frames than its header says; none of the "
                         f"sampled ones decodes")
    last = picked[max(picked)]
    return [picked.get(index, last) for index in wanted]


class ClassifyModel(VideoModel):
    def load(self) -> None:
        self.model, self.processor = load_checkpoint(AutoModelForVideoClassification, AutoImageProcessor,
                                                     self.options["checkpoint"], self.device, **image_processor_kwargs())
        self.frame_count = self.model.config.num_frames

    def compute(self, source: VideoSource) -> dict[str, Any]:
        inputs = self.processor(sample_frames(source, self.frame_count), return_tensors="pt")
        logits = self.model(pixel_values=inputs["pixel_values"].to(self.device)).logits.float()
        scores = class_probabilities(self.model, logits)[0]
        return top_k(scores.cpu().tolist(), self.model.config.id2label, self.options["top_k"])
