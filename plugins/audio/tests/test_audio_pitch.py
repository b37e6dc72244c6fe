"""audio/pitch against tones of known frequency and against torchcrepe's own predict()."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torchcrepe

import specialist_hub as sh
from specialist_hub_audio.plugin import TONE_220


def test_committed_220_hz_tone():
    output = sh.predict("audio/pitch", TONE_220)[0].output
    assert output["f0_median"] == pytest.approx(220.0, rel=0.01)
    assert output["voiced_fraction"] > 0.95
    assert output["frames"] == 101 and output["track"] == []


@pytest.mark.parametrize("freq,rate", [(110.0, 16000), (440.0, 44100), (880.0, 22050)])
def test_tones_of_known_frequency_within_one_percent(sine, freq, rate):
    output = sh.predict("audio/pitch", (sine(freq, 0.5, rate), rate))[0].output
    assert output["f0_median"] == pytest.approx(freq, rel=0.01)


def test_full_model(sine):
    output = sh.predict("audio/pitch", (sine(330.0, 0.3, 16000), 16000), model="full")[0].output
    assert output["f0_median"] == pytest.approx(330.0, rel=0.01)


def test_track_matches_torchcrepe_predict(sine):
    audio = sine(196.0, 0.6, 16000) * np.linspace(0, 1, 9600, dtype=np.float32)
    output = sh.predict("audio/pitch", (audio, 16000), track=True, voicing_threshold=0.0)[0].output
    f0, periodicity = torchcrepe.predict(torch.from_numpy(audio)[None], 16000, 160, model="tiny",
                                         decoder=torchcrepe.decode.weighted_argmax, return_periodicity=True)
    track = output["track"]
    assert len(track) == output["frames"] == f0.shape[1] == 61
    assert [row["time"] for row in track[:3]] == [0.0, 0.01, 0.02]
    np.testing.assert_allclose([row["f0"] for row in track], f0[0].numpy(), rtol=1e-3)
    np.testing.assert_allclose([row["periodicity"] for row in track], periodicity[0].numpy(), atol=1e-3)
    assert output["voiced_fraction"] == 1.0


def test_silence_and_noise_have_no_voiced_frames():
    noise = np.random.default_rng(0).standard_normal(8000) * 0.1
    for audio in (np.zeros(8000), noise):
        output = sh.predict("audio/pitch", (audio, 16000))[0].output
        assert output["voiced_fraction"] == 0.0 and output["f0_median"] is None


def test_viterbi_decoder():
    output = sh.predict("audio/pitch", TONE_220, decoder="viterbi")[0].output
    assert output["f0_median"] == pytest.approx(220.0, rel=0.01)
