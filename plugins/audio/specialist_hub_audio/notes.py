"""Polyphonic note transcription with Spotify's Basic Pitch on onnxruntime, MIDI written on request.

basic-pitch's metadata requires TensorFlow, so its ONNX model ships here (``data/nmp.onnx``) and
its thin glue is rewritten on numpy: the windowing and unwrapping of
``basic_pitch/inference.py`` and the note decoding of ``basic_pitch/note_creation.py`` (0.4.0,
Copyright 2022 Spotify AB, Apache-2.0; see ``data/basic-pitch-NOTICE``), step for step, so notes
equal ``basic_pitch.inference.predict``'s. One deliberate difference: pitch bends are measured
from the contour bin where an in-tune note peaks, one bin (1/3 semitone) above the bin basic-pitch
assumes, so in-tune notes bend by 0 rather than +33 cents (spotify/basic-pitch issue 87).

Audio is read in blocks and the network runs window by window; its activations are decoded a
minute at a time, each segment with ten seconds of its neighbours on both sides, so memory does not
grow with the recording. A segment keeps the notes that start in it; a note still sounding where its
segment's context ends takes its end from the next segment: the same onset found again there, or,
for a note begun before that segment, the note of its pitch from the segment's first frames. Notes
equal the whole recording's decoded at once (the tests hold them within a frame), except that
onsets inferred from jumps of the frame activations are scaled by each segment's maxima rather
than the recording's, which can move an onset by a frame.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import chain, islice
from pathlib import Path

import numpy as np

from specialist_hub.weights import locate

from .audio import AudioModel, AudioSource, chunks_with_context, onnx_session, padded_windows

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
#: Columns of an activation row: note (88 keys), onset (88 keys), contour (264 bins).
NOTE, ONSET, CONTOUR = np.s_[:, :KEYS], np.s_[:, KEYS:2 * KEYS], np.s_[:, 2 * KEYS:]
SEGMENT_FRAMES = 60 * FRAMES_PER_SECOND  # activations decoded at once: a minute
#: Frames of each neighbour a segment also decodes: a note that starts in the segment and lasts up to
#: this long is decoded whole, with the notes around it that shorten it.
CONTEXT_FRAMES = 10 * FRAMES_PER_SECOND
ONSET_JITTER = 2  # frames by which two segments may place the same onset apart


def model_windows(blocks: Iterator[np.ndarray]) -> Iterator[np.ndarray]:
    """basic-pitch's model inputs: the audio after half an overlap of zeros, cut every HOP samples
    into WINDOW-sample windows; the windows that run past the end are zero-padded."""
    prefix = np.zeros(OVERLAP_FRAMES * FFT_HOP // 2, dtype=np.float32)
    return padded_windows(chain([prefix], blocks), WINDOW, HOP)


def key_index(frequency: float) -> int:
    """The piano key (0 = A0) nearest a frequency, clamped to the keyboard's low end."""
    return max(int(np.round(12 * (np.log2(frequency) - np.log2(440.0)) + 69 - LOWEST_MIDI)), 0)


