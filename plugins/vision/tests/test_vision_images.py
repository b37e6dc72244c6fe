"""Shared image input handling: formats, EXIF, colour modes, bad files, the pixel limit, directories."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from PIL import Image
from skimage import data

import specialist_hub as hub
from specialist_hub.cli import main
from specialist_hub.testing import assert_registration_is_light
from specialist_hub_vision.images import load_image

BIG = 50_000_000


def test_registration_imports_nothing_heavy():
    assert_registration_is_light("specialist_hub_vision.plugin")


def test_vision_domain_default_is_ocr():
    from specialist_hub.registry import get_registry

    assert get_registry().default_model("image").id == "vision/ocr"


@pytest.mark.parametrize("suffix", ["png", "jpg", "tiff", "bmp", "webp"])
def test_file_formats_decode_to_rgb(tmp_path, suffix):
    path = tmp_path / f"astronaut.{suffix}"
    Image.fromarray(data.astronaut()).save(path)
    image, source = load_image(str(path), BIG)
    assert (image.mode, image.size, source) == ("RGB", (512, 512), str(path))
    if suffix in ("png", "tiff", "bmp"):  # lossless: exactly the original pixels
        assert np.array_equal(np.asarray(image), data.astronaut())


def test_gif_gives_its_first_frame(tmp_path):
    frames = [Image.new("RGB", (20, 10), colour) for colour in ("red", "blue")]
    path = tmp_path / "anim.gif"
    frames[0].save(path, save_all=True, append_images=frames[1:])
    image, _ = load_image(str(path), BIG)
    assert image.getpixel((5, 5)) == (255, 0, 0)


def test_exif_orientation_is_applied(tmp_path):
    # A landscape photo stored sideways with orientation 6 ("rotate 90° clockwise to view").
    stored = Image.fromarray(data.astronaut()[:, :300]).rotate(90, expand=True)
    exif = Image.Exif()
    exif[0x0112] = 6
    path = tmp_path / "sideways.jpg"
    stored.save(path, exif=exif, quality=95)
    image, _ = load_image(str(path), BIG)
    assert image.size == (300, 512)
    # The Haar cascade finds upright faces only: the face is found once the photo is upright.
    assert hub.predict("vision/faces", str(path), backend="haar")[0].output["count"] == 1
    stored.save(tmp_path / "no_exif.jpg", quality=95)
    assert hub.predict("vision/faces", str(tmp_path / "no_exif.jpg"), backend="haar")[0].output["count"] == 0


def test_colour_modes_become_rgb():
    gray = data.camera()
    assert np.array_equal(np.asarray(load_image(Image.fromarray(gray), BIG).image)[:, :, 1], gray)
    rgba = np.zeros((4, 4, 4), dtype=np.uint8)  # fully transparent black -> white background
    assert load_image(rgba, BIG).image.getpixel((0, 0)) == (255, 255, 255)
    wide = np.full((3, 3), 65535, dtype=np.uint16)
    assert load_image(Image.fromarray(wide), BIG).image.getpixel((1, 1)) == (255, 255, 255)
    assert load_image(wide, BIG).image.getpixel((1, 1)) == (255, 255, 255)
    assert load_image(np.full((2, 2), 0.5), BIG).image.getpixel((0, 0)) == (128, 128, 128)
    assert load_image(Image.new("1", (3, 3), 1), BIG).image.getpixel((0, 0)) == (255, 255, 255)


def test_path_pil_and_array_inputs_agree(photos):
    array = data.astronaut()
    results = hub.predict("vision/faces", [photos["astronaut"], Image.fromarray(array), array])
    assert all(p.ok for p in results)
    assert results[0].output == results[1].output == results[2].output
    assert results[1].input == "<image 512x512 RGB>"


@pytest.mark.parametrize("array, reason", [
    (np.zeros((3, 4, 5)), "shape"),
    (np.full((4, 4), 300, dtype=np.int32), "outside 0-255"),
    (np.full((4, 4), np.nan), "NaN"),
])
def test_bad_arrays_are_input_errors(array, reason):
    (prediction,) = hub.predict("vision/faces", [array])
    assert prediction.error["type"] == "InputError" and reason in prediction.error["message"]


def test_bad_files_fail_only_their_record(tmp_path, photos):
    truncated = tmp_path / "truncated.png"
    truncated.write_bytes(Path(photos["coffee"]).read_bytes()[:5000])
    not_image = tmp_path / "notes.png"
    not_image.write_text("this is text, not a PNG")
    missing = tmp_path / "missing.jpg"
    inputs = [photos["astronaut"], str(truncated), str(not_image), str(missing), photos["coffee"]]
    results = hub.predict("vision/faces", inputs)
    assert [p.ok for p in results] == [True, False, False, False, True]
    assert [p.output["count"] for p in results if p.ok] == [1, 0]
    for prediction, reason in zip(results[1:4], ("truncated", "not an image", "file not found")):
        assert prediction.error["type"] == "InputError"
        assert prediction.input in prediction.error["message"] and reason in prediction.error["message"]


def test_pixel_limit_refuses_per_record(photos):
    small = Image.fromarray(data.astronaut()[:80, :80])
    results = hub.predict("vision/faces", [photos["astronaut"], small], max_pixels=100 * 100)
    assert not results[0].ok and results[1].ok
    assert "512x512 = 262,144 pixels is above the limit of 10,000" in results[0].error["message"]
    assert Image.MAX_IMAGE_PIXELS is None or Image.MAX_IMAGE_PIXELS >= BIG


def test_cli_reads_directories_recursively_in_order(tmp_path, photos):
    (tmp_path / "b").mkdir()
    Image.open(photos["astronaut"]).save(tmp_path / "b" / "face.png")
    Image.open(photos["coffee"]).save(tmp_path / "a.jpg")
    (tmp_path / "readme.txt").write_text("not an image")
    result = CliRunner().invoke(main, ["predict", "-m", "vision/faces", str(tmp_path), "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(r["input"], r["output"]["count"]) for r in rows] == [(str(tmp_path / "a.jpg"), 0),
                                                        (str(tmp_path / "b" / "face.png"), 1)]


def test_cli_missing_file_exits_1_and_keeps_going(tmp_path, photos):
    result = CliRunner().invoke(main, ["predict", "-m", "vision/faces", str(tmp_path / "gone.png"),
                                       photos["astronaut"], "--format", "jsonl"])
    assert result.exit_code == 1
    rows = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert [r["ok"] for r in rows] == [False, True]
    assert "file not found" in rows[0]["error"]["message"]
