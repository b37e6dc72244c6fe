"""Write a video whose truth is known by construction (see :mod:`.layout`), with PyAV and Pillow.

Used for the shipped example, the tests and the benchmark, never by a model. Every scene gets
its own random texture (seeded by its position, so the file is reproducible); a soundtrack, when
given, is any audio file PyAV reads, encoded as AAC from time 0.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import av
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from .layout import Layout, Scene

#: Pixels a panning texture moves per frame.
PAN_STEP = 2


def texture(width: int, height: int, seed: int) -> np.ndarray:
    """A smooth random colour field with a few sharp rectangles: content that looks like a shot."""
    rng = np.random.default_rng(seed)
    coarse = (rng.random((max(2, height // 24), max(2, width // 24), 3)) * 255).astype(np.uint8)
    image = Image.fromarray(coarse).resize((width, height), Image.Resampling.BICUBIC)
    draw = ImageDraw.Draw(image)
    for _ in range(8):
        x, y = int(rng.integers(0, width - 8)), int(rng.integers(0, height - 8))
        w, h = int(rng.integers(8, max(9, width // 6))), int(rng.integers(8, max(9, height // 3)))
        draw.rectangle((x, y, x + w, y + h), fill=tuple(int(c) for c in rng.integers(0, 256, 3)))
    return np.asarray(image)


def burn_text(frame: np.ndarray, text: str) -> np.ndarray:
    """``frame`` with ``text`` in black on a white band across its middle."""
    image = Image.fromarray(frame)
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=max(12, image.height // 7))
    left, top, right, bottom = draw.textbbox((image.width / 2, image.height / 2), text, font=font, anchor="mm")
    pad = font.size // 3
    draw.rectangle((left - pad, top - pad, right + pad, bottom + pad), fill="white")
    draw.text((image.width / 2, image.height / 2), text, fill="black", font=font, anchor="mm")
    return np.asarray(image)


def scene_frames(scene: Scene, index: int, width: int, height: int) -> Iterator[np.ndarray]:
    """The RGB frames of one scene."""
    if scene.kind == "flash":
        for step in range(scene.frames):
            yield np.full((height, width, 3), 255 if step % 2 else 0, np.uint8)
        return
    if scene.kind == "black":
        frame = np.zeros((height, width, 3), np.uint8)
        moving = None
    else:
        canvas = texture(width + PAN_STEP * scene.frames if scene.kind == "pan" else width, height, seed=index)
        frame, moving = (None, canvas) if scene.kind == "pan" else (canvas, None)
    for step in range(scene.frames):
        if moving is not None:
            frame = np.ascontiguousarray(moving[:, step * PAN_STEP: step * PAN_STEP + width])
        yield burn_text(frame, scene.text) if scene.text else frame


def layout_frames(layout: Layout) -> Iterator[np.ndarray]:
    for index, scene in enumerate(layout.scenes):
        yield from scene_frames(scene, index, layout.width, layout.height)


def write_video(path: str | Path, layout: Layout, soundtrack: str | Path | None = None, crf: int = 23,
                preset: str = "medium", audio_bitrate: int = 48_000) -> Path:
    """Encode ``layout`` as H.264 (``crf`` 0: lossless; x264 ``preset``) in an MP4/MKV, with
    ``soundtrack`` as AAC."""
    path = Path(path)
    with av.open(str(path), "w") as output:
        video = output.add_stream("libx264", rate=layout.fps)
        video.width, video.height, video.pix_fmt = layout.width, layout.height, "yuv420p"
        video.options = {"crf": str(crf), "preset": preset}
        audio = _add_soundtrack(output, soundtrack, audio_bitrate) if soundtrack else None
        for frame in layout_frames(layout):
            output.mux(video.encode(av.VideoFrame.from_ndarray(frame, format="rgb24")))
        output.mux(video.encode())
        if audio is not None:
            _encode_soundtrack(output, audio, soundtrack)
    return path


def _add_soundtrack(output, soundtrack, bitrate: int):
    with av.open(str(soundtrack)) as source:
        rate = source.streams.audio[0].rate
    stream = output.add_stream("aac", rate=rate)
    stream.bit_rate = bitrate
    stream.layout = "mono"
    return stream


def _encode_soundtrack(output, stream, soundtrack) -> None:
    resampler = av.AudioResampler(format="fltp", layout="mono", rate=stream.rate)
    with av.open(str(soundtrack)) as source:
        for frame in source.decode(audio=0):
            for converted in resampler.resample(frame):
                output.mux(stream.encode(converted))
    for converted in resampler.resample(None):
        output.mux(stream.encode(converted))
    output.mux(stream.encode())


def class_clip_layout(kind: str, n: int) -> Layout:
    """Clip ``n`` of a two-class training set: "still" (still pictures with burnt-in text) or "pan"
    (textures panning, no text), two scenes each."""
    scenes = [Scene("pan", 12 + n), Scene("pan", 10 + 2 * n)] if kind == "pan" else \
        [Scene("still", 12 + n, text=f"TITLE {n}"), Scene("still", 10 + 2 * n, text=f"PART {n}")]
    # Padding scenes first make each clip's textures differ (textures are seeded by scene position).
    return Layout(tuple([Scene("black", 1)] * (n % 3) + scenes), fps=25, width=160, height=96)


def write_class_clips(root: str | Path, per_class: int, soundtrack: str | Path | None = None) -> Path:
    """``root``/still and ``root``/pan, ``per_class`` clips each; every other clip carries ``soundtrack``,
    so sound alone cannot tell the classes apart. A folder of class folders, as ``hub train`` reads it."""
    root = Path(root)
    for kind in ("still", "pan"):
        (root / kind).mkdir(parents=True, exist_ok=True)
        for n in range(per_class):
            write_video(root / kind / f"{n}.mp4", class_clip_layout(kind, n), soundtrack=soundtrack if n % 2 else None)
    return root
