"""Polyphonic note transcription with Spotify's Basic Pitch on onnxruntime, MIDI written on request.

basic-pitch's metadata requires TensorFlow, so its ONNX model ships here (``data/nmp.onnx``) and
its thin glue is rewritten on numpy: the windowing and unwrapping of
``basic_pitch/inference.py`` and the note decoding of ``basic_pitch/note_creation.py`` (0.4.0,
Copyright 2022 Spotify AB, Apache-2.0; see ``data/basic-pitch-NOTICE``), step for step, so notes
equal ``basic_pitch.inference.predict``'s. One deliberate difference: pitch bends are measured
from the contour bin where an in-tune note peaks, one bin (1/3 semitone) above the bin basic-pitch
assumes, so in-tune notes bend by 0 rather than +33 cents (spotify/basic-pitch issue 87).

Audio is read in blocks; the activations of the whole recording (about 9 MB a minute) are kept,
because the decoding looks at all of them at once: the model's max_duration bounds them.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator
from itertools import chain, islice
from pathlib import Path

import numpy as np

from specialist_hub.weights import locate

from .audio import AudioModel, AudioSource, onnx_session, padded_windows

RATE = 22050
FFT_HOP = 256
WINDOW = 2 * RATE - FFT_HOP  # samples per model input
OVERLAP_FRAMES = 30  # output frames shared by neighbouring windows
HOP = WINDOW - OVERLAP_FRAMES * FFT_HOP
FRAMES_PER_SECOND = RATE // FFT_HOP  # basic-pitch's integer rate (86), used to trim the output
WINDOW_FRAMES = 2 * FRAMES_PER_SECOND
LOWEST_MIDI, KEYS = 21, 88
CONTOUR_BINS_PER_SEMITONE = 3
#: The contour bin of an in-tune note, above 3·(pitch − 21): where the network's contour peaks.
CONTOUR_TUNING_BIN = 1
BEND_BINS = 25  # contour bins searched each side of a note for its pitch bend
ENERGY_TOLERANCE = 11  # frames below frame_threshold that end a note
MIDI_TEMPO = 120.0
MIDI_PROGRAM = 4  # General MIDI "Electric Piano 1", as basic-pitch writes
WINDOWS_PER_RUN = 8
OUTPUTS = {"note": "StatefulPartitionedCall:1", "onset": "StatefulPartitionedCall:2",
           "contour": "StatefulPartitionedCall:0"}


def model_windows(blocks: Iterator[np.ndarray]) -> Iterator[np.ndarray]:
    """basic-pitch's model inputs: the audio after half an overlap of zeros, cut every HOP samples
    into WINDOW-sample windows; the windows that run past the end are zero-padded."""
    prefix = np.zeros(OVERLAP_FRAMES * FFT_HOP // 2, dtype=np.float32)
    return padded_windows(chain([prefix], blocks), WINDOW, HOP)


def key_index(frequency: float) -> int:
    """The piano key (0 = A0) nearest a frequency, clamped to the keyboard's low end."""
    return max(int(np.round(12 * (np.log2(frequency) - np.log2(440.0)) + 69 - LOWEST_MIDI)), 0)


def frame_times(count: int) -> np.ndarray:
    """Seconds of each output frame, with basic-pitch's correction for the window overlap."""
    frames = np.arange(count)
    window_offset = (FFT_HOP / RATE) * (WINDOW_FRAMES - WINDOW / FFT_HOP) + 0.0018  # basic-pitch's constant
    return frames * FFT_HOP / RATE - window_offset * np.floor(frames / WINDOW_FRAMES)


def inferred_onsets(onsets: np.ndarray, frames: np.ndarray) -> np.ndarray:
    """Onsets raised where the frame activations jump over two frames (rescaled to the onsets' maximum).

    basic-pitch takes the smaller of the one- and two-frame differences in float64; that is
    ``f[i] - max(f[i-1], f[i-2])`` exactly (rounding is monotonic), computed here in one float64
    array instead of six, which an hour's activations made gigabytes."""
    jump = np.zeros(frames.shape)  # the first two frames stay 0, as basic-pitch sets them
    np.maximum(frames[1:-1], frames[:-2], out=jump[2:])
    np.subtract(frames[2:], jump[2:], out=jump[2:])
    np.maximum(jump, 0, out=jump)
    if (largest := jump.max()) > 0:
        jump *= onsets.max()
        jump /= largest
    return np.maximum(onsets, jump, out=jump)


