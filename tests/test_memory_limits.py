"""Memory stays bounded under hostile inputs (issue 21): a batch of large images is decoded one
at a time, a gzip bomb stops at the record limit, and a call-time option sweep loads one model.
Peaks are read from /proc (VmHWM) in a fresh process; nothing is timed."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

from click.testing import CliRunner
from hub_test_plugins import LengthPlugin

from specialist_hub.cli import main
from specialist_hub.inputs import MAX_RECORD_CHARS
from specialist_hub.registry import Registry

AUDIO_EXAMPLES = Path(__file__).parents[1] / "plugins/audio/specialist_hub_audio/examples"
SIDE = 7000
#: What eight decoded 7000x7000 RGB images take together, before any model copies them.
EIGHT_DECODED = 8 * SIDE * SIDE * 3

#: Runs vision/faces on a small image (the model loaded, its buffers warm), then on the big ones
#: in one batch, and prints how far the process's peak resident memory rose during the batch.
PEAK_OF_BATCH = textwrap.dedent("""
    import json, sys
    from specialist_hub.registry import Registry

    def high_water_mark():
        for line in open("/proc/self/status"):
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024

    model = Registry().load("vision/faces")
    assert model.predict([sys.argv[1]])[0].ok
    before = high_water_mark()
    predictions = model.predict(sys.argv[2:], batch_size=len(sys.argv) - 2)
    print(json.dumps({"rise": high_water_mark() - before, "ok": [p.ok for p in predictions]}))
""")


def test_a_batch_of_large_images_holds_one_decoded_image_at_a_time(tmp_path):
    from PIL import Image

    small, first = tmp_path / "small.png", tmp_path / "big0.png"
    Image.new("RGB", (64, 64), (200, 180, 160)).save(small)
    Image.new("RGB", (SIDE, SIDE), (200, 180, 160)).save(first, compress_level=9)
    big = [first] + [shutil.copy(first, tmp_path / f"big{i}.png") for i in range(1, 8)]
    assert os.path.getsize(first) < 200_000  # tiny files, 147 MB each decoded
    result = subprocess.run([sys.executable, "-c", PEAK_OF_BATCH, str(small), *map(str, big)],
                            capture_output=True, text=True, check=True)
    report = json.loads(result.stdout.splitlines()[-1])
    assert report["ok"] == [True] * 8
    # Measured 0.48 GB (one image decoded plus BlazeFace's copy of it); all eight at once took 1.9 GB.
    assert report["rise"] < 0.6 * EIGHT_DECODED, f"the batch raised the peak by {report['rise'] / 2**20:.0f} MB"


def test_a_gzip_bomb_stops_at_the_record_limit_with_exit_3(tmp_path, use_registry):
    member = gzip.compress(b"a" * (1 << 20), 9)
    bomb = tmp_path / "words.txt.gz"  # 0.6 MB holding one 600 MB line after two words
    with open(bomb, "wb") as handle:
        handle.write(gzip.compress(b"ab\ncde\n"))
        handle.write(member * 600)
        handle.write(gzip.compress(b"\nfg\n"))
    assert bomb.stat().st_size < 1_000_000
    use_registry(Registry([LengthPlugin()], entry_points=False))
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(main, ["predict", "-m", "test/length", "--input", str(bomb), "-o", str(out),
                                       "--no-isolate"])
    assert result.exit_code == 3, result.output
    assert f"words.txt.gz: line 3 is longer than {MAX_RECORD_CHARS:,} characters" in result.stderr
    assert str(tmp_path) not in result.stderr
    assert [json.loads(line)["output"]["letters"] for line in out.read_text().splitlines()] == [2, 3]


def test_ten_fmin_values_load_the_pitch_model_once():
    registry = Registry()
    tone = AUDIO_EXAMPLES / "tone_220hz.wav"
    medians = {}
    for fmin in (50.0, 80.0, 100.0, 120.0, 150.0, 180.0, 200.0, 210.0, 300.0, 400.0):
        (prediction,) = registry.load("audio/pitch", fmin=fmin).predict(tone)
        assert prediction.ok, prediction.error
        medians[fmin] = prediction.output["f0_median"]
    assert registry.load_counts["audio/pitch"] == 1
    # The tone is 220 Hz: found while fmin allows it, not once fmin is above it (the option is applied).
    assert all(abs(medians[fmin] - 220.0) < 2.0 for fmin in medians if fmin <= 210.0)
    assert all(medians[fmin] is None or medians[fmin] >= fmin for fmin in (300.0, 400.0))


def test_batched_vision_models_decode_runs_that_fit_the_pixel_budget():
    from specialist_hub_vision.images import ImageInput, pixel_runs

    sizes = [(10, 5), (10, 5), (10, 1), (20, 10), (1, 1)]  # 50, 50, 10, 200 (over the budget alone), 1 pixels
    items = [ImageInput("unread.png", "unread.png", size, 1000) for size in sizes]
    assert list(pixel_runs(items, 100)) == [[0, 1], [2], [3], [4]]
