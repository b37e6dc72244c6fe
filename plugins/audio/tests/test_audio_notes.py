"""audio/notes against the notes rendered into synthetic music and against basic-pitch 0.4.0 itself.

basic-pitch cannot be a dependency (its metadata requires TensorFlow), so the two comparison tests
run where it is installed without its dependencies: ``pip install --no-deps basic-pitch==0.4.0``
(its real dependencies are in the audio and dev extras).
"""

from __future__ import annotations

import json

import numpy as np
import pytest
import symusic

import specialist_hub as sh
from specialist_hub_audio import notes as basic_pitch_notes
from specialist_hub_audio.notes import (
    CONTOUR_BINS_PER_SEMITONE,
    CONTOUR_TUNING_BIN,
    FFT_HOP,
    HOP,
    RATE,
    WINDOW,
    model_windows,
)
from specialist_hub_audio.plugin import ARPEGGIO, ARPEGGIO_NOTES, EXAMPLES

ONSET_TOLERANCE = 0.05  # s
FRAME = FFT_HOP / RATE  # s, one frame of activations


def notes(value, **options) -> dict:
    prediction = sh.predict("audio/notes", value, **options)[0]
    assert prediction.ok, prediction.error
    return prediction.output


def basic_pitch_inference():
    """basic_pitch.inference, imported quietly (it warns about each runtime it lacks)."""
    import logging

    level = logging.getLogger().level
    logging.getLogger().setLevel(logging.ERROR)
    try:
        import basic_pitch.inference  # installed by the README's test command (--no-deps: it pins TensorFlow)

        return basic_pitch.inference
    finally:
        logging.getLogger().setLevel(level)


def assert_transcribed(output: dict, truth) -> None:
    """Exactly the rendered pitches, each onset within ONSET_TOLERANCE."""
    found = sorted((note["onset"], note["pitch"]) for note in output["notes"])
    expected = sorted((onset, pitch) for pitch, onset, *_ in truth)
    assert [pitch for _, pitch in found] == [pitch for _, pitch in expected]
    for (got, _), (want, _) in zip(found, expected):
        assert got == pytest.approx(want, abs=ONSET_TOLERANCE)


def test_arpeggio_fixture_gives_exactly_its_notes():
    output = notes(ARPEGGIO)
    assert output["note_count"] == len(ARPEGGIO_NOTES) and output["midi_path"] is None
    assert_transcribed(output, ARPEGGIO_NOTES)


def test_other_keys_rates_and_channels(fixtures):
    # A minor arpeggio at 44.1 kHz in stereo, then an F major triad struck at once.
    music = ((57, 0.3, 0.35), (60, 0.7, 0.35), (64, 1.1, 0.35), (69, 1.5, 0.35), (53, 2.0, 0.8), (57, 2.0, 0.8),
             (60, 2.0, 0.8))
    audio = fixtures.render(music, 44100)
    assert_transcribed(notes((np.stack([audio, 0.5 * audio]), 44100)), music)


def test_in_tune_notes_bend_by_zero_and_detuned_ones_by_their_detuning(fixtures):
    # +1/3 semitone is one bin of Basic Pitch's contour; basic-pitch itself reads in-tune notes as +1 bin.
    for detune_cents in (0.0, 100 / 3, -100 / 3):
        output = notes((fixtures.render(((69 + detune_cents / 100, 0.2, 0.8),), 22050), 22050))
        (note,) = output["notes"]
        assert note["pitch"] == 69
        assert np.median(note["pitch_bend"]) == pytest.approx(detune_cents, abs=0.1)


