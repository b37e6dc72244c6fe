"""audio/speech-to-text: VAD, then Whisper on each speech segment only, written as SRT and WebVTT.

The Whisper checkpoint is the tiny random-weight model of conftest.py, so the text carries no
meaning; the timing is what is checked, against the phrase times make_fixtures.py recorded.
"""

from __future__ import annotations

import io
import json
import re
import shutil

import pytest
from click.testing import CliRunner

import specialist_hub as sh
from specialist_hub.cli import main
from specialist_hub.errors import PipelineError
from specialist_hub.results import Prediction
from specialist_hub_audio.plugin import SPEECH
from specialist_hub_audio.subtitles import SrtWriter, VttWriter

SRT_TIME = re.compile(r"^(\d\d):(\d\d):(\d\d),(\d\d\d) --> (\d\d):(\d\d):(\d\d),(\d\d\d)$")
VAD_OPTIONS = ("-O", "vad.min_silence_ms=300")  # speech.json's pause is 1.5 s; as in audio/vad's example


@pytest.fixture(scope="module")
def wordy_whisper(tiny_whisper, tmp_path_factory) -> str:
    """conftest's tiny Whisper allowed to say only the letters a-z (and stop), so every window has text:
    left alone, its random weights say nothing but special tokens."""
    from transformers import GenerationConfig

    path = tmp_path_factory.mktemp("wordy_whisper")
    shutil.copytree(tiny_whisper, path, dirs_exist_ok=True)
    config = GenerationConfig.from_pretrained(path)
    allowed = {*range(ord("a"), ord("z") + 1), config.eos_token_id}  # byte-level vocabulary: id == byte
    vocabulary = json.loads((path / "config.json").read_text())["vocab_size"]
    config.suppress_tokens = [i for i in range(vocabulary) if i not in allowed]
    config.save_pretrained(path)
    return str(path)


def seconds(h, m, s, ms) -> float:
    return int(h) * 3600 + int(m) * 60 + int(s) + int(ms) / 1000


def srt_cues(text: str) -> list[tuple[float, float, str]]:
    """Cues of an SRT file, checking its structure: number, timing line, text, blank line."""
    cues = []
    for number, block in enumerate(text.strip("\n").split("\n\n"), start=1):
        index, timing, *lines = block.split("\n")
        assert index == str(number) and lines and all(line.strip() for line in lines), block
        match = SRT_TIME.match(timing)
        assert match, timing
        cues.append((seconds(*match.groups()[:4]), seconds(*match.groups()[4:]), "\n".join(lines)))
    return cues


@pytest.fixture(scope="module")
def subtitles(wordy_whisper, tmp_path_factory) -> dict[str, str]:
    """speech.flac's subtitles as ``hub predict -o talk.srt`` and ``-o talk.vtt`` write them, by extension."""
    written = {}
    for extension in ("srt", "vtt"):
        output = tmp_path_factory.mktemp("subtitles") / f"talk.{extension}"
        result = CliRunner().invoke(main, ["predict", "-m", "audio/speech-to-text", SPEECH, "-o", str(output),
                                           "-O", f"transcribe.checkpoint={wordy_whisper}", "-O",
                                           "transcribe.timestamps=false", *VAD_OPTIONS, "--no-isolate"])
        assert result.exit_code == 0, result.output
        written[extension] = output.read_text()
    return written


def test_srt_cues_are_the_speech_segments(subtitles, speech_truth):
    """One cue per segment that audio/vad finds alone, to the millisecond; those lie within 0.1 s (the
    VAD card's accuracy) of the phrases make_fixtures.py placed."""
    cues = srt_cues(subtitles["srt"])
    segments = sh.predict("audio/vad", SPEECH, min_silence_ms=300)[0].output["segments"]
    assert [(start, end) for start, end, _ in cues] == [(round(s["start"], 3), round(s["end"], 3)) for s in segments]
    assert all(re.fullmatch(r"[a-z]+", text) for _, _, text in cues)
    phrases = speech_truth["speech"]
    assert len(cues) == len(phrases)
    for (start, end, _), phrase in zip(cues, phrases):
        assert start == pytest.approx(phrase["start"], abs=0.1) and end == pytest.approx(phrase["end"], abs=0.1)


