"""vision/ocr reads back strings rendered with Pillow, in reading order, with boxes around them.

The OCR engine is loaded once per process; every test here shares it, and the images are few
and small so the whole module runs in a few seconds.
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from PIL import Image, ImageDraw, ImageFont

import specialist_hub as hub
from specialist_hub.cli import main
from specialist_hub.testing import assert_examples_pass
from specialist_hub_vision.ocr import reading_order

LINES = ("Meeting at 10:30 today", "Room 4B, second floor")
#: The recogniser reads these characters but drops some spaces (a documented limitation).
SPACED = ("Invoice 7731 paid", "Total 42.50 EUR")


@pytest.fixture(scope="module")
def rendered(tmp_path_factory, render_text):
    path = tmp_path_factory.mktemp("ocr") / "invoice.png"
    render_text(LINES, size=30).save(path)
    return str(path)


@pytest.fixture(scope="module")
def results(rendered, render_text):
    """One batch: the rendered text, a blank page, a two-column row, and text whose spaces get lost."""
    columns = Image.new("RGB", (560, 70), "white")
    ImageDraw.Draw(columns).text((20, 15), "Left column", fill="black", font=ImageFont.load_default(size=28))
    ImageDraw.Draw(columns).text((330, 15), "Right side", fill="black", font=ImageFont.load_default(size=28))
    spaced = render_text(SPACED, size=30)
    return hub.predict("vision/ocr", [rendered, Image.new("RGB", (200, 100), "white"), columns, spaced])


def test_reads_the_rendered_text_exactly(results):
    output = results[0].output
    assert output["text"] == "\n".join(LINES)
    assert output["line_count"] == 2
    assert [line["text"] for line in output["lines"]] == list(LINES)
    assert all(0.9 < line["confidence"] <= 1.0 for line in output["lines"])


def test_boxes_enclose_the_lines(results):
    first, second = (line["box"] for line in results[0].output["lines"])
    assert len(first) == 4 and all(len(point) == 2 for point in first)
    # render_text draws line n at y = 15 + 48 n with 30 px glyphs, from x = 20.
    assert 5 <= min(y for _, y in first) < max(y for _, y in first) <= 55
    assert 55 <= min(y for _, y in second) < max(y for _, y in second) <= 105
    assert min(x for x, _ in first) <= 22


def test_blank_page_has_no_text(results):
    assert results[1].output == {"text": "", "lines": [], "line_count": 0, "annotated_path": None}


def test_lines_on_one_row_join_left_to_right(results):
    assert results[2].output["text"] == "Left column Right side"


def test_characters_are_right_even_where_spaces_are_lost(results):
    lines = results[3].output["text"].split("\n")
    assert [line.replace(" ", "") for line in lines] == [line.replace(" ", "") for line in SPACED]


def test_reading_order_groups_rows():
    def line(text, x, y):
        return {"box": [[x, y], [x + 50, y], [x + 50, y + 20], [x, y + 20]], "text": text, "confidence": 1.0}

    lines = [line("d", 10, 100), line("b", 200, 12), line("a", 10, 10), line("c", 400, 8)]
    ordered, text = reading_order(lines)
    assert [l["text"] for l in ordered] == ["a", "b", "c", "d"]
    assert text == "a b c\nd"


def test_examples_pass():
    assert_examples_pass("vision/ocr")


def test_cli_annotates_and_is_the_vision_default(tmp_path, rendered):
    result = CliRunner().invoke(main, ["predict", "--domain", "vision", rendered, "--format", "jsonl",
                                       "--option", f"annotate_dir={tmp_path / 'boxes'}"])
    assert result.exit_code == 0, result.output
    (row,) = [json.loads(line) for line in result.stdout.splitlines()]
    assert row["model"] == "vision/ocr" and row["output"]["text"] == "\n".join(LINES)
    annotated = Image.open(row["output"]["annotated_path"])
    assert annotated.size == Image.open(rendered).size
    assert annotated.getpixel((2, 2)) == (255, 255, 255)  # outside the boxes: unchanged
    box = row["output"]["lines"][0]["box"]
    # The top edge of the first box is drawn in colour.
    x, y = int((box[0][0] + box[1][0]) / 2), int(box[0][1])
    assert any(annotated.getpixel((x, y + dy))[1] < 100 for dy in (-1, 0, 1))