def test_midi_file_reads_back_with_an_independent_midi_parser(tmp_path):
    output = notes(ARPEGGIO, midi=True, output_dir=str(tmp_path))
    assert output["midi_path"].startswith(str(tmp_path)) and output["midi_path"].endswith(".mid")
    score = symusic.Score(output["midi_path"], ttype="second")
    (track,) = score.tracks
    assert track.program == 4  # Electric Piano 1, as basic-pitch writes
    written = sorted((n.pitch, n.start, n.end, n.velocity) for n in track.notes)
    expected = sorted((n["pitch"], n["onset"], n["offset"], n["velocity"]) for n in output["notes"])
    assert [w[0] for w in written] == [e[0] for e in expected]
    assert [w[3] for w in written] == [e[3] for e in expected]
    for (_, start, end, _), (_, onset, offset, _) in zip(written, expected):
        assert start == pytest.approx(onset, abs=0.003) and end == pytest.approx(offset, abs=0.003)  # 1/440 s ticks
    # The dyad overlaps, so only the three arpeggio notes keep their bends (one per frame).
    assert len(track.pitch_bends) == sum(len(n["pitch_bend"]) for n in output["notes"] if n["pitch"] in (60, 64, 67))


def test_frequency_limits_and_thresholds():
    pitches = {note["pitch"] for note in notes(ARPEGGIO, min_frequency=200.0, max_frequency=500.0)["notes"]}
    assert pitches == {60, 64, 67}  # C3 (131 Hz) and C5 (523 Hz) are cut
    assert notes(ARPEGGIO, onset_threshold=1.0, melodia_trick=False)["notes"] == []


def test_notes_and_midi_equal_basic_pitch_inference(tmp_path):
    inference = basic_pitch_inference()
    from basic_pitch import FilenameSuffix, build_icassp_2022_model_path

    _, midi, events = inference.predict(ARPEGGIO, build_icassp_2022_model_path(FilenameSuffix.onnx))
    output = notes(ARPEGGIO, midi=True, output_dir=str(tmp_path))
    theirs = sorted(events, key=lambda e: (e[0], e[2], e[1]))
    assert len(output["notes"]) == len(theirs)
    for ours, (start, end, pitch, amplitude, bends) in zip(output["notes"], theirs):
        assert (ours["pitch"], ours["velocity"]) == (pitch, round(127 * amplitude))
        assert ours["onset"] == pytest.approx(start, abs=1e-4) and ours["offset"] == pytest.approx(end, abs=1e-4)
        cents = [(b - CONTOUR_TUNING_BIN) * 100 / CONTOUR_BINS_PER_SEMITONE for b in bends]
        assert ours["pitch_bend"] == pytest.approx(cents, abs=0.05)
    ours_midi = symusic.Score(output["midi_path"], ttype="second").tracks[0]
    their_notes = sorted((n.pitch, n.velocity, n.start, n.end) for n in midi.instruments[0].notes)
    our_notes = sorted((n.pitch, n.velocity, n.start, n.end) for n in ours_midi.notes)
    assert [n[:2] for n in our_notes] == [n[:2] for n in their_notes]
    np.testing.assert_allclose([n[2:] for n in our_notes], [n[2:] for n in their_notes], atol=0.003)
    their_bends = sorted((b.time, b.pitch) for b in midi.instruments[0].pitch_bends)
    our_bends = sorted((b.time, b.value) for b in ours_midi.pitch_bends)
    assert len(our_bends) == len(their_bends)
    for (time, value), (their_time, their_value) in zip(our_bends, their_bends):
        assert time == pytest.approx(their_time, abs=0.003)
        assert value == pytest.approx(their_value - 4096 / CONTOUR_BINS_PER_SEMITONE, abs=1)


