"""audio/speech-quality against speechmos (Microsoft's reference DNSMOS code) called directly."""

from __future__ import annotations

import numpy as np
import pytest
import soundfile as sf
from speechmos import dnsmos

import specialist_hub as sh
from specialist_hub_audio.plugin import SPEECH
from specialist_hub_audio.speech_quality import RATE, reference_windows

SCORES = ("sig_mos", "bak_mos", "ovrl_mos", "p808_mos")


def speech() -> np.ndarray:
    return sf.read(SPEECH, dtype="float32")[0]


def with_noise(audio: np.ndarray, snr_db: float, seed: int = 0) -> np.ndarray:
    """White noise at ``snr_db`` below the power of the speech samples."""
    power = np.mean(audio[audio != 0] ** 2)
    noise = np.random.default_rng(seed).standard_normal(len(audio)) * np.sqrt(power / 10 ** (snr_db / 10))
    return np.clip(audio + noise, -1, 1).astype(np.float32)


def quality(value, **options) -> dict:
    prediction = sh.predict("audio/speech-quality", value, **options)[0]
    assert prediction.ok, prediction.error
    return prediction.output


def assert_equals_speechmos(output: dict, audio: np.ndarray, model_type: str = "dnsmos") -> None:
    expected = dnsmos.run(audio, RATE, model_type=model_type)
    for name in SCORES:
        assert output[name] == pytest.approx(float(expected[name]), abs=1e-4), name


def test_clean_speech_scores_higher_than_the_same_with_noise():
    clean = quality(SPEECH)
    noisy = quality((with_noise(speech(), 10.0), RATE))
    assert clean["ovrl_mos"] > noisy["ovrl_mos"] + 0.5
    assert clean["bak_mos"] > noisy["bak_mos"] + 1.0
    assert_equals_speechmos(clean, speech())


def test_long_recording_streamed_from_a_file_equals_speechmos(tmp_path):
    # 17.5 s: past the 10 s read blocks, and up to window 7, which the reference skips.
    audio = np.concatenate([speech(), with_noise(speech(), 15.0), speech()])[: int(17.5 * RATE)]
    path = tmp_path / "long.wav"
    sf.write(path, audio, RATE, subtype="FLOAT")
    output = quality(str(path))
    assert output["windows"] == 7  # int(17 - 9.01) + 1 windows, less window 7
    assert_equals_speechmos(output, audio)


def test_short_clip_with_the_personalized_model_equals_speechmos():
    clip = speech()[RATE: 4 * RATE]  # 3 s, repeated to 12 s as the reference does
    output = quality((clip, RATE), personalized=True)
    assert output["windows"] == 3 and output["duration"] == 3.0
    assert_equals_speechmos(output, clip, model_type="dnsmos_personalized")


class RecordingSession:
    """Stands in for an onnxruntime session and keeps the windows the reference feeds it."""

    def __init__(self):
        self.inputs = []

    def run(self, _, feeds):
        self.inputs.append(feeds["input_1"][0])
        return [np.zeros((1, 3), dtype=np.float32)]


@pytest.mark.parametrize("seconds", [0.3, 4.5, 9.0, 9.01, 9.5, 10.0, 10.009, 10.01, 17.0, 17.5, 31.2])
def test_windows_are_the_ones_the_reference_scores(seconds):
    audio = np.random.default_rng(1).uniform(-0.5, 0.5, int(seconds * RATE)).astype(np.float32)
    reference = dnsmos.DNSMOS.__new__(dnsmos.DNSMOS)
    reference.onnx_sess, reference.p808_onnx_sess = RecordingSession(), RecordingSession()
    reference(audio, RATE, False)
    blocks = (audio[start:start + 7001] for start in range(0, len(audio), 7001))
    ours = list(reference_windows(blocks))
    assert len(ours) == len(reference.onnx_sess.inputs)
    for got, want in zip(ours, reference.onnx_sess.inputs):
        np.testing.assert_array_equal(got, want)
