"""video/quality against the constructed black, frozen and flashing stretches (FFmpeg's filters)."""

from __future__ import annotations

import pytest

import specialist_hub as sh
from specialist_hub_video.layout import Layout, Scene
from specialist_hub_video.synthetic import write_video

TWO_FRAMES = 2 / 25


def assert_segments(found, spans, layout):
    assert len(found) == len(spans)
    for segment, (first, last) in zip(found, spans):
        assert segment["start"] == pytest.approx(layout.seconds(first), abs=TWO_FRAMES)
        assert segment["end"] == pytest.approx(layout.seconds(last + 1), abs=TWO_FRAMES)


def test_black_and_frozen_stretches_within_two_frames(test_video, layout):
    output = sh.predict("video/quality", test_video)[0].output
    assert_segments(output["black_segments"], layout.spans("black"), layout)
    # freezedetect sees the black stretch as frozen too, then the still picture.
    assert_segments(output["frozen_segments"], layout.spans("black") + layout.spans("still"), layout)
    assert output["black_seconds"] == pytest.approx(2.2, abs=TWO_FRAMES)
    assert output["si_max"] > output["si_mean"] > 0 and output["ti_max"] > 0
    assert output["blur_mean"] is not None


def test_thresholds_are_ffmpeg_options(test_video):
    output = sh.predict("video/quality", test_video, black_min_s=3.0, freeze_min_s=3.0)[0].output
    assert output["black_segments"] == [] and output["frozen_segments"] == []


def test_full_screen_flashing_is_flagged(tmp_path):
    # 12.5 Hz full-screen black/white flashing: far above the 3 flashes per second that ITU-R
    # BT.1702 and WCAG 2.x allow; the grey stills around it do not flash.
    layout = Layout((Scene("still", 25), Scene("flash", 50), Scene("still", 25)), width=64, height=36)
    path = write_video(tmp_path / "flash.mp4", layout, crf=18)
    output = sh.predict("video/quality", str(path))[0].output
    (first, last), = layout.spans("flash")
    assert output["flash_segments"], output
    flagged = output["flash_segments"][0]
    assert layout.seconds(first) - TWO_FRAMES <= flagged["start"] < layout.seconds(last)
    assert output["flash_badness_max"] > 1.0
