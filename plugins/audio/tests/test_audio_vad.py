"""audio/vad against the constructed truth of the espeak-ng fixture and against Silero itself."""

from __future__ import annotations

import numpy as np
import pytest
import soundfile as sf
import torch
import torchaudio.functional as AF

import specialist_hub as sh
from specialist_hub_audio.audio import BLOCK_SECONDS
from specialist_hub_audio.plugin import SPEECH, TONE_220
from specialist_hub_audio.vad import load_silero

EDGE_TOLERANCE = 0.15  # s: 32 ms windows, Silero's hysteresis and its 30 ms padding


def speech_16k() -> np.ndarray:
    return sf.read(SPEECH, dtype="float32")[0]


def test_segments_match_the_known_silences(speech_truth):
    output = sh.predict("audio/vad", SPEECH, min_silence_ms=300)[0].output
    truth = speech_truth["speech"]
    assert len(output["segments"]) == len(truth)
    for segment, phrase in zip(output["segments"], truth):
        assert segment["start"] == pytest.approx(phrase["start"], abs=EDGE_TOLERANCE)
        assert segment["end"] == pytest.approx(phrase["end"], abs=EDGE_TOLERANCE)
    spoken = sum(p["end"] - p["start"] for p in truth)
    assert output["speech_seconds"] == pytest.approx(spoken, abs=2 * len(truth) * EDGE_TOLERANCE)
    assert output["speech_ratio"] == pytest.approx(output["speech_seconds"] / speech_truth["duration"])


def test_pure_tones_and_silence_are_not_speech(sine):
    for value in (TONE_220, (sine(1000, 2.0, 44100), 44100), (np.zeros(16000), 16000)):
        output = sh.predict("audio/vad", value)[0].output
        assert output["segments"] == [] and output["speech_seconds"] == 0.0


def test_long_file_streamed_in_blocks_equals_silero_on_the_whole_array(tmp_path, speech_truth):
    # 4 s of silence first, so the first block boundary (BLOCK_SECONDS = 10) falls inside the second phrase.
    audio = np.concatenate([np.zeros(4 * 16000, dtype=np.float32), speech_16k()])
    assert 4 + speech_truth["speech"][1]["start"] < BLOCK_SECONDS < 4 + speech_truth["speech"][1]["end"]
    path = tmp_path / "long.wav"
    sf.write(path, audio, 16000, subtype="FLOAT")
    from silero_vad import get_speech_timestamps

    expected = get_speech_timestamps(torch.from_numpy(audio), load_silero(), min_silence_duration_ms=300)
    output = sh.predict("audio/vad", str(path), min_silence_ms=300)[0].output
    assert output["segments"] == [{"start": round(s["start"] / 16000, 3), "end": round(s["end"] / 16000, 3)}
                                  for s in expected]


def test_other_rates_and_channels_give_the_same_segments():
    audio = speech_16k()
    stereo_44k = AF.resample(torch.from_numpy(audio), 16000, 44100).numpy()
    reference = sh.predict("audio/vad", SPEECH, min_silence_ms=300)[0].output["segments"]
    output = sh.predict("audio/vad", (np.stack([stereo_44k, stereo_44k]), 44100), min_silence_ms=300)[0].output
    assert len(output["segments"]) == len(reference)
    for got, want in zip(output["segments"], reference):
        assert got["start"] == pytest.approx(want["start"], abs=0.05)
        assert got["end"] == pytest.approx(want["end"], abs=0.05)


def test_options_change_segmentation():
    default = sh.predict("audio/vad", SPEECH)[0].output["segments"]
    merged = sh.predict("audio/vad", SPEECH, min_silence_ms=300)[0].output["segments"]
    assert len(default) >= len(merged) == 2  # Silero's 100 ms default splits at word gaps
    assert sh.predict("audio/vad", SPEECH, threshold=0.999)[0].output["speech_seconds"] < merged[0]["end"]
    with pytest.raises(sh.OptionError):
        sh.load("audio/vad", threshold="high")


def test_the_registered_example_is_the_recorded_truth(speech_truth):
    from specialist_hub_audio.plugin import SPEECH_DURATION, SPEECH_PHRASES

    assert speech_truth["duration"] == SPEECH_DURATION
    assert list(SPEECH_PHRASES) == [{"start": p["start"], "end": p["end"]} for p in speech_truth["speech"]]
