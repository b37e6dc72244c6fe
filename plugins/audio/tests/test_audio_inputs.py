"""Input handling shared by every audio model: formats, arrays, bad records, streaming maths."""

from __future__ import annotations

import json

import numpy as np
import pytest
import soundfile as sf
import torch
import torchaudio.functional as AF
from click.testing import CliRunner

import specialist_hub as sh
from specialist_hub.cli import main
from specialist_hub_audio.audio import Framer, StreamResampler, chunks_with_context, open_audio
from specialist_hub_audio.plugin import EXAMPLES, TONE_220


@pytest.mark.parametrize("orig,new", [(44100, 16000), (48000, 16000), (8000, 16000), (16000, 16000)])
def test_stream_resampler_equals_whole_signal(orig, new):
    x = np.random.default_rng(0).standard_normal(orig * 2 + 123).astype(np.float32)
    resampler = StreamResampler(orig, new)
    streamed = np.concatenate([resampler.push(x[i:i + 5000]) for i in range(0, len(x), 5000)]
                              + [resampler.flush()])
    whole = AF.resample(torch.from_numpy(x), orig, new).numpy()
    assert streamed.shape == whole.shape
    np.testing.assert_allclose(streamed, whole, atol=1e-5)


@pytest.mark.parametrize("size,hop,block", [(64, 16, 97), (64, 90, 97), (64, 90, 7)])
def test_framer_yields_the_frames_of_the_whole_signal(size, hop, block):
    # A hop longer than the window (madmom's key frames) skips the samples between windows, even
    # when they arrive in blocks shorter than the gap.
    x = np.arange(1000, dtype=np.float32)
    framer, frames = Framer(size, hop), []
    for i in range(0, 1000, block):
        span = framer.push(x[i:i + block])
        if span is not None:
            frames.append(torch.from_numpy(span).unfold(0, size, hop))
    np.testing.assert_array_equal(torch.cat(frames).numpy(), torch.from_numpy(x).unfold(0, size, hop).numpy())


@pytest.mark.parametrize("length,block", [(5, 5), (12, 12), (16, 3), (90, 7), (91, 50)])
def test_chunks_with_context_tile_the_stream_each_with_its_neighbours(length, block):
    rows = np.arange(length)[:, None]
    chunks = list(chunks_with_context((rows[i:i + block] for i in range(0, length, block)), 8, 4))
    assert len(chunks) == -(-length // 8)
    for index, (chunk, kept) in enumerate(chunks):
        first = max(index * 8 - 4, 0)  # the context is cut only by the stream's ends
        np.testing.assert_array_equal(chunk[:, 0], np.arange(first, min((index + 1) * 8 + 4, length)))
        np.testing.assert_array_equal(chunk[kept, 0], np.arange(index * 8, min((index + 1) * 8, length)))


@pytest.mark.parametrize("fmt,subtype", [("WAV", "FLOAT"), ("FLAC", "PCM_24"), ("OGG", "VORBIS"), ("MP3", None)])
def test_formats_are_read_and_mixed_down(tmp_path, fmt, subtype, sine):
    rate, tone = 22050, sine(440, 1.0, 22050)
    path = tmp_path / f"x.{fmt.lower()}"
    sf.write(path, np.stack([tone, tone], axis=1), rate, format=fmt, subtype=subtype)
    source = open_audio(str(path))
    assert (source.sample_rate, source.channels) == (rate, 2)
    mono = source.read_mono(16000)
    assert abs(len(mono) - 16000) < 2000  # MP3/Vorbis add codec padding
    rms = np.sqrt(np.mean(mono[2000:-2000] ** 2))
    assert rms == pytest.approx(0.5 / np.sqrt(2), rel=0.05)


def test_array_layouts_and_integer_samples_are_equivalent(sine):
    tone = sine(440, 0.5, 16000)
    stereo = np.stack([tone, tone])
    as_int16 = (tone * 32768).astype(np.int16)
    outputs = [sh.predict("audio/features", value)[0].output["rms_dbfs"]
               for value in (sh.Waveform(stereo, 16000), (stereo.T, 16000), (torch.from_numpy(tone), 16000),
                             (as_int16, 16000))]
    np.testing.assert_allclose(outputs, 20 * np.log10(0.5 / np.sqrt(2)), atol=1e-3)


def test_bad_records_fail_alone_with_their_reason(tmp_path):
    empty = tmp_path / "empty.wav"
    empty.write_bytes(b"")
    text = tmp_path / "notes.wav"
    text.write_text("this is not audio\n" * 20)
    corrupt = tmp_path / "corrupt.flac"
    corrupt.write_bytes(b"fLaC" + bytes(range(256)) * 4)
    silent = tmp_path / "zero.wav"
    sf.write(silent, np.zeros((0, 1), dtype=np.float32), 16000)
    inputs = [str(tmp_path / "missing.wav"), str(empty), str(text), str(corrupt), str(silent), TONE_220,
              (np.zeros(0), 16000), (np.array([0.1, np.nan]), 16000), (np.ones(10), 0), (np.zeros((2, 2, 2)), 8000)]
    predictions = sh.predict("audio/features", inputs)
    reasons = ["file not found", "file is empty", "not a readable audio file", "not a readable audio file",
               "contains no audio samples", None, "empty", "NaN", "sample rate", "1-D or 2-D"]
    for prediction, value, reason in zip(predictions, inputs, reasons):
        if reason is None:
            assert prediction.ok
            continue
        assert not prediction.ok and prediction.error["type"] == "InputError"
        assert reason in prediction.error["message"]
        if isinstance(value, str):
            assert value in prediction.error["message"]


def test_cli_reads_a_directory_recursively_sorted_and_reports_bad_files(tmp_path, sine):
    (tmp_path / "sub").mkdir()
    sf.write(tmp_path / "sub" / "b.wav", sine(220, 0.5, 16000), 16000)
    sf.write(tmp_path / "a.flac", sine(220, 0.5, 8000), 8000)
    (tmp_path / "c.wav").write_bytes(b"RIFF0000WAVEjunk")
    (tmp_path / "ignored.txt").write_text("not an input")
    result = CliRunner().invoke(main, ["predict", "--domain", "audio", str(tmp_path), "--format", "jsonl"])
    assert result.exit_code == 1
    rows = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert [row["input"].rsplit("/", 1)[-1] for row in rows] == ["a.flac", "c.wav", "b.wav"]
    assert [row["ok"] for row in rows] == [True, False, True]


def test_cli_takes_paths_on_stdin():
    paths = f"{EXAMPLES / 'tone_220hz.wav'}\n{EXAMPLES / 'speech.flac'}\n"
    result = CliRunner().invoke(main, ["predict", "-m", "audio/features", "-", "--format", "jsonl"], input=paths)
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert [row["ok"] for row in rows] == [True, True]