def local_maxima(activations: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(frame, key) indices of values above both time neighbours (scipy.signal.argrelmax on axis 0)."""
    above = np.zeros(activations.shape, dtype=bool)
    above[1:-1] = (activations[1:-1] > activations[:-2]) & (activations[1:-1] > activations[2:])
    return np.nonzero(above)


def clear_note(energy: np.ndarray, times, key: int) -> None:
    """Zero the key and its neighbours over ``times``, so no note is found there twice."""
    energy[times, max(key - 1, 0):key + 2] = 0


def decode_notes(frames: np.ndarray, onsets: np.ndarray, onset_threshold: float, frame_threshold: float,
                 min_frames: int, melodia_trick: bool) -> list[tuple[int, int, int, float]]:
    """(start frame, end frame, MIDI pitch, amplitude) of each note: basic-pitch's
    output_to_notes_polyphonic with inferred onsets and its energy tolerance of 11 frames."""
    count = frames.shape[0]
    onsets = inferred_onsets(onsets, frames)
    peaks = np.zeros(onsets.shape)
    maxima = local_maxima(onsets)
    peaks[maxima] = onsets[maxima]
    starts, keys = np.where(peaks >= onset_threshold)
    energy = frames.copy()
    notes = []
    for start, key in zip(starts[::-1], keys[::-1]):  # latest onsets first
        if start >= count - 1:
            continue
        i, below = start + 1, 0
        while i < count - 1 and below < ENERGY_TOLERANCE:
            below = below + 1 if energy[i, key] < frame_threshold else 0
            i += 1
        end = i - below
        if end - start <= min_frames:
            continue
        clear_note(energy, slice(start, end), key)
        notes.append((start, end, key + LOWEST_MIDI, float(np.mean(frames[start:end, key]))))
    while melodia_trick and energy.max() > frame_threshold:
        # Notes without an onset, grown both ways from the strongest remaining frame.
        middle, key = np.unravel_index(np.argmax(energy), energy.shape)
        energy[middle, key] = 0
        i, below = middle + 1, 0
        while i < count - 1 and below < ENERGY_TOLERANCE:
            below = below + 1 if energy[i, key] < frame_threshold else 0
            clear_note(energy, i, key)
            i += 1
        end = i - 1 - below
        i, below = middle - 1, 0
        while i > 0 and below < ENERGY_TOLERANCE:
            below = below + 1 if energy[i, key] < frame_threshold else 0
            clear_note(energy, i, key)
            i -= 1
        start = i + 1 + below
        if end - start > min_frames:
            notes.append((start, end, key + LOWEST_MIDI, float(np.mean(frames[start:end, key]))))
    return notes


def pitch_bends(contours: np.ndarray, start: int, end: int, pitch: int) -> list[int]:
    """Per frame, the contour bin (1/3 semitone) of the note's strongest pitch, relative to in-tune,
    searched within 25 bins under a Gaussian weight (basic-pitch's get_pitch_bends)."""
    bins = contours.shape[1]
    centre = CONTOUR_BINS_PER_SEMITONE * (pitch - LOWEST_MIDI)
    low, high = max(centre - BEND_BINS, 0), min(bins, centre + BEND_BINS + 1)
    weight = np.exp(-0.5 * (np.arange(-BEND_BINS, BEND_BINS + 1) / 5.0) ** 2)  # Gaussian window, std 5 bins
    weight = weight[max(0, BEND_BINS - centre): 2 * BEND_BINS + 1 - max(0, centre - (bins - BEND_BINS - 1))]
    shift = BEND_BINS - max(0, BEND_BINS - centre) + CONTOUR_TUNING_BIN
    return [int(b) for b in np.argmax(contours[start:end, low:high] * weight, axis=1) - shift]


def to_midi(notes: list[dict], multiple_pitch_bends: bool):
    """A pretty_midi.PrettyMIDI of the notes: one piano track, or one per pitch with
    multiple_pitch_bends (MIDI bends a whole channel, so overlapping notes otherwise lose theirs)."""
    import pretty_midi

    midi = pretty_midi.PrettyMIDI(initial_tempo=MIDI_TEMPO)
    tracks: dict[int, pretty_midi.Instrument] = {}
    overlapping = set() if multiple_pitch_bends else overlapping_notes(notes)
    for index, note in enumerate(notes):
        track = tracks.setdefault(note["pitch"] if multiple_pitch_bends else 0,
                                  pretty_midi.Instrument(program=MIDI_PROGRAM))
        track.notes.append(pretty_midi.Note(velocity=note["velocity"], pitch=note["pitch"], start=note["onset"],
                                            end=note["offset"]))
        if index in overlapping or not note["bend_bins"]:
            continue
        times = np.linspace(note["onset"], note["offset"], len(note["bend_bins"]))
        # 4096 ticks a semitone: the default ±2-semitone wheel range.
        ticks = np.clip(np.round(np.array(note["bend_bins"]) * 4096 / CONTOUR_BINS_PER_SEMITONE), -8192, 8191)
        track.pitch_bends += [pretty_midi.PitchBend(int(tick), float(time)) for tick, time in zip(ticks, times)]
    midi.instruments.extend(tracks.values())
    return midi


def overlapping_notes(notes: list[dict]) -> set[int]:
    """Indices of notes that overlap another in time (``notes`` sorted by onset)."""
    found = set()
    for i, note in enumerate(notes):
        for j in range(i + 1, len(notes)):
            if notes[j]["onset"] >= note["offset"]:
                break
            found |= {i, j}
    return found


class NotesModel(AudioModel):
    def load(self):
        self.session = onnx_session(locate(self.spec.weights[0], self.spec.id))

    def activations(self, source: AudioSource) -> dict[str, np.ndarray]:
        """Frame-wise note, onset (88 keys) and contour (264 bins) activations of the whole input."""
        parts: dict[str, list[np.ndarray]] = {name: [] for name in OUTPUTS}
        length = 0

        def counted(blocks):
            nonlocal length
            for block in blocks:
                length += len(block)
                yield block

        windows = model_windows(counted(source.mono(RATE)))
        while batch := list(islice(windows, WINDOWS_PER_RUN)):
            inputs = {"serving_default_input_2:0": np.stack(batch)[..., None]}
            outputs = self.session.run(list(OUTPUTS.values()), inputs)
            for name, output in zip(OUTPUTS, outputs):
                trimmed = output[:, OVERLAP_FRAMES // 2: -(OVERLAP_FRAMES // 2)]
                parts[name].append(trimmed.reshape(-1, trimmed.shape[-1]))
        count = int(np.floor(length * (FRAMES_PER_SECOND / RATE)))
        # Joined one output at a time, each one's blocks freed as it is: the peak holds the blocks and
        # one joined output, not every output twice.
        return {name: np.concatenate(parts.pop(name))[:count] for name in OUTPUTS}

    def compute(self, source: AudioSource):
        options = self.options
        output = self.activations(source)
        frames, onsets = output["note"], output["onset"]  # changed in place: only the contours are read again
        if options["max_frequency"] > 0:
            above = np.s_[:, key_index(options["max_frequency"]):]
            frames[above] = onsets[above] = 0
        if options["min_frequency"] > 0:
            below = np.s_[:, :key_index(options["min_frequency"])]
            frames[below] = onsets[below] = 0
        notes = []
        if len(frames) > 1:
            min_frames = int(np.round(options["min_note_ms"] / 1000 * (RATE / FFT_HOP)))
            times = frame_times(len(frames))
            for start, end, pitch, amplitude in decode_notes(frames, onsets, options["onset_threshold"],
                                                             options["frame_threshold"], min_frames,
                                                             options["melodia_trick"]):
                notes.append({"onset": float(times[start]), "offset": float(times[end]), "pitch": int(pitch),
                              "velocity": int(np.round(127 * amplitude)),
                              "bend_bins": pitch_bends(output["contour"], start, end, pitch)})
        notes.sort(key=lambda note: (note["onset"], note["pitch"], note["offset"]))
        midi_path = self.write_midi(source, notes) if options["midi"] else None
        return {"notes": [public(note) for note in notes], "note_count": len(notes), "midi_path": midi_path}

    def write_midi(self, source: AudioSource, notes: list[dict]) -> str:
        """``<input stem>-<digest>.mid`` in output_dir, written whole or not at all."""
        folder = Path(self.options["output_dir"] or os.getcwd()).expanduser().resolve()
        stem = Path(source.name).stem if not source.name.startswith("<") else "notes"
        digest = hashlib.sha1(json.dumps([source.name, notes]).encode()).hexdigest()[:10]
        path = folder / f"{stem}-{digest}.mid"
        folder.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
        to_midi(notes, self.options["multiple_pitch_bends"]).write(str(partial))
        os.replace(partial, path)
        return str(path)


def public(note: dict) -> dict:
    """A note as returned: times rounded to 0.1 ms, pitch bends in cents."""
    return {"onset": round(note["onset"], 4), "offset": round(note["offset"], 4), "pitch": note["pitch"],
            "velocity": note["velocity"],
            "pitch_bend": [round(b * 100 / CONTOUR_BINS_PER_SEMITONE, 1) for b in note["bend_bins"]]}
