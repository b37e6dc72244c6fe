"""audio/classify and audio/transcribe through transformers' real from_pretrained path.

The checkpoints are tiny random-weight models built in conftest.py, so the outputs carry no
meaning; the tests check loading, batching, determinism and the output records.
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

import specialist_hub as sh
from specialist_hub.cli import main
from specialist_hub_audio.plugin import SPEECH, TONE_220


def inputs(sine):
    return [SPEECH, TONE_220, (sine(300, 0.7, 8000), 8000)]


def test_classify_outputs_top_k_labels(tiny_classifier, sine, speech_truth):
    predictions = sh.predict("audio/classify", inputs(sine), checkpoint=tiny_classifier, top_k=3)
    for prediction in predictions:
        output = prediction.output
        assert output["top_k"][0]["label"] == output["label"]
        assert len(output["top_k"]) == 3 and {r["label"] for r in output["top_k"]} <= {"yes", "no", "up", "down"}
        scores = [row["score"] for row in output["top_k"]]
        assert scores == sorted(scores, reverse=True) and 0 < sum(scores) <= 1.0 + 1e-6
    assert predictions[0].output["duration"] == speech_truth["duration"]


def test_classify_batch_equals_single_calls(tiny_classifier, sine):
    values = inputs(sine)
    batched = sh.predict("audio/classify", values, checkpoint=tiny_classifier).outputs
    singles = [sh.predict("audio/classify", [value], checkpoint=tiny_classifier, batch_size=1)[0].output
               for value in values]
    for got, want in zip(batched, singles):
        assert got["label"] == want["label"] and got["score"] == pytest.approx(want["score"], abs=1e-5)


def test_transcribe_with_timestamps_offsets_each_30_second_window(tiny_whisper, sine):
    long_tone = (sine(300, 35.0, 16000), 16000)
    predictions = sh.predict("audio/transcribe", [SPEECH, long_tone], checkpoint=tiny_whisper, timestamps=True)
    for prediction in predictions:
        output = prediction.output
        assert isinstance(output["text"], str) and output["segments"]
        times = [t for s in output["segments"] for t in (s["start"], s["end"])]
        assert times == sorted(times) and times[-1] <= output["duration"]
    assert max(s["end"] for s in predictions[1].output["segments"]) > 30.0  # the second window's segments


def test_transcribe_batch_equals_single_calls_and_is_deterministic(tiny_whisper, sine):
    values = inputs(sine)
    batched = sh.predict("audio/transcribe", values, checkpoint=tiny_whisper, language="en").outputs
    again = sh.predict("audio/transcribe", values, checkpoint=tiny_whisper, language="en").outputs
    singles = [sh.predict("audio/transcribe", [v], checkpoint=tiny_whisper, language="en", batch_size=1)[0].output
               for v in values]
    assert batched == again == singles
    assert all(output["segments"] == [] for output in batched)


@pytest.mark.parametrize("model_id,checkpoint", [("audio/classify", "MIT/ast-finetuned-speech-commands-v2"),
                                                 ("audio/transcribe", "openai/whisper-tiny")])
def test_default_checkpoint_offline_names_it(model_id, checkpoint):
    with pytest.raises(sh.CheckpointNotFoundError, match=checkpoint):
        sh.load(model_id)


def test_missing_local_checkpoint_directory(tmp_path):
    with pytest.raises(sh.CheckpointNotFoundError, match="does not exist"):
        sh.load("audio/classify", checkpoint=str(tmp_path / "nowhere"))


def test_cli_classify_with_a_local_checkpoint(tiny_classifier):
    result = CliRunner().invoke(main, ["predict", "-m", "audio/classify", SPEECH, TONE_220, "-O",
                                       f"checkpoint={tiny_classifier}", "-O", "top_k=2", "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert [len(row["output"]["top_k"]) for row in rows] == [2, 2]
