"""Any audio model of the hub on a video's soundtrack.

The first audio track is decoded by PyAV and streamed into a temporary 16-bit FLAC file at its
own sample rate and channel layout (lossless for the usual 16-bit sources; a 2-hour stereo
track takes about 0.5 GB of disk, never memory), which the audio model then reads block by block
like any recording. The temporary file is removed when the model is done.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import av

from specialist_hub import InputError

from .delegate import DelegatingModel
from .video import VideoSource


def write_soundtrack(source: VideoSource, path: Path) -> dict[str, Any]:
    """Decode ``source``'s first audio track into FLAC at ``path``; the track's timing and format."""
    with av.open(source.path) as container:
        track = container.streams.audio[0]
        facts = {"sample_rate": track.rate, "channels": track.channels, "codec": track.codec_context.name}
        written, start = 0, None
        try:
            with av.open(str(path), "w", format="flac") as output:
                stream = output.add_stream("flac", rate=track.rate)
                stream.layout, stream.format = track.layout.name, "s16"
                resampler = av.AudioResampler(format="s16", layout=track.layout.name, rate=track.rate)
                for frame in container.decode(track):
                    if start is None and frame.pts is not None:
                        start = float(frame.time)
                    for converted in resampler.resample(frame):
                        written += converted.samples
                        output.mux(stream.encode(converted))
                for converted in resampler.resample(None):
                    written += converted.samples
                    output.mux(stream.encode(converted))
                output.mux(stream.encode())
        except av.FFmpegError as exc:
            raise InputError(f"{source.path}: corrupt or truncated audio track after {written / track.rate:.2f} s: "
                             f"{exc.strerror or exc}") from None
    if not written:
        raise InputError(f"{source.path}: the audio track holds no decodable samples")
    start = source.start if start is None else start
    return {"start_s": round(start - source.start, 6), "duration_s": round(written / facts["sample_rate"], 6),
            **facts}


class SoundtrackModel(DelegatingModel):
    def compute(self, source: VideoSource) -> dict[str, Any]:
        if not source.has_audio:
            raise InputError(f"{source.path}: has no audio track")
        inner = self.inner_model()
        with tempfile.TemporaryDirectory(prefix="hub-video-") as folder:
            path = Path(folder) / "soundtrack.flac"
            track = write_soundtrack(source, path)
            (prediction,) = inner.predict(str(path))
        if not prediction.ok:
            raise InputError(f"{inner.spec.id} failed on the soundtrack: {prediction.error['message']}")
        return {"model": inner.spec.id, "track": track, "output": prediction.output}
