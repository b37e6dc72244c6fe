"""Shared audio handling: open any input as a validated source, then stream it in blocks.

Every model reads through :class:`AudioSource`, so files (WAV, FLAC, OGG, MP3 via libsndfile),
:class:`~specialist_hub.Waveform` objects and ``(array, sample_rate)`` tuples behave the same,
and a long file is never held in memory whole: it is read in blocks, mixed down and resampled
block by block with results identical to processing the whole signal at once.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable, Iterator
from itertools import chain
from typing import Any

import numpy as np
import soundfile as sf
import torch
import torchaudio.functional as AF

from specialist_hub import InputError, ItemModel, Waveform
from specialist_hub.inputs import media_file

#: Seconds of audio read per block: bounds memory whatever the file's length.
BLOCK_SECONDS = 10.0


class AudioSource:
    """One readable input: its format facts, and its samples as a stream of float32 blocks."""

    def __init__(self, name: str, sample_rate: int, channels: int, frames: int,
                 path: str | None = None, samples: np.ndarray | None = None):
        self.name = name
        self.sample_rate = sample_rate
        self.channels = channels
        self.frames = frames
        self._path = path
        self._samples = samples  # (samples, channels) float32, for in-memory inputs

    @property
    def duration(self) -> float:
        return self.frames / self.sample_rate

    def blocks(self, seconds: float = BLOCK_SECONDS) -> Iterator[np.ndarray]:
        """(samples, channels) float32 blocks in order; a decoding failure is an InputError."""
        size = max(1, int(seconds * self.sample_rate))
        if self._samples is not None:
            for start in range(0, self.frames, size):
                yield self._samples[start:start + size]
            return
        try:
            with sf.SoundFile(self._path) as handle:
                while True:
                    block = handle.read(size, dtype="float32", always_2d=True)
                    if not len(block):
                        return
                    if not np.isfinite(block).all():  # float WAVs can hold them; no model's answer would mean anything
                        at = handle.tell() - len(block) + int(np.argmin(np.isfinite(block).all(axis=1)))
                        raise InputError(f"{self.name}: sample {at} ({at / self.sample_rate:.3f} s) is NaN or "
                                         f"infinite")
                    yield block
        except (sf.LibsndfileError, RuntimeError) as exc:
            raise InputError(f"{self.name}: cannot decode audio: {exc}") from None

    def mono(self, rate: int | None = None, seconds: float = BLOCK_SECONDS) -> Iterator[np.ndarray]:
        """Channel-averaged 1-D blocks, resampled to ``rate`` (default: the native rate)."""
        resampler = StreamResampler(self.sample_rate, rate or self.sample_rate)
        for block in self.blocks(seconds):
            out = resampler.push(block.mean(axis=1))
            if len(out):
                yield out
        out = resampler.flush()
        if len(out):
            yield out

    def clip(self, start: float, end: float) -> Waveform:
        """The samples from ``start`` to ``end`` seconds, all channels, read from a file without the rest."""
        first, last = max(0, round(start * self.sample_rate)), min(self.frames, round(end * self.sample_rate))
        if last <= first:
            raise InputError(f"{self.name}: the window {start:g}-{end:g} s holds no samples "
                             f"(the audio lasts {self.duration:g} s)")
        if self._samples is not None:
            samples = self._samples[first:last]
        else:
            try:
                samples = sf.read(self._path, start=first, stop=last, dtype="float32", always_2d=True)[0]
            except (sf.LibsndfileError, RuntimeError) as exc:
                raise InputError(f"{self.name}: cannot decode audio: {exc}") from None
        return Waveform(samples.T, self.sample_rate)

    def read_mono(self, rate: int, max_seconds: float | None = None) -> np.ndarray:
        """The (first ``max_seconds`` of the) mono signal at ``rate``, as one array."""
        limit = None if max_seconds is None else int(max_seconds * rate)
        parts, total = [], 0
        for block in self.mono(rate):
            parts.append(block)
            total += len(block)
            if limit is not None and total >= limit:
                break
        return np.concatenate(parts)[:limit]


class StreamResampler:
    """torchaudio's sinc resampling applied block by block, equal to resampling the whole signal.

    Output block ``j`` of ``torchaudio.functional.resample`` depends on input samples within
    ``width`` of input block ``j`` (blocks of ``orig/gcd`` samples), so each push keeps a margin
    of whole input blocks on both sides and emits only outputs whose inputs are all known.
    """

    def __init__(self, orig: int, new: int):
        self.orig, self.new = orig, new
        gcd = math.gcd(orig, new)
        self.step_in, self.step_out = orig // gcd, new // gcd
        # torchaudio's kernel half-width (lowpass_filter_width=6, rolloff=0.99), in input samples.
        width = math.ceil(6 * self.step_in / (min(self.step_in, self.step_out) * 0.99))
        self.margin = self.step_in * math.ceil((width + self.step_in) / self.step_in)
        self.buffer = np.zeros(0, dtype=np.float32)
        self.left = 0  # samples of already-emitted context at the start of the buffer

    def _resample(self, samples: np.ndarray) -> np.ndarray:
        return AF.resample(torch.from_numpy(np.ascontiguousarray(samples)), self.orig, self.new).numpy()

    def push(self, samples: np.ndarray) -> np.ndarray:
        if self.orig == self.new:
            return samples
        self.buffer = np.concatenate([self.buffer, samples.astype(np.float32, copy=False)])
        ready = (len(self.buffer) - self.left - self.margin) // self.step_in * self.step_in
        if ready <= 0:
            return np.zeros(0, dtype=np.float32)
        out = self._resample(self.buffer[: self.left + ready + self.margin])
        first = self.left // self.step_in * self.step_out
        out = out[first: first + ready // self.step_in * self.step_out]
        keep_from = self.left + ready - self.margin
        self.buffer = self.buffer[keep_from:]
        self.left = self.margin
        return out

    def flush(self) -> np.ndarray:
        if self.orig == self.new or len(self.buffer) <= self.left:
            return np.zeros(0, dtype=np.float32)
        out = self._resample(self.buffer)
        return out[self.left // self.step_in * self.step_out:]


class Framer:
    """Cuts a stream into windows of ``size`` samples every ``hop``, as if framing it whole.

    ``push`` returns a contiguous span (last axis) holding every window complete so far, ready for
    a ``center=False`` STFT/unfold, and keeps the samples the next window needs (with a hop longer
    than the window, the samples between two windows are skipped as they arrive).
    """

    def __init__(self, size: int, hop: int):
        self.size, self.hop = size, hop
        self.buffer: np.ndarray | None = None
        self.skip = 0  # samples still to drop before the next window starts

    def push(self, samples: np.ndarray) -> np.ndarray | None:
        buffer = samples if self.buffer is None else np.concatenate([self.buffer, samples], axis=-1)
        dropped = min(self.skip, buffer.shape[-1])
        buffer, self.skip = buffer[..., dropped:], self.skip - dropped
        count = self.count(buffer.shape[-1])
        self.buffer = buffer[..., count * self.hop:]
        self.skip += max(0, count * self.hop - buffer.shape[-1])
        return buffer[..., : (count - 1) * self.hop + self.size] if count else None

    def count(self, length: int) -> int:
        return 0 if length < self.size else 1 + (length - self.size) // self.hop


def padded_windows(blocks: Iterable[np.ndarray], size: int, hop: int, shortest: int = 1) -> Iterator[np.ndarray]:
    """Windows of ``size`` samples every ``hop`` over a stream of 1-D blocks, as if cut from the whole
    signal; windows that run past the end are zero-padded, up to the first shorter than ``shortest``."""
    framer = Framer(size, hop)
    for block in blocks:
        span = framer.push(block)
        if span is not None:
            yield from np.lib.stride_tricks.sliding_window_view(span, size)[::hop]
    rest = framer.buffer if framer.buffer is not None else np.zeros(0, dtype=np.float32)
    for start in range(0, rest.shape[-1], hop):
        window = rest[start:start + size]
        if len(window) < shortest:
            return
        yield np.pad(window, (0, size - len(window)))


def chunks_with_context(blocks: Iterator[np.ndarray], size: int, context: int) -> Iterator[tuple[np.ndarray, slice]]:
    """(rows, kept): a stream of row blocks (frames of features or activations) cut into chunks of
    ``size`` rows, each with up to ``context`` rows of its neighbours on both sides, so a computation
    whose output at a row reaches ``context`` rows either way gives the whole stream's answer on the
    chunk's own rows, ``rows[kept]``. The first chunk starts at row 0, the last ends with the stream."""
    buffer, start = np.zeros((0, 0)), 0  # buffer[0] is row ``start - context`` (or row 0)
    for block in chain(blocks, [None]):  # None: the stream has ended
        if block is not None:
            buffer = block if not len(buffer) else np.concatenate([buffer, block])
        while len(buffer) - (offset := min(start, context)) >= size + context or block is None:
            stop = min(offset + size, len(buffer))
            yield buffer[: offset + size + context], slice(offset, stop)
            if stop == len(buffer):
                return
            start += size
            buffer = buffer[offset + size - min(start, context):]


