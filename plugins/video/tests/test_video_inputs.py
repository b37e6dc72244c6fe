"""The video input kind: header facts without decoding, and each kind of broken file as its own error."""

from __future__ import annotations

import shutil
from pathlib import Path

import av

import specialist_hub as sh
from specialist_hub.inputs import iter_records
from specialist_hub.testing import assert_registration_is_light
from specialist_hub_audio.plugin import SPEECH
from specialist_hub_video.plugin import EXAMPLE_VIDEO
from specialist_hub_video.video import open_video


def test_registration_imports_nothing_heavy():
    assert_registration_is_light("specialist_hub_video.plugin")


def test_header_facts_match_the_construction(test_video, layout):
    source = open_video(test_video)
    assert source.facts() == {"duration": layout.duration, "fps": layout.fps, "frame_count": layout.frame_count,
                              "resolution": [layout.width, layout.height], "codec": "h264", "has_audio": True}
    assert open_video(EXAMPLE_VIDEO).frame_count == 220  # MP4 stores the count itself


def test_decoding_streams_every_frame_with_its_time(test_video, layout):
    times = [time for _, time, _ in open_video(test_video).decode()]
    assert times == [layout.seconds(frame) for frame in range(layout.frame_count)]


def test_directories_expand_to_their_videos(tmp_path, test_video):
    shutil.copy(test_video, tmp_path / "a.mkv")
    shutil.copy(EXAMPLE_VIDEO, tmp_path / "b.mp4")
    (tmp_path / "notes.txt").write_text("not a video")
    kind = sh.Registry().input_kind("video")
    assert [record.value for record in iter_records(kind, [str(tmp_path)])] == [
        str(tmp_path / "a.mkv"), str(tmp_path / "b.mp4")]


def audio_only(path) -> str:
    with av.open(str(SPEECH)) as source, av.open(str(path), "w") as output:
        stream = output.add_stream("aac", rate=16000)
        for frame in source.decode(audio=0):
            frame.pts = None
            output.mux(stream.encode(frame))
        output.mux(stream.encode())
    return str(path)


def test_broken_files_are_errors_of_their_own_records(tmp_path, test_video):
    data = Path(test_video).read_bytes()
    (tmp_path / "empty.mp4").write_bytes(b"")
    (tmp_path / "garbage.mp4").write_bytes(bytes(range(256)) * 40)
    (tmp_path / "truncated.mkv").write_bytes(data[: len(data) // 3])
    (tmp_path / "truncated.mp4").write_bytes(EXAMPLE_VIDEO.read_bytes()[:30_000])  # index at the end: lost
    inputs = [test_video, str(tmp_path / "empty.mp4"), str(tmp_path / "garbage.mp4"),
              str(tmp_path / "truncated.mkv"), str(tmp_path / "truncated.mp4"), audio_only(tmp_path / "speech.mp4"),
              str(tmp_path / "missing.mp4")]
    results = sh.predict("video/quality", inputs)
    assert [r.ok for r in results] == [True] + [False] * 6
    messages = [r.error["message"] for r in results[1:]]
    for message, expected in zip(messages, ("file is empty", "not a readable video", "truncated",
                                            "not a readable video", "audio only", "file not found")):
        assert expected in message
    assert all(r.error["type"] == "InputError" for r in results[1:])