@pytest.mark.parametrize("seconds", [0.01, 1.9, 2.0, 3.3, 12.0])
def test_model_windows_are_basic_pitch_windows(seconds):
    window_audio_file = basic_pitch_inference().window_audio_file
    audio = np.random.default_rng(2).uniform(-0.5, 0.5, int(seconds * 22050)).astype(np.float32)
    padded = np.concatenate([np.zeros((WINDOW - HOP) // 2, dtype=np.float32), audio])
    theirs = [window[:, 0] for window, _ in window_audio_file(padded, HOP)]
    ours = list(model_windows(audio[start:start + 10007] for start in range(0, len(audio), 10007)))
    assert len(ours) == len(theirs)
    for got, want in zip(ours, theirs):
        np.testing.assert_array_equal(got, want)


def test_the_registered_notes_are_the_recorded_truth():
    truth = json.loads((EXAMPLES / "arpeggio.json").read_text())["notes"]
    assert [(n["pitch"], n["onset"], n["offset"]) for n in truth] == list(ARPEGGIO_NOTES)


def test_notes_decoded_in_segments_equal_the_recording_decoded_whole(monkeypatch, fixtures):
    # 16 s of piano notes every 0.45 s over organ-like held tones of 1.3-4 s, decoded in segments of
    # 2 s with 1 s of context: notes cross every segment boundary, and the held ones outlast the context.
    melody = fixtures.render([(60 + (i * 5) % 17, 0.3 + 0.45 * i, 0.35) for i in range(30)], RATE, tail=1.0)
    t = np.arange(len(melody)) / RATE
    for start, length, pitch in [(2.0, 3.0, 45), (7.5, 4.0, 40), (12.6, 1.3, 50)]:
        held = (t >= start) & (t < start + length)
        melody[held] += 0.25 * np.sin(2 * np.pi * 440 * 2 ** ((pitch - 69) / 12) * t[held])
    whole = notes((melody, RATE))["notes"]  # 16 s is within one segment
    monkeypatch.setattr(basic_pitch_notes, "SEGMENT_FRAMES", 172)
    monkeypatch.setattr(basic_pitch_notes, "CONTEXT_FRAMES", 86)
    segmented = notes((melody, RATE))["notes"]
    assert len(segmented) == len(whole) == 36

    def by_pitch(found):  # onsets a frame apart may swap the order of notes struck together
        return sorted(found, key=lambda n: (n["pitch"], n["onset"]))

    for ours, theirs in zip(by_pitch(segmented), by_pitch(whole)):
        assert ours["pitch"] == theirs["pitch"]
        assert ours["onset"] == pytest.approx(theirs["onset"], abs=FRAME + 1e-4)
        assert ours["offset"] == pytest.approx(theirs["offset"], abs=FRAME + 1e-4)
        assert abs(ours["velocity"] - theirs["velocity"]) <= 2
    # Held notes longer than the 1 s context reach across a segment's boundary (every 2 s).
    assert sum(n["offset"] - n["onset"] > 1.0 and n["onset"] // 2 != n["offset"] // 2 for n in segmented) == 2


def test_a_long_recording_is_decoded_a_segment_at_a_time(monkeypatch, sine):
    # 100 s of tones (a new pitch every 4 s), no longer refused: no decoding sees more than a segment
    # and its context, so memory does not grow with the recording.
    pitches = [48 + (i * 7) % 24 for i in range(25)]
    audio = np.concatenate([np.concatenate([sine(440 * 2 ** ((p - 69) / 12), 3.0, RATE, 0.3),
                                            np.zeros(RATE, dtype=np.float32)]) for p in pitches])
    decoded, decode_notes = [], basic_pitch_notes.decode_notes

    def recorded(frames, *arguments):
        decoded.append(len(frames))
        return decode_notes(frames, *arguments)

    monkeypatch.setattr(basic_pitch_notes, "decode_notes", recorded)
    output = notes((audio, RATE))
    bound = basic_pitch_notes.SEGMENT_FRAMES + 2 * basic_pitch_notes.CONTEXT_FRAMES
    assert len(decoded) == 2 and max(decoded) <= bound < sum(decoded) - 2 * basic_pitch_notes.CONTEXT_FRAMES
    assert [n["pitch"] for n in output["notes"]] == pitches
    np.testing.assert_allclose([n["onset"] for n in output["notes"]], np.arange(25) * 4.0, atol=ONSET_TOLERANCE)