def test_timed_segments_are_shifted_into_their_speech_segment(tiny_whisper):
    output = sh.predict("audio/speech-to-text", SPEECH, **{"transcribe.checkpoint": tiny_whisper,
                                                          "vad.min_silence_ms": 300})[0].output
    assert [w["window"] for w in output["transcribe"]] == output["vad.segments"]
    late = output["transcribe"][1]
    assert late["window"]["start"] > 5 and late["duration"] == pytest.approx(
        late["window"]["end"] - late["window"]["start"], abs=1e-3)  # Whisper heard only the segment
    for window in output["transcribe"]:
        assert window["segments"], window
        for segment in window["segments"]:
            assert window["window"]["start"] <= segment["start"] <= segment["end"] <= window["window"]["end"]


def test_webvtt_has_the_srt_timings(subtitles):
    header, *blocks = subtitles["vtt"].split("\n\n")
    assert header == "WEBVTT" and blocks[-1] == ""
    timings = [block.split("\n")[1] for block in blocks[:-1]]
    assert [t.replace(".", ",") for t in timings] == [
        line for line in subtitles["srt"].splitlines() if "-->" in line]
    assert all(re.fullmatch(r"\d\d:\d\d:\d\d\.\d\d\d --> \d\d:\d\d:\d\d\.\d\d\d", t) for t in timings)


def test_writers_format_and_escape_cues():
    output = {"transcribe": [
        {"window": {"start": 3661.5, "end": 3670.0}, "text": "a <b> & c", "segments": []},
        {"window": {"start": 4000.0, "end": 4010.0}, "error": {"type": "InputError", "message": "x"}},
        {"window": {"start": 5000.0, "end": 5010.0}, "text": "one two",
         "segments": [{"start": 5000.25, "end": 5001.0, "text": " one\n\ntwo"}, {"start": 5002, "end": 5003,
                                                                                 "text": " "}]},
    ]}
    prediction = Prediction(0, "talk.wav", "talk.wav", "audio/speech-to-text", "1", "", True, output)
    srt, vtt = io.StringIO(), io.StringIO()
    for writer in (SrtWriter(srt, []), VttWriter(vtt, [])):
        writer.write(prediction)
        writer.close()
    assert srt.getvalue() == ("1\n01:01:01,500 --> 01:01:10,000\na <b> & c\n\n"
                              "2\n01:23:20,250 --> 01:23:21,000\none two\n\n")
    assert vtt.getvalue() == ("WEBVTT\n\n1\n01:01:01.500 --> 01:01:10.000\na &lt;b&gt; &amp; c\n\n"
                              "2\n01:23:20.250 --> 01:23:21.000\none two\n\n")
    with pytest.raises(sh.UsageError, match="one recording"):
        writer.write(prediction)


def test_server_clients_cannot_set_the_checkpoint_of_a_step():
    options = {o.name: o for o in sh.Registry().get("audio/speech-to-text").options}
    assert options["transcribe.checkpoint"].server_only and not options["transcribe.language"].server_only


@pytest.mark.parametrize("source,message", [("input@vad.speech_seconds[]", "is a float, not a list"),
                                            ("input@vad.segments[].start", "drop the key"),
                                            ("input@vad.segments", "must be 'input'")])
def test_a_wrong_window_is_refused_before_anything_runs(source, message):
    pipeline = sh.Pipeline("audio/windows", "test", (sh.Step("vad", "audio/vad"),
                                                     sh.Step("text", "audio/transcribe", input=source)))
    with pytest.raises(PipelineError, match=message):
        pipeline.to_spec(sh.Registry())
