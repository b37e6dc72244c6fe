"""One shape for a time range in every output (issue 33): {start, end} in seconds, with
start_frame/end_frame where the model works on frames; checked against the constructed video."""

from __future__ import annotations

import pytest

import specialist_hub as sh

TWO_FRAMES = 2 / 25


def ranges(output):
    """Every list item of an output that is a time range, by field."""
    return {field: value for field, value in output.items()
            if field in ("shots", "segments") or field.endswith("_segments")}


def test_shots_quality_and_vad_write_time_ranges_alike(test_video, layout):
    shots, quality = (sh.predict(model, test_video)[0].output for model in ("video/shots", "video/quality"))
    vad_spec = sh.get_spec("audio/vad")
    vad = sh.predict("audio/vad", vad_spec.examples[0].input)[0].output
    found = {**ranges(shots), **ranges(quality), **{f"vad.{k}": v for k, v in ranges(vad).items()}}
    assert {"shots", "black_segments", "frozen_segments", "flash_segments", "vad.segments"} <= found.keys()
    for field, items in found.items():
        for item in items:
            assert isinstance(item, dict) and {"start", "end"} <= item.keys(), (field, item)
            assert 0 <= item["start"] <= item["end"], (field, item)
    # shots add their frames; seconds and frames agree with the layout's cuts
    for shot, (first, last) in zip(shots["shots"], layout.spans()):
        assert set(shot) == {"start", "end", "start_frame", "end_frame"}
        assert abs(shot["start_frame"] - first) <= 1 and abs(shot["end_frame"] - last) <= 1
        assert shot["start"] == pytest.approx(layout.seconds(first), abs=TWO_FRAMES)
    (black,) = quality["black_segments"]
    assert set(black) == {"start", "end"} and quality["black_seconds"] == pytest.approx(black["end"] - black["start"])
