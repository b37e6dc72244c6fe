"""Video files as validated sources: header facts at once, frames as a lazy stream.

Every model reads through :class:`VideoSource`. Opening one reads the container header (duration,
frame rate, frame count, size, codec, audio track) and decodes the first frame, so a zero-byte,
corrupt, truncated or audio-only file fails at once as that record's InputError. Frames are then
decoded one at a time by PyAV (FFmpeg inside the wheel, no ffmpeg binary): no model holds more
than a bounded window of frames, whatever the length of the video.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import av

from specialist_hub import InputError, ItemModel
from specialist_hub.inputs import media_file

#: A stream that ends this much before its header's duration is truncated (seconds, or this
#: fraction of the duration when larger): real files end within a frame or two of the header.
TRUNCATION_SLACK_S, TRUNCATION_SLACK = 1.0, 0.05


@dataclass(frozen=True)
class VideoSource:
    """One readable video file: what its header says, and its frames on demand."""

    path: str
    duration: float
    fps: float
    #: From the header, or duration × fps where the container stores no count (MKV, WebM).
    frame_count: int
    width: int
    height: int
    codec: str
    has_audio: bool
    #: When the video stream starts on the container's clock (s); frame times count from here.
    start: float = 0.0

    def facts(self) -> dict[str, Any]:
        """The fields every video model echoes."""
        return {"duration": self.duration, "fps": self.fps, "frame_count": self.frame_count,
                "resolution": [self.width, self.height], "codec": self.codec, "has_audio": self.has_audio}

    def decode(self) -> Iterator[tuple[int, float, av.VideoFrame]]:
        """(index, seconds from the stream's start, frame) for every frame, in order.

        A decoding failure, or a stream that stops well before its header's duration, is an
        InputError naming the time where it happened.
        """
        index, time = -1, 0.0
        try:
            with av.open(self.path) as container:
                stream = container.streams.video[0]
                stream.thread_type = "AUTO"
                for frame in container.decode(stream):
                    index += 1
                    time = index / self.fps if frame.pts is None else float(frame.time) - self.start
                    yield index, round(time, 6), frame
        except av.FFmpegError as exc:
            raise InputError(f"{self.path}: corrupt or truncated video data after {time:.2f} s "
                             f"(frame {index + 1}): {_reason(exc)}") from None
        end = time + 1 / self.fps
        if end < self.duration - max(TRUNCATION_SLACK_S, TRUNCATION_SLACK * self.duration):
            raise InputError(f"{self.path}: truncated: the video stream stops at {end:.2f} s but the "
                             f"header says {self.duration:.2f} s")

    def frames_at(self, indices: Iterable[int]) -> Iterator[tuple[int, float, av.VideoFrame]]:
        """The frames of ``indices`` (those the video has), in order, in one decoding pass that
        stops at the last of them."""
        wanted = set(indices)
        if not wanted:
            return
        last = max(wanted)
        for index, time, frame in self.decode():
            if index in wanted:
                yield index, time, frame
            if index >= last:
                return


def open_video(value: Any) -> VideoSource:
    """The :class:`VideoSource` of a path; an InputError says what is wrong with the file."""
    if not isinstance(value, (str, os.PathLike)):
        raise InputError(f"expected a video file path, got {type(value).__name__}")
    path = media_file(value, "a video")
    try:
        with av.open(path) as container:
            return _probe(path, container)
    except av.FFmpegError as exc:
        raise InputError(f"{path}: not a readable video (corrupt, truncated or not a video format): "
                         f"{_reason(exc)}") from None


def _probe(path: str, container) -> VideoSource:
    if not container.streams.video:
        if container.streams.audio:
            raise InputError(f"{path}: has no video stream (audio only); use an audio model for it")
        raise InputError(f"{path}: has no video stream")
    stream = container.streams.video[0]
    rate = stream.average_rate or stream.guessed_rate
    if not rate or not stream.width or not stream.height:
        raise InputError(f"{path}: the video stream has no frame rate or frame size in its header")
    fps = float(rate)
    duration = _stream_duration(stream, container)
    first = next(container.decode(stream), None)
    if first is None:
        raise InputError(f"{path}: corrupt video: no frame of its {stream.codec_context.name} stream decodes")
    return VideoSource(path=path, duration=round(duration, 6), fps=round(fps, 6),
                       frame_count=stream.frames or round(duration * fps), width=stream.width,
                       height=stream.height, codec=stream.codec_context.name,
                       has_audio=bool(container.streams.audio),
                       start=_seconds(stream.start_time, stream.time_base))


def _stream_duration(stream, container) -> float:
    """The video stream's own duration: its header field, MKV's DURATION tag, else the container's."""
    if stream.duration:
        return _seconds(stream.duration, stream.time_base)
    tag = stream.metadata.get("DURATION", "")
    if tag.count(":") == 2:
        hours, minutes, seconds = tag.split(":")
        return int(hours) * 3600 + int(minutes) * 60 + float(seconds)
    return (container.duration or 0) / av.time_base


def _seconds(value, time_base) -> float:
    return float(value * time_base) if value is not None and time_base is not None else 0.0


def _reason(exc: av.FFmpegError) -> str:
    """FFmpeg's message without the file name PyAV appends."""
    return exc.strerror or str(exc)


class VideoModel(ItemModel):
    """Base for video models: preprocess probes the file; every output echoes its header facts."""

    def preprocess(self, value: Any) -> VideoSource:
        return open_video(value)

    def echo(self, item: VideoSource) -> dict[str, Any]:
        return item.facts()
