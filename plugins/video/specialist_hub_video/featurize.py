"""Video features for ``hub train``: the image backbone on one frame per shot, pooled over time, and
the soundtrack's audio features when there is one.

Shots come from ``video/shots`` (TransNetV2); each shot's middle frame goes through the default image
featuriser (``vision/efficientnet-lite0``) and the frames' vectors are pooled (mean and standard
deviation), so a clip of any length and any number of shots gives one fixed-length row. The first
audio track is decoded to a temporary FLAC file and featurised by the default audio featuriser
(``audio/mel``); a clip without sound gets zeros there and a 0 in the final ``has_audio`` column.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np

from specialist_hub import InputError, UsageError
from specialist_hub.training.features import Featurizer, pooled

from .soundtrack import write_soundtrack
from .video import VideoSource, open_video

IMAGE_FEATURIZER, AUDIO_FEATURIZER = "vision/efficientnet-lite0", "audio/mel"


class ShotFramesFeaturizer(Featurizer):
    """[pooled per-shot frame features, soundtrack features, has_audio]. Option ``every_s``: a frame
    every that many seconds instead of one per shot (no shot detection: faster on CPU)."""

    defaults = {"every_s": 0.0}

    def load(self) -> None:
        self.image = self.other(IMAGE_FEATURIZER)
        self.audio = self.other(AUDIO_FEATURIZER)
        every = self.options["every_s"]
        if not (isinstance(every, (int, float)) and 0 <= every <= 3600):
            raise UsageError(f"{self.spec.id}: every_s must be a number of seconds from 0 (one frame per shot) "
                             f"to 3600, got {every!r}.")
        self.shots = self.hub_registry().load("video/shots", device="cpu") if not every else None
        silent = np.zeros(1, dtype=np.float32), 16000
        self.audio_width = self.audio.features([self.audio.preprocess(silent)]).shape[1]

    def preprocess(self, value) -> VideoSource:
        return open_video(value)

    def key(self, item: VideoSource) -> str:
        return item.path

    def features(self, items):
        return np.stack([self.clip_vector(source) for source in items])

    def clip_vector(self, source: VideoSource) -> np.ndarray:
        frames = [frame.to_image() for _, _, frame in source.frames_at(self.frame_indices(source))]
        visual = pooled(self.image.features([self.image.preprocess(frame) for frame in frames]))
        sound = np.zeros(self.audio_width)
        if source.has_audio:
            with tempfile.TemporaryDirectory(prefix="hub-train-video-") as folder:
                path = Path(folder) / "soundtrack.flac"
                write_soundtrack(source, path)
                sound = self.audio.features([self.audio.preprocess(str(path))])[0]
        return np.concatenate((visual, sound, [float(source.has_audio)]))

    def frame_indices(self, source: VideoSource) -> list[int]:
        """The middle frame of each shot (video/shots), as video/frames picks them, or one every every_s."""
        if self.shots is None:
            return list(range(0, max(1, source.frame_count), max(1, round(self.options["every_s"] * source.fps))))
        (shots,) = self.shots.predict(source.path)
        if not shots.ok:
            raise InputError(f"video/shots found no shots: {shots.error['message']}")
        return [(shot["start_frame"] + shot["end_frame"]) // 2 for shot in shots.output["shots"]]

    def feature_names(self):
        return []

    def versions(self):
        shots = {"video/shots": self.shots.spec.version} if self.shots is not None else {}
        return {**self.image.versions(), **self.audio.versions(), **shots}
