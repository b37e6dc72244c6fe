"""Voice activity detection with Silero VAD, streamed window by window over any length of audio."""

from __future__ import annotations

import warnings

import numpy as np
import torch

from .audio import AudioModel, AudioSource, Framer

RATE = 16000
WINDOW = 512  # Silero VAD's window at 16 kHz (32 ms)


def load_silero():
    """Silero's TorchScript model from the silero-vad package, without its import side effects."""
    threads = torch.get_num_threads()
    from silero_vad import load_silero_vad  # sets torch.set_num_threads(1) for the whole process

    torch.set_num_threads(threads)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "`torch.jit.load` is deprecated", FutureWarning)
        warnings.filterwarnings("ignore", "path is deprecated", DeprecationWarning)  # importlib.resources
        return load_silero_vad()


class VadModel(AudioModel):
    def load(self):
        from silero_vad import get_speech_timestamps_from_probs

        self.model = load_silero().to(self.device)
        self.to_segments = get_speech_timestamps_from_probs

    def speech_probabilities(self, source: AudioSource) -> tuple[list[float], int]:
        """One speech probability per 32 ms window (the stateful model sees the windows in order)."""
        self.model.reset_states()
        framer, probs, length = Framer(WINDOW, WINDOW), [], 0
        for block in source.mono(RATE):
            length += len(block)
            span = framer.push(block)
            if span is not None:
                probs += self._run(span)
        if framer.buffer is not None and framer.buffer.shape[-1]:
            probs += self._run(np.pad(framer.buffer, (0, WINDOW - framer.buffer.shape[-1])))
        return probs, length

    def _run(self, span: np.ndarray) -> list[float]:
        windows = torch.from_numpy(np.ascontiguousarray(span)).to(self.device).view(-1, WINDOW)
        return [self.model(window, RATE).item() for window in windows]

    def compute(self, source):
        probs, length = self.speech_probabilities(source)
        samples = self.to_segments(
            probs, sampling_rate=RATE, threshold=self.options["threshold"],
            min_speech_duration_ms=self.options["min_speech_ms"],
            min_silence_duration_ms=self.options["min_silence_ms"], audio_length_samples=length,
        )
        segments = [{"start": round(s["start"] / RATE, 3), "end": round(s["end"] / RATE, 3)} for s in samples]
        speech = sum(s["end"] - s["start"] for s in samples) / RATE
        return {"segments": segments, "speech_seconds": float(speech),
                "speech_ratio": float(speech / source.duration)}