def open_audio(value: Any) -> AudioSource:
    """An :class:`AudioSource` for a path, Waveform or (array, rate); InputError says why not."""
    if isinstance(value, (str, os.PathLike)):
        return _open_file(os.fspath(value))
    if isinstance(value, Waveform):
        return _from_array(value.samples, value.sample_rate)
    if isinstance(value, tuple) and len(value) == 2:
        return _from_array(*value)
    raise InputError(f"expected an audio file path, a Waveform or an (array, sample_rate) tuple, "
                     f"got {type(value).__name__}")


def _open_file(path: str) -> AudioSource:
    media_file(path, "an audio")
    try:
        info = sf.info(path)
    except (sf.LibsndfileError, RuntimeError) as exc:
        reason = str(exc).split(": ", 1)[-1] if "Error opening" in str(exc) else str(exc)
        raise InputError(f"{path}: not a readable audio file (WAV, FLAC, OGG, MP3): {reason}") from None
    if info.frames <= 0 or info.samplerate <= 0:
        raise InputError(f"{path}: contains no audio samples")
    return AudioSource(path, info.samplerate, info.channels, info.frames, path=path)


def _from_array(samples: Any, sample_rate: Any) -> AudioSource:
    if isinstance(sample_rate, bool) or not isinstance(sample_rate, (int, np.integer)) or sample_rate <= 0:
        raise InputError(f"sample rate must be a positive integer, got {sample_rate!r}")
    if hasattr(samples, "detach"):  # a torch tensor
        samples = samples.detach().cpu().numpy()
    array = np.asarray(samples)
    if array.dtype.kind in "iu":
        info = np.iinfo(array.dtype)
        array = (array.astype(np.float64) - (info.max + info.min + 1) / 2) / ((info.max - info.min + 1) / 2)
    elif array.dtype.kind != "f":
        raise InputError(f"audio samples must be numbers, got an array of {array.dtype}")
    if array.ndim == 1:
        array = array[:, None]
    elif array.ndim == 2:
        # Waveform's layout is (channels, samples), soundfile's (samples, channels): the shorter
        # axis is taken as the channels, so both work.
        if array.shape[0] < array.shape[1]:
            array = array.T
    else:
        raise InputError(f"audio array must be 1-D or 2-D (channels, samples), got shape {array.shape}")
    if array.shape[0] == 0 or array.shape[1] == 0:
        raise InputError("audio array is empty")
    if not np.isfinite(array).all():
        raise InputError("audio array contains NaN or infinite values")
    array = np.ascontiguousarray(array, dtype=np.float32)
    return AudioSource(f"<array {array.shape[0]} samples @ {int(sample_rate)} Hz>", int(sample_rate),
                       array.shape[1], array.shape[0], samples=array)


