"""Automated video QC with FFmpeg's own analysis filters, run through PyAV's filter graph.

One pass over the decoded frames feeds two filter chains: blackdetect → freezedetect →
blurdetect → siti, and photosensitivity (in bypass mode: it measures without altering frames,
primed so that its start-up does not count as a flash). Each filter writes
its findings into the frames' metadata (``lavfi.black_start``, ``lavfi.siti.si``, ...), which
are read here into segments and summary numbers; nothing but counters is kept per frame.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import av
import av.filter

from .video import VideoModel, VideoSource


class Segments:
    """Intervals opened and closed by metadata events; ones still open at the end close there."""

    def __init__(self, minimum: float = 0.0):
        self.minimum, self.done, self.opened = minimum, [], None

    def open(self, time: float) -> None:
        if self.opened is None:
            self.opened = time

    def close(self, time: float) -> None:
        if self.opened is not None:
            if time - self.opened >= self.minimum - 1e-9:
                self.done.append({"start": round(self.opened, 6), "end": round(time, 6)})
            self.opened = None

    @property
    def seconds(self) -> float:
        return round(sum(segment["end"] - segment["start"] for segment in self.done), 6)


class Statistic:
    """Running mean and maximum of the finite values seen."""

    def __init__(self):
        self.total, self.count, self.maximum = 0.0, 0, None

    def add(self, value: float) -> None:
        if math.isfinite(value):
            self.total += value
            self.count += 1
            self.maximum = value if self.maximum is None else max(self.maximum, value)

    @property
    def mean(self) -> float | None:
        return round(self.total / self.count, 4) if self.count else None


class FilterChain:
    """FFmpeg filters in a row, configured for frames like ``first``: push frames, get them back
    with the filters' metadata."""

    def __init__(self, filters: list[tuple[str, str]], first: av.VideoFrame):
        self.graph = av.filter.Graph()
        node = self.graph.add_buffer(width=first.width, height=first.height, format=first.format.name,
                                     time_base=first.time_base)
        for name, arguments in filters:
            following = self.graph.add(name, arguments) if arguments else self.graph.add(name)
            node.link_to(following)
            node = following
        self.sink = self.graph.add("buffersink")
        node.link_to(self.sink)
        self.graph.configure()

    def push(self, frame: av.VideoFrame | None) -> Iterator[av.VideoFrame]:
        """Feed ``frame`` (None: the end) and yield every frame the chain has ready."""
        self.graph.vpush(frame)
        while True:
            try:
                yield self.sink.pull()
            except (av.BlockingIOError, av.EOFError):
                return


def primed_flash_chain(first: av.VideoFrame, options) -> FilterChain:
    """photosensitivity (measuring only, on RGB frames) after ``frames`` copies of the first frame:
    the filter compares its first frame with an all-black picture, and without the copies that
    false flash would count in the badness of the real frames that follow."""
    chain = FilterChain([("photosensitivity", f"frames={options['flash_frames']}:"
                                              f"threshold={options['flash_threshold']}:bypass=1")], first)
    pixels = first.to_ndarray()
    for step in range(options["flash_frames"], 0, -1):
        copy = av.VideoFrame.from_ndarray(pixels, format="rgb24")
        copy.pts, copy.time_base = first.pts - step * max(1, first.duration or 1), first.time_base
        for _ in chain.push(copy):
            pass
    return chain


class QualityModel(VideoModel):
    def filters(self) -> list[tuple[str, str]]:
        """The analysis chain with this call's thresholds (FFmpeg's option names)."""
        o = self.options
        return [
            ("blackdetect", f"d={o['black_min_s']}:pic_th={o['black_picture_ratio']}:"
                            f"pix_th={o['black_pixel_threshold']}"),
            ("freezedetect", f"n={o['freeze_noise_db']}dB:d={o['freeze_min_s']}"),
            ("blurdetect", ""),
            ("siti", ""),
        ]

    def compute(self, source: VideoSource) -> dict[str, Any]:
        black, frozen, flashes = Segments(self.options["black_min_s"]), Segments(), Segments()
        blur, si, ti, badness = Statistic(), Statistic(), Statistic(), Statistic()
        analysis = flash = None
        end = 0.0

        def relative(seconds: str) -> float:
            return round(float(seconds) - source.start, 6)

        def read(frame: av.VideoFrame) -> None:
            meta = frame.metadata
            for key, segments in (("lavfi.black_start", black), ("lavfi.freezedetect.freeze_start", frozen)):
                if key in meta:
                    segments.open(relative(meta[key]))
            for key, segments in (("lavfi.black_end", black), ("lavfi.freezedetect.freeze_end", frozen)):
                if key in meta:
                    segments.close(relative(meta[key]))
            blur.add(float(meta.get("lavfi.blur", "nan")))
            si.add(float(meta["lavfi.siti.si"]))
            if si.count > 1:  # TI needs a previous frame: the first frame's 0 is no measurement
                ti.add(float(meta["lavfi.siti.ti"]))

        def read_flash(frame: av.VideoFrame) -> None:
            value = float(frame.metadata["lavfi.photosensitivity.badness"])
            badness.add(value)
            if value > self.options["flash_threshold"]:
                flashes.open(relative(frame.time))
            else:
                flashes.close(relative(frame.time))

        for _, time, frame in source.decode():
            rgb = frame.reformat(format="rgb24")
            if analysis is None:
                analysis, flash = FilterChain(self.filters(), frame), primed_flash_chain(rgb, self.options)
            for done in flash.push(rgb):
                read_flash(done)
            for done in analysis.push(frame):
                read(done)
            end = time + 1 / source.fps
        for chain, reader in ((flash, read_flash), (analysis, read)):
            for done in chain.push(None):
                reader(done)
        for segments in (black, frozen, flashes):
            segments.close(round(end, 6))
        return {
            "black_segments": black.done, "black_seconds": black.seconds,
            "frozen_segments": frozen.done, "frozen_seconds": frozen.seconds,
            "flash_segments": flashes.done, "flash_badness_max": badness.maximum,
            "blur_mean": blur.mean, "blur_max": blur.maximum,
            "si_mean": si.mean, "si_max": si.maximum, "ti_mean": ti.mean, "ti_max": ti.maximum,
        }
