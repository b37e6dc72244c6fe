"""video/frames and video/audio run other installed models: OCR of burnt-in text, speech segments,
and any model a plugin registers (a test plugin's image model here)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

import specialist_hub as sh
from specialist_hub import Example, OutputField, hookimpl
from specialist_hub.cli import main
from specialist_hub.kit import SpecFamily
from specialist_hub_audio.plugin import EXAMPLES as AUDIO_EXAMPLES
from specialist_hub_video import plugin as video_plugin
from specialist_hub_video.layout import SPEECH_PHRASES

EXAMPLE_VIDEO = Path(video_plugin.__file__).parent / "examples" / "example.mp4"


def test_ocr_reads_the_burnt_in_text_of_its_shot(test_video, layout):
    output = sh.predict("video/frames", test_video)[0].output
    assert output["model"] == "vision/ocr" and output["sampled"] == len(layout.scenes)
    still = layout.spans("still")[0]
    (record,) = [r for r in output["frames"] if still[0] <= r["frame"] <= still[1]]
    assert record["ok"] and record["output"]["text"] == layout.scenes[-1].text
    assert record["time_s"] == pytest.approx(layout.seconds(record["frame"]))


class Brightness:
    """A test plugin with an image model the video plugin has never heard of."""

    spec = SpecFamily("test", input_kind="image", install_hint="")("brightness", task="t", summary="s",
        factory=f"{__name__}:BrightnessModel", license="-", citation="-", examples=(Example(0, {}),),
        outputs=(OutputField("mean", "float", "Mean pixel value"),))

    @hookimpl
    def register_models(self, register):
        register(self.spec)


class BrightnessModel(sh.ItemModel):
    def compute(self, item):
        return {"mean": float(np.asarray(item).mean())}


def test_every_s_runs_any_image_model_at_fixed_times(test_video, layout):
    registry = sh.Registry([video_plugin, Brightness()], entry_points=False)
    output = registry.load("video/frames", model="test/brightness", every_s=1.0).predict(test_video)[0].output
    assert [r["frame"] for r in output["frames"]] == list(range(0, layout.frame_count, layout.fps))
    assert [r["shot"] for r in output["frames"]] == [None] * 8
    black = layout.spans("black")[0]
    for record in output["frames"]:
        assert (record["output"]["mean"] == 0.0) == (black[0] <= record["frame"] <= black[1])


def test_the_model_must_take_the_right_input_kind_and_options_checked_before_the_run(test_video):
    with pytest.raises(sh.OptionError, match="runs image models.*vision/ocr"):
        sh.predict("video/frames", test_video, model="audio/vad")
    with pytest.raises(sh.OptionError, match="KEY=VALUE"):
        sh.predict("video/frames", test_video, model_options="top_k")
    with pytest.raises(sh.OptionError, match="'max_pixels' expects a int"):  # the inner model's: a usage error
        sh.predict("video/frames", test_video, model_options="max_pixels=many")


@pytest.mark.parametrize("isolation", ["--isolate", "--no-isolate"])
def test_license_commercial_refuses_birdnet_run_through_the_soundtrack_before_the_run(isolation):
    """BirdNET's weights are CC BY-NC-SA: reached through video/audio, --license commercial refuses it
    (exit 2, nothing written) in the isolated worker as in-process."""
    result = CliRunner().invoke(main, ["predict", "-m", "video/audio", "-O", "model=audio/birds", "--license",
                                       "commercial", isolation, "-f", "jsonl", str(EXAMPLE_VIDEO)])
    assert result.exit_code == 2 and result.stdout == ""
    assert "audio/birds is not for commercial use" in result.stderr and "CC BY-NC-SA" in result.stderr


@pytest.fixture(scope="module")
def served():
    from fastapi.testclient import TestClient

    from specialist_hub.server import create_app

    with TestClient(create_app(), base_url="http://127.0.0.1") as client:
        yield client


@pytest.mark.parametrize("model, options", [
    ("video/frames", {"model": "vision/segment-person", "model_options": "mask=true,output_dir=/tmp/client-dir"}),
    ("video/frames", {"model": "vision/ocr", "model_options": "annotate_dir=/tmp/client-dir"}),
    ("video/frames", {"model": "vision/pose", "model_options": "max_pixels=1e9"}),
    ("video/audio", {"model": "audio/notes", "model_options": "output_dir=/tmp/client-dir"}),
    ("video/audio", {"model": "audio/transcribe", "model_options": "checkpoint=/etc"}),
])
def test_a_client_cannot_set_server_only_options_of_a_delegated_model(served, model, options):
    response = served.post(f"/models/{model}/predict", data={"options": json.dumps(options)},
                           files=[("files", ("clip.mp4", EXAMPLE_VIDEO.read_bytes()))])
    assert response.status_code == 422, response.text
    inner_option = options["model_options"].split(",")[-1].split("=")[0]
    assert "set by the server" in response.json()["detail"] and inner_option in response.json()["detail"]


def test_speech_segments_of_the_soundtrack(test_video):
    output = sh.predict("video/audio", test_video, model_options="min_silence_ms=300")[0].output
    assert output["model"] == "audio/vad"
    assert output["track"]["sample_rate"] == 16000 and output["track"]["start_s"] == pytest.approx(0, abs=1e-3)
    segments = output["output"]["segments"]
    assert len(segments) == len(SPEECH_PHRASES)
    for segment, phrase in zip(segments, SPEECH_PHRASES):
        assert segment["start"] == pytest.approx(phrase["start"], abs=0.15)
        assert segment["end"] == pytest.approx(phrase["end"], abs=0.15)


def test_speech_phrases_are_those_of_the_audio_fixture():
    truth = json.loads((AUDIO_EXAMPLES / "speech.json").read_text())["speech"]
    assert list(SPEECH_PHRASES) == [{"start": p["start"], "end": p["end"]} for p in truth]


def test_a_video_without_sound_is_an_error_of_its_record(tmp_path, layout):
    from specialist_hub_video.synthetic import write_video

    silent = write_video(tmp_path / "silent.mp4", layout)
    result = sh.predict("video/audio", str(silent))[0]
    assert not result.ok and "has no audio track" in result.error["message"]
