"""Test videos built with PyAV from layouts, so every boundary and stretch is known by construction."""

from __future__ import annotations

import os

os.environ["HF_HUB_OFFLINE"] = "1"

import pytest

from specialist_hub_audio.plugin import SPEECH
from specialist_hub_video.layout import EXAMPLE_TEXT, Layout, Scene

#: Cuts at frames 30 and 65, 2.2 s of black (frames 65-119), a 2.4 s still with text (120-179):
#: black and still both last longer than FFmpeg's 2 s minimum. The speech soundtrack (7.9 s)
#: outlasts the picture (7.2 s), as soundtracks often do.
LAYOUT = Layout((Scene("pan", 30), Scene("pan", 35), Scene("black", 55), Scene("still", 60, EXAMPLE_TEXT)))


@pytest.fixture(scope="session")
def layout() -> Layout:
    return LAYOUT


@pytest.fixture(scope="session")
def test_video(tmp_path_factory) -> str:
    """LAYOUT, lossless H.264 in Matroska (whose header stores no frame count), speech as AAC."""
    from specialist_hub_video.synthetic import write_video

    return str(write_video(tmp_path_factory.mktemp("video") / "test.mkv", LAYOUT, soundtrack=SPEECH, crf=0))
