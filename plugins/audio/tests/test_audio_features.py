"""audio/features against physical truths and the ITU-R BS.1770 / EBU Tech 3341 references."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
import torchaudio.functional as AF
import torchaudio.transforms as T

import specialist_hub as sh
from specialist_hub_audio.features import Loudness
from specialist_hub_audio.plugin import TONE_1K_STEREO


def features(samples, rate):
    prediction = sh.predict("audio/features", (samples, rate))[0]
    assert prediction.ok, prediction.error
    return prediction.output


def test_full_scale_sine_levels(sine):
    output = features(sine(1000, 1.0, 48000, amplitude=1.0), 48000)
    assert output["peak_dbfs"] == pytest.approx(0.0, abs=0.01)
    assert output["rms_dbfs"] == pytest.approx(-3.0103, abs=0.01)  # 20·log10(1/√2)
    assert (output["sample_rate"], output["channels"], output["duration"]) == (48000, 1, 1.0)


def test_bs1770_mono_sine_reads_its_rms_level(sine):
    # BS.1770-4: a 0 dBFS 1 kHz sine in one channel reads -3.01 LKFS, so one at -20 dBFS RMS reads -20.0.
    amplitude = 10 ** (-20 / 20) * math.sqrt(2)
    output = features(sine(1000, 3.0, 48000, amplitude), 48000)
    assert output["rms_dbfs"] == pytest.approx(-20.0, abs=0.01)
    assert output["loudness_lufs"] == pytest.approx(-20.0, abs=0.1)


def test_ebu_tech_3341_case_1_committed_fixture():
    # EBU Tech 3341 table 1, case 1: stereo 1 kHz sine at -23.0 dBFS peak per channel reads -23.0 ±0.1 LUFS.
    output = sh.predict("audio/features", TONE_1K_STEREO)[0].output
    assert output["channels"] == 2
    assert output["loudness_lufs"] == pytest.approx(-23.0, abs=0.1)
    assert output["peak_dbfs"] == pytest.approx(-23.0, abs=0.01)
    assert output["spectral_centroid_hz"] == pytest.approx(1000.0, rel=0.01)


def test_streamed_loudness_equals_torchaudio_on_the_whole_signal():
    rng = np.random.default_rng(0)
    rate = 16000
    # Noise bursts at different levels and a near-silent stretch, so both gates act.
    levels = np.repeat([0.3, 0.01, 0.0005, 0.2, 0.05], 3 * rate)
    signal = (rng.standard_normal((2, len(levels))) * levels).astype(np.float32)
    expected = float(AF.loudness(torch.from_numpy(signal), rate))
    meter = Loudness(rate, 2)
    for start in range(0, signal.shape[1], 7001):  # blocks not aligned with the 100 ms gate step
        meter.push(signal[:, start:start + 7001].T)
    assert meter.integrated() == pytest.approx(expected, abs=0.01)


def test_mfcc_means_equal_torchaudio_on_the_whole_signal(sine):
    audio = sine(440, 2.0, 16000) + sine(1900, 2.0, 16000, amplitude=0.2)
    mfcc = T.MFCC(16000, 13, log_mels=True, melkwargs={"n_fft": 400, "hop_length": 160, "n_mels": 40,
                                                        "center": False})
    expected = mfcc(torch.from_numpy(audio)).mean(dim=-1).numpy()
    np.testing.assert_allclose(features(audio, 16000)["mfcc_mean"], expected, rtol=1e-3, atol=1e-3)


def test_spectral_centroid_of_two_equal_tones_is_their_midpoint(sine):
    audio = sine(500, 1.0, 44100) + sine(3500, 1.0, 44100)
    assert features(audio, 44100)["spectral_centroid_hz"] == pytest.approx(2000.0, rel=0.01)


def test_silence_and_very_short_inputs_have_null_levels(sine):
    silent = features(np.zeros(16000, dtype=np.float32), 16000)
    assert silent["peak_dbfs"] is None and silent["rms_dbfs"] is None and silent["loudness_lufs"] is None
    assert silent["spectral_centroid_hz"] is None
    short = features(sine(1000, 0.2, 16000), 16000)
    assert short["loudness_lufs"] is None and short["peak_dbfs"] == pytest.approx(-6.02, abs=0.01)