class AudioModel(ItemModel):
    """Base for audio models: preprocess opens and validates the input (reading is lazy) and holds
    it to the model's duration bounds; subclasses implement ``compute(source)``; every output
    echoes the input's duration."""

    #: Shorter inputs give the model too little to work on (it would fail deep inside or score noise).
    MIN_SECONDS = 0.0

    def preprocess(self, value: Any) -> AudioSource:
        source = open_audio(value)
        if source.duration < self.MIN_SECONDS:
            raise InputError(f"{source.name}: {source.duration:.3g} s of audio is too short for {self.spec.id}, "
                             f"which needs at least {self.MIN_SECONDS:g} s")
        longest = self.options.get("max_duration")  # declared by the models that hold or rescan the whole input
        if longest is not None and source.duration > longest:
            raise InputError(f"{source.name}: {source.duration:,.1f} s of audio is above the limit of {longest:g} s "
                             f"of {self.spec.id}; raise it with --option max_duration=SECONDS if the memory and "
                             f"time are affordable (on a server, only its host can), or cut the file")
        return source

    def echo(self, item: AudioSource) -> dict[str, Any]:
        return {"duration": float(item.duration)}

    def clip(self, value: Any, start: float, end: float) -> Waveform:
        """``value`` cut to ``start``-``end`` seconds, for a pipeline step on each window of an earlier
        step (``input@vad.segments[]``)."""
        return open_audio(value).clip(start, end)


def onnx_session(path):
    """An onnxruntime CPU session for a shipped ONNX file (onnxruntime is imported on first use)."""
    import onnxruntime

    return onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])


def equal_length_groups(arrays: list[np.ndarray]) -> list[list[int]]:
    """Indices of ``arrays`` grouped by length, so a batch needs no padding.

    Zero padding changes the output of models without an attention mask over the waveform
    (e.g. wav2vec2-base), so batching only equal lengths keeps a batch equal to single calls.
    """
    groups: dict[int, list[int]] = {}
    for index, array in enumerate(arrays):
        groups.setdefault(len(array), []).append(index)
    return list(groups.values())
