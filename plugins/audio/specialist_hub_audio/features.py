"""Signal description with torchaudio: levels, BS.1770 loudness, spectral centroid, MFCC means.

Everything is accumulated block by block, so files of any length use bounded memory.
Loudness is torchaudio.functional.loudness's algorithm (its K-weighting filters and gating)
run on a stream; the tests check it against torchaudio.functional.loudness on whole signals.
"""

from __future__ import annotations

import math

import numpy as np
import torch
import torchaudio.functional as AF
import torchaudio.transforms as T

from .audio import AudioModel, AudioSource, Framer, StreamResampler

MFCC_RATE = 16000
N_MFCC = 13
CENTROID_FFT = 2048
#: BS.1770 channel weights (L, R, C, Ls, Rs) as torchaudio applies them.
CHANNEL_WEIGHTS = np.array([1.0, 1.0, 1.0, 1.41, 1.41])


def db(power: float) -> float | None:
    """10·log10 of a power ratio; None for digital silence (the value would be -inf)."""
    return 10 * math.log10(power) if power > 0 else None


class Loudness:
    """Integrated loudness (ITU-R BS.1770-4) accumulated over blocks of a multichannel stream.

    The K-weighting IIR filters restart on each block with ``PREROLL`` seconds of the previous
    samples in front; their transient has decayed long before (the 38 Hz high-pass settles in a
    few ms), so the output equals filtering the whole signal at once.
    """

    PREROLL = 0.2
    GATE, OVERLAP, ABSOLUTE_GATE, OFFSET = 0.4, 0.75, -70.0, -0.691

    def __init__(self, sample_rate: int, channels: int):
        self.rate = sample_rate
        gate = round(self.GATE * sample_rate)
        self.framer = Framer(gate, round(gate * (1 - self.OVERLAP)))
        self.weights = CHANNEL_WEIGHTS[:channels] if channels <= 5 else None
        self.tail = np.zeros((channels, 0), dtype=np.float32)
        self.energies: list[np.ndarray] = []  # (channels, blocks) mean squares of 400 ms blocks

    def push(self, block: np.ndarray) -> None:
        if self.weights is None:
            return
        signal = np.concatenate([self.tail, block.T], axis=1)
        weighted = AF.treble_biquad(torch.from_numpy(signal), self.rate, 4.0, 1500.0, 1 / math.sqrt(2))
        weighted = AF.highpass_biquad(weighted, self.rate, 38.0, 0.5)[:, self.tail.shape[1]:]
        self.tail = signal[:, -int(self.PREROLL * self.rate):]
        span = self.framer.push(weighted.square().numpy())
        if span is not None:
            frames = torch.from_numpy(span).unfold(-1, self.framer.size, self.framer.hop)
            self.energies.append(frames.mean(dim=-1, dtype=torch.float64).numpy())

    def integrated(self) -> float | None:
        """LKFS; None when not defined (over 5 channels, under 400 ms, or everything gated)."""
        if self.weights is None or not self.energies:
            return None
        energy = np.concatenate(self.energies, axis=1)
        with np.errstate(divide="ignore"):
            block_loudness = self.OFFSET + 10 * np.log10(self.weights @ energy)
        gated = block_loudness > self.ABSOLUTE_GATE
        if not gated.any():
            return None
        relative_gate = self.OFFSET + 10 * np.log10(self.weights @ energy[:, gated].mean(axis=1)) - 10
        gated &= block_loudness > relative_gate
        return float(self.OFFSET + 10 * np.log10(self.weights @ energy[:, gated].mean(axis=1)))


class FeaturesModel(AudioModel):
    def load(self):
        self.mfcc = T.MFCC(MFCC_RATE, N_MFCC, log_mels=True,
                           melkwargs={"n_fft": 400, "hop_length": 160, "n_mels": 40, "center": False})
        self.window = torch.hann_window(CENTROID_FFT)

    def compute(self, source: AudioSource):
        peak, square_sum = 0.0, 0.0
        loudness = Loudness(source.sample_rate, source.channels)
        centroid_frames, spectrum = Framer(CENTROID_FFT, CENTROID_FFT // 4), np.zeros(CENTROID_FFT // 2 + 1)
        to_mfcc_rate, mfcc_frames = StreamResampler(source.sample_rate, MFCC_RATE), Framer(400, 160)
        mfcc_sum, mfcc_count = np.zeros(N_MFCC), 0
        for block in source.blocks():
            peak = max(peak, float(np.abs(block).max()))
            square_sum += float(np.square(block, dtype=np.float64).sum())
            loudness.push(block)
            mono = block.mean(axis=1)
            spectrum += self._magnitude(centroid_frames.push(mono))
            mfcc_sum, mfcc_count = self._add_mfcc(mfcc_frames.push(to_mfcc_rate.push(mono)), mfcc_sum, mfcc_count)
        mfcc_sum, mfcc_count = self._add_mfcc(mfcc_frames.push(to_mfcc_rate.flush()), mfcc_sum, mfcc_count)
        freqs = np.fft.rfftfreq(CENTROID_FFT, 1 / source.sample_rate)
        return {
            "sample_rate": int(source.sample_rate),
            "channels": int(source.channels),
            "peak_dbfs": db(peak ** 2),
            "rms_dbfs": db(square_sum / (source.frames * source.channels)),
            "loudness_lufs": loudness.integrated(),
            "spectral_centroid_hz": float(freqs @ spectrum / spectrum.sum()) if spectrum.sum() > 0 else None,
            "mfcc_mean": [float(c) for c in mfcc_sum / mfcc_count] if mfcc_count else [],
        }

    def _magnitude(self, span: np.ndarray | None) -> np.ndarray | float:
        """Summed magnitude spectrum of the Hann-windowed frames in ``span``."""
        if span is None:
            return 0.0
        stft = torch.stft(torch.from_numpy(np.ascontiguousarray(span)), CENTROID_FFT, CENTROID_FFT // 4,
                          window=self.window, center=False, return_complex=True)
        return stft.abs().sum(dim=-1, dtype=torch.float64).numpy()

    def _add_mfcc(self, span: np.ndarray | None, total: np.ndarray, count: int) -> tuple[np.ndarray, int]:
        if span is None:
            return total, count
        coefficients = self.mfcc(torch.from_numpy(np.ascontiguousarray(span)))
        return total + coefficients.sum(dim=-1, dtype=torch.float64).numpy(), count + coefficients.shape[-1]
