"""Video plugin: video/shots throughput against TransNetV2 called directly, and its peak memory;
video/classify against transformers called directly.

Throughput, in one run on one generated clip per size (160×90 and 320×180, 25 fps): the frames
are decoded once at 48×27 and TransNetV2's own ``predict_frames`` runs on them in memory; then the
hub runs on the same frames (its streamed windows: one per forward pass on the CPU, and four, its
earlier setting), and `video/shots` on the file (decoding included) with each setting. Frames per
second and ratios (> 1: the hub is faster), and the largest difference of the probabilities.

Memory: `hub predict -m video/shots` in a subprocess on a short and a long generated 1080p video;
peak resident set size of each (VmHWM), which stays flat when frames are streamed.
Run: python benchmarks/video.py [clip_seconds] [short_seconds] [long_seconds]
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from array import array
from pathlib import Path

import numpy as np

HUB = [sys.executable, "-m", "specialist_hub"]
#: One shot every 4 s at 25 fps, alternating panning textures and stills.
SHOT_FRAMES = 100


def layout_of(seconds: float, width: int, height: int):
    from specialist_hub_video.layout import Layout, Scene

    count = max(1, round(seconds * 25 / SHOT_FRAMES))
    return Layout(tuple(Scene("pan" if i % 2 == 0 else "still", SHOT_FRAMES) for i in range(count)),
                  width=width, height=height)


def timed(function) -> tuple[float, object]:
    start = time.perf_counter()
    result = function()
    return time.perf_counter() - start, result


def throughput(folder: Path, seconds: float, width: int, height: int, repeats: int = 3) -> None:
    """Each way ``repeats`` times, interleaved, the fastest of each kept: on a shared machine the
    load changes within seconds, and the fastest run is the one it disturbed least."""
    import torch

    import specialist_hub as sh
    from specialist_hub_video import shots
    from specialist_hub_video.synthetic import write_video
    from specialist_hub_video.video import open_video

    layout = layout_of(seconds, width, height)
    path = write_video(folder / f"clip-{width}.mp4", layout, preset="ultrafast")
    frames = np.stack(list(shots.small_frames(open_video(path), array("d"))))
    network = shots.load_transnetv2("cpu")
    model = sh.load("video/shots", device="cpu")
    model.predict(str(path))  # warm
    one = shots.WINDOWS_PER_PASS["cpu"]

    def on_file(per_pass: int) -> None:
        shots.WINDOWS_PER_PASS["cpu"] = per_pass
        try:
            model.predict(str(path))
        finally:
            shots.WINDOWS_PER_PASS["cpu"] = one

    with torch.inference_mode():
        network.predict_frames(torch.from_numpy(frames[:SHOT_FRAMES]), quiet=True)  # warm, as the hub's is
        expected, _ = network.predict_frames(torch.from_numpy(frames), quiet=True)
        differences = [np.abs(shots.transition_probabilities(network, iter(frames), n) - expected.numpy()).max()
                       for n in (one, 4)]
    ways = {"TransNetV2.predict_frames (frames in memory)":
            lambda: network.predict_frames(torch.from_numpy(frames), quiet=True),
            **{f"hub streamed windows, same frames ({n}/pass)":
               (lambda n=n: shots.transition_probabilities(network, iter(frames), n)) for n in (one, 4)},
            **{f"hub video/shots on the file ({n}/pass)": (lambda n=n: on_file(n)) for n in (one, 4)}}
    best = dict.fromkeys(ways, float("inf"))
    for _ in range(repeats):
        for label, way in ways.items():
            with torch.inference_mode():
                best[label] = min(best[label], timed(way)[0])
    count, direct = len(frames), best["TransNetV2.predict_frames (frames in memory)"]
    print(f"video/shots throughput: {count} frames ({layout.duration:.0f} s, {width}x{height}), "
          f"{torch.get_num_threads()} torch threads, fastest of {repeats} interleaved runs")
    for label, elapsed in best.items():
        print(f"  {label:<52}{count / elapsed:8.1f} fps  {direct / elapsed:.2f}x")
    print(f"  largest probability difference: {max(differences):.2e}")


def classify_throughput(folder: Path, seconds: float) -> None:
    """video/classify against transformers on the same 16 sampled frames, with a randomly initialised
    VideoMAE ViT-S (the default checkpoint's architecture: speed does not depend on the weights)."""
    import torch
    from transformers import AutoImageProcessor, VideoMAEConfig, VideoMAEForVideoClassification, VideoMAEImageProcessorPil

    import specialist_hub as sh
    from specialist_hub_video.classify import sample_frames
    from specialist_hub_video.synthetic import write_video
    from specialist_hub_video.video import open_video

    layout = layout_of(seconds, 320, 180)
    path = write_video(folder / "classify.mp4", layout, preset="ultrafast")
    checkpoint = folder / "videomae-s"
    config = VideoMAEConfig(hidden_size=384, num_attention_heads=6, intermediate_size=1536, num_labels=400)
    VideoMAEForVideoClassification(config).save_pretrained(checkpoint)
    VideoMAEImageProcessorPil().save_pretrained(checkpoint)
    network = VideoMAEForVideoClassification.from_pretrained(checkpoint).eval()
    processor = AutoImageProcessor.from_pretrained(checkpoint, backend="pil")
    frames = sample_frames(open_video(path), config.num_frames)
    with torch.inference_mode():
        network(**processor(frames, return_tensors="pt"))  # warm
        direct, _ = timed(lambda: network(**processor(frames, return_tensors="pt")))
    model = sh.load("video/classify", device="cpu", checkpoint=str(checkpoint))
    model.predict(str(path))  # warm
    hub, _ = timed(lambda: model.predict(str(path)))
    print(f"\nvideo/classify: VideoMAE ViT-S (random weights), 16 frames of a {layout.duration:.0f} s 320x180 clip")
    print(f"  {'transformers on the sampled frames (in memory)':<50}{1 / direct:8.2f} videos/s  1.00x")
    print(f"  {'hub video/classify on the file (sampling included)':<50}{1 / hub:8.2f} videos/s  {direct / hub:.2f}x")


#: VmHWM, not ru_maxrss: a child's ru_maxrss starts at its parent's size at fork, exec or not.
PEAK = """
import re, sys, specialist_hub as sh
result = sh.predict("video/shots", sys.argv[1], device="cpu")[0]
assert result.ok, result.error
print(re.search(r"VmHWM:\\s+(\\d+) kB", open("/proc/self/status").read()).group(1))
"""


def peak_memory(folder: Path, short_seconds: float, long_seconds: float) -> None:
    from specialist_hub_video.synthetic import write_video

    print("\nvideo/shots peak resident memory (1920x1080, 25 fps, subprocess)")
    peaks = []
    for seconds in (short_seconds, long_seconds):
        layout = layout_of(seconds, 1920, 1080)
        path = write_video(folder / f"hd-{seconds:.0f}.mp4", layout, crf=30, preset="ultrafast")
        command = [sys.executable, "-c", PEAK, str(path)]
        elapsed, output = timed(lambda command=command: subprocess.run(command, check=True, capture_output=True,
                                                                       text=True).stdout)
        peaks.append(int(output.split()[-1]) / 1024)
        print(f"  {layout.duration:6.0f} s ({layout.frame_count} frames, {path.stat().st_size / 1e6:.1f} MB): "
              f"{peaks[-1]:7.0f} MB peak RSS  ({elapsed:.0f} s)")
    print(f"  long / short: {peaks[1] / peaks[0]:.2f}x for {long_seconds / short_seconds:.0f}x the length")


def main(clip_seconds: float = 20.0, short_seconds: float = 30.0, long_seconds: float = 180.0) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        for width, height in ((160, 90), (320, 180)):
            throughput(Path(tmp), clip_seconds, width, height)
        classify_throughput(Path(tmp), clip_seconds)
        peak_memory(Path(tmp), short_seconds, long_seconds)


if __name__ == "__main__":
    main(*(float(arg) for arg in sys.argv[1:4]))