def frame_time(frame: int) -> float:
    """Seconds of an output frame, with basic-pitch's correction for the window overlap."""
    window_offset = (FFT_HOP / RATE) * (WINDOW_FRAMES - WINDOW / FFT_HOP) + 0.0018  # basic-pitch's constant
    return float(frame * FFT_HOP / RATE - window_offset * (frame // WINDOW_FRAMES))


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


@dataclass
class Note:
    """A decoded note in frames of the whole recording, with its key's frame activation and its
    pitch bend (contour bins) at each of its frames."""

    start: int
    end: int
    pitch: int
    levels: list[float]
    bend_bins: list[int]

    @classmethod
    def decoded(cls, frames: np.ndarray, contours: np.ndarray, first: int, start: int, end: int,
                pitch: int) -> Note:
        """The note from ``start`` to ``end``, rows of a segment whose row 0 is the recording's frame ``first``."""
        note = cls(int(first + start), int(first + start), int(pitch), [], [])
        note.continue_with(frames, contours, first, int(first + end))
        return note

    def continue_with(self, frames: np.ndarray, contours: np.ndarray, first: int, end: int) -> None:
        """The note as a later segment (row 0 at frame ``first``) sees it, ending at frame ``end``: its frames
        from that segment's first row on are the segment's."""
        keep = max(first - self.start, 0)
        rows = slice(self.start + keep - first, end - first)
        self.levels = self.levels[:keep] + frames[rows, self.pitch - LOWEST_MIDI].tolist()
        self.bend_bins = self.bend_bins[:keep] + pitch_bends(contours, rows.start, rows.stop, self.pitch)
        self.end = end

    def end_in(self, found: list[tuple[int, int, int, float]], first: int) -> int | None:
        """Where a later segment's notes (row 0 at frame ``first``) end this one: the same note found again
        at its onset, or, with the onset before the segment, a note of its pitch from the segment's start."""
        for start, end, pitch, _ in found:
            if pitch != self.pitch:
                continue
            if self.start >= first and abs(first + start - self.start) <= ONSET_JITTER and first + end > self.start:
                return int(first + end)
            if self.start < first and start <= ENERGY_TOLERANCE + 1 and first + end > self.end:
                return int(first + end)
        return None

    @property
    def velocity(self) -> int:
        return int(np.round(127 * np.mean(np.array(self.levels, dtype=np.float32))))

    def public(self) -> dict:
        """As returned: times rounded to 0.1 ms, pitch bends in cents."""
        return {"onset": round(frame_time(self.start), 4), "offset": round(frame_time(self.end), 4),
                "pitch": self.pitch, "velocity": self.velocity,
                "pitch_bend": [round(b * 100 / CONTOUR_BINS_PER_SEMITONE, 1) for b in self.bend_bins]}


def to_midi(notes: list[Note], multiple_pitch_bends: bool):
    """A pretty_midi.PrettyMIDI of the notes: one piano track, or one per pitch with
    multiple_pitch_bends (MIDI bends a whole channel, so overlapping notes otherwise lose theirs)."""
    import pretty_midi

    midi = pretty_midi.PrettyMIDI(initial_tempo=MIDI_TEMPO)
    tracks: dict[int, pretty_midi.Instrument] = {}
    overlapping = set() if multiple_pitch_bends else overlapping_notes(notes)
    for index, note in enumerate(notes):
        track = tracks.setdefault(note.pitch if multiple_pitch_bends else 0,
                                  pretty_midi.Instrument(program=MIDI_PROGRAM))
        onset, offset = frame_time(note.start), frame_time(note.end)
        track.notes.append(pretty_midi.Note(velocity=note.velocity, pitch=note.pitch, start=onset, end=offset))
        if index in overlapping or not note.bend_bins:
            continue
        times = np.linspace(onset, offset, len(note.bend_bins))
        # 4096 ticks a semitone: the default ±2-semitone wheel range.
        ticks = np.clip(np.round(np.array(note.bend_bins) * 4096 / CONTOUR_BINS_PER_SEMITONE), -8192, 8191)
        track.pitch_bends += [pretty_midi.PitchBend(int(tick), float(time)) for tick, time in zip(ticks, times)]
    midi.instruments.extend(tracks.values())
    return midi


def overlapping_notes(notes: list[Note]) -> set[int]:
    """Indices of notes that overlap another in time (``notes`` sorted by onset)."""
    found = set()
    for i, note in enumerate(notes):
        for j in range(i + 1, len(notes)):
            if notes[j].start >= note.end:  # frame times increase with the frame
                break
            found |= {i, j}
    return found


class NotesModel(AudioModel):
    def load(self):
        self.session = onnx_session(locate(self.spec.weights[0], self.spec.id))

    def activations(self, source: AudioSource) -> Iterator[np.ndarray]:
        """Frame-wise activation rows (note, onset, contour: see NOTE, ONSET, CONTOUR) of the input,
        in blocks of a run of windows, cut to basic-pitch's frame count of the whole input."""
        length, sent, held = 0, 0, None

        def counted(blocks):
            nonlocal length
            for block in blocks:
                length += len(block)
                yield block

        windows = model_windows(counted(source.mono(RATE)))
        while batch := list(islice(windows, WINDOWS_PER_RUN)):
            inputs = {"serving_default_input_2:0": np.stack(batch)[..., None]}
            outputs = dict(zip(OUTPUTS, self.session.run(list(OUTPUTS.values()), inputs)))
            rows = np.concatenate([outputs[name] for name in OUTPUTS], axis=-1)
            rows = rows[:, OVERLAP_FRAMES // 2: -(OVERLAP_FRAMES // 2)]
            if held is not None:  # held back a run: the count is known once the input has ended
                yield held
                sent += len(held)
            held = rows.reshape(-1, rows.shape[-1])
        if held is not None:
            yield held[: int(np.floor(length * (FRAMES_PER_SECOND / RATE))) - sent]

    def compute(self, source: AudioSource):
        options = self.options
        min_frames = int(np.round(options["min_note_ms"] / 1000 * (RATE / FFT_HOP)))
        low = key_index(options["min_frequency"]) if options["min_frequency"] > 0 else 0
        high = key_index(options["max_frequency"]) if options["max_frequency"] > 0 else KEYS
        notes: list[Note] = []
        sounding: list[Note] = []  # notes still sounding where the last segment's activations ended
        at_boundary: list[Note] = []  # the last segment's notes that start just before its end
        segments = chunks_with_context(self.activations(source), SEGMENT_FRAMES, CONTEXT_FRAMES)
        for index, (rows, kept) in enumerate(segments):
            first = index * SEGMENT_FRAMES - kept.start  # the recording's frame at row 0
            frames, onsets, contours = rows[NOTE].copy(), rows[ONSET].copy(), rows[CONTOUR]
            frames[:, :low] = onsets[:, :low] = frames[:, high:] = onsets[:, high:] = 0
            found = decode_notes(frames, onsets, options["onset_threshold"], options["frame_threshold"],
                                 min_frames, options["melodia_trick"]) if len(rows) > 1 else []
            cut = kept.stop < len(rows)  # more activations follow
            continuing = []
            for note in sounding:
                if (end := note.end_in(found, first)) is not None:
                    note.continue_with(frames, contours, first, end)
                    if cut and end - first >= len(rows) - ENERGY_TOLERANCE:
                        continuing.append(note)
            claimed = []
            for start, end, pitch, _ in found:
                # A note found a frame or two apart in two segments (their inferred onsets are scaled
                # apart) is claimed by the earlier one.
                if not kept.start - (index and ONSET_JITTER) <= start < kept.stop or any(
                        other.pitch == pitch and abs(other.start - (first + start)) <= ONSET_JITTER
                        for other in at_boundary):
                    continue
                note = Note.decoded(frames, contours, first, start, end, pitch)
                claimed.append(note)
                if cut and end >= len(rows) - ENERGY_TOLERANCE:  # stopped by the end of the activations
                    continuing.append(note)
            notes += claimed
            sounding = continuing
            at_boundary = [note for note in claimed if note.start >= first + kept.stop - ONSET_JITTER]
        notes.sort(key=lambda note: (note.start, note.pitch, note.end))
        public = [note.public() for note in notes]
        midi_path = self.write_midi(source, notes, public) if options["midi"] else None
        return {"notes": public, "note_count": len(notes), "midi_path": midi_path}

    def write_midi(self, source: AudioSource, notes: list[Note], public: list[dict]) -> str:
        """``<input stem>-<digest>.mid`` in output_dir, written whole or not at all."""
        folder = Path(self.options["output_dir"] or os.getcwd()).expanduser().resolve()
        stem = Path(source.name).stem if not source.name.startswith("<") else "notes"
        digest = hashlib.sha1(json.dumps([source.name, public]).encode()).hexdigest()[:10]
        path = folder / f"{stem}-{digest}.mid"
        folder.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
        to_midi(notes, self.options["multiple_pitch_bends"]).write(str(partial))
        os.replace(partial, path)
        return str(path)
