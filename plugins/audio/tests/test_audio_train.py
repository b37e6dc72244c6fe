"""hub train on audio: log-mel/MFCC statistics and Resemblyzer speaker embeddings, voices as classes.

Data: eight Harvard sentences spoken by three espeak-ng voices (tests/data/voices, made by
scripts/make_voices.py); the sentence is the group, so every held-out clip is a sentence the model
never heard. References: Resemblyzer's own ``VoiceEncoder.embed_utterance`` (the reference
implementation) for the embedding, and the practitioner's baseline, logistic regression on
librosa's mean MFCCs with the same sentence-grouped folds, for the default featuriser.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from specialist_hub.conformance import compare
from specialist_hub.registry import Registry
from specialist_hub.testing import served_predictions, trained_models_folder, trained_predictions
from specialist_hub.training.features import make_featurizer
from specialist_hub.training.trainer import train

pytest.importorskip("lightgbm")
librosa = pytest.importorskip("librosa")

VOICES = Path(__file__).parent / "data" / "voices"


@pytest.fixture(scope="module")
def models(tmp_path_factory):
    with trained_models_folder(tmp_path_factory.mktemp("models")) as folder:
        yield folder


@pytest.fixture(scope="module")
def clips():
    return list(csv.DictReader((VOICES / "voices.csv").open()))


def test_mel_statistics_tell_voices_apart_on_unheard_sentences(models, clips):
    import soundfile as sf
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GroupKFold, cross_val_score

    report = train(VOICES / "voices.csv", "voice", "voices", domain="audio", group_column="sentence")
    figures = report.metrics["voice"]
    assert "--group-column" in figures.get("split", report.metrics["_training"]["split"])
    mfcc = [librosa.feature.mfcc(y=sf.read(VOICES / c["path"], dtype="float32")[0], sr=16000).mean(axis=1) for c in clips]
    baseline = cross_val_score(LogisticRegression(max_iter=5000), np.stack(mfcc), [c["voice"] for c in clips],
                               groups=[c["sentence"] for c in clips], cv=GroupKFold(4)).mean()
    held_out = figures["scaffold_or_group_split"]
    assert held_out["balanced_accuracy"] >= min(0.9, baseline - 0.05), (held_out, baseline)
    paths = [str(VOICES / c["path"]) for c in clips[:4]]
    predictions = trained_predictions("user/voices", [*paths, str(VOICES / "voices.csv")])
    assert [p.output["voice"] for p in predictions[:4]] == [c["voice"] for c in clips[:4]]
    assert not predictions[-1].ok  # a CSV is not audio: that record fails, the others do not
    served = served_predictions("user/voices", files=paths[:2])  # uploads, as a client sends
    # Another batch than the one above: float32 features may round apart, so numbers within 1e-5.
    assert [(r["input"], set(r["output"]), compare(q.output, r["output"], 1e-5)) for r, q in zip(served, predictions)] == \
        [(Path(p).name, set(q.output), []) for p, q in zip(paths[:2], predictions)]


def test_resemblyzer_embedding_is_the_reference_encoders(models, clips):
    pytest.importorskip("webrtcvad")  # resemblyzer's own module imports it; the featuriser does not
    import soundfile as sf
    from resemblyzer import VoiceEncoder
    from resemblyzer.audio import normalize_volume

    registry = Registry()
    featurizer = make_featurizer(registry.featurizers["audio/resemblyzer"], registry=registry)
    paths = [VOICES / c["path"] for c in clips[:3]]
    ours = featurizer.features([featurizer.preprocess(str(p)) for p in paths])
    encoder = VoiceEncoder("cpu", verbose=False)
    for path, row in zip(paths, ours):
        wav = sf.read(path, dtype="float32")[0]
        reference = encoder.embed_utterance(normalize_volume(wav, -30, increase_only=True))
        assert float(row @ reference) == pytest.approx(1.0, abs=1e-5)


def test_speaker_embeddings_train_a_voice_classifier(models):
    pytest.importorskip("resemblyzer")
    report = train(VOICES / "voices.csv", "voice", "voices-resemblyzer", featurizer="audio/resemblyzer",
                   group_column="sentence", heads=["linear"])
    assert report.metrics["voice"]["scaffold_or_group_split"]["balanced_accuracy"] >= 0.9
    assert "Apache-2.0 (Resemblyzer" in report.load().manifest["license"]["text"]
