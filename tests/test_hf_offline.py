"""Hugging Face checkpoints without a network fail at once (issue 33): with HF_HUB_OFFLINE set or
a hub that does not answer, only the cache is read, and the error names today's command."""

from __future__ import annotations

import socket

import pytest

from specialist_hub import hf
from specialist_hub.errors import CheckpointNotFoundError


class Loader:
    """Stands in for ``from_pretrained``: records its keywords, finds nothing (as an empty cache)."""

    def __init__(self):
        self.calls = []

    def __call__(self, checkpoint, **kwargs):
        self.calls.append(kwargs)
        raise OSError(f"We couldn't connect to 'https://huggingface.co' to load {checkpoint}")


@pytest.fixture
def online(monkeypatch):
    """No HF_HUB_OFFLINE, and no remembered probe."""
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.setattr(hf, "_probed", {})
    return monkeypatch


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # nothing listens there once closed: connections are refused


def test_an_unreachable_hub_reads_only_the_cache_and_names_hf_download(online):
    online.setenv("HF_ENDPOINT", f"http://127.0.0.1:{closed_port()}")
    loader = Loader()
    with pytest.raises(CheckpointNotFoundError) as error:
        hf.from_pretrained(loader, "nobody/no-such-model")
    assert loader.calls == [{"local_files_only": True}]
    message = str(error.value)
    assert "the Hugging Face hub does not answer and no cached copy was found" in message
    assert "'hf download nobody/no-such-model'" in message and "huggingface-cli" not in message


def test_hf_hub_offline_reads_only_the_cache_without_probing(online):
    online.setenv("HF_HUB_OFFLINE", "1")
    online.setattr(hf, "hub_reachable", lambda: pytest.fail("probed although HF_HUB_OFFLINE is set"))
    loader = Loader()
    with pytest.raises(CheckpointNotFoundError, match="HF_HUB_OFFLINE is set and no cached copy"):
        hf.from_pretrained(loader, "nobody/no-such-model")
    assert loader.calls == [{"local_files_only": True}]


def test_a_reachable_hub_is_asked_as_usual_and_probed_once(online):
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        online.setenv("HF_ENDPOINT", f"http://127.0.0.1:{server.getsockname()[1]}")
        loader = Loader()
        for _ in range(2):
            with pytest.raises(CheckpointNotFoundError, match="couldn't connect"):
                hf.from_pretrained(loader, "nobody/no-such-model")
    assert loader.calls == [{}, {}] and len(hf._probed) == 1


def test_a_local_directory_is_never_probed(online, tmp_path):
    online.setattr(hf, "hub_reachable", lambda: pytest.fail("probed for a local directory"))
    assert hf.from_pretrained(lambda path, **kwargs: (path, kwargs), str(tmp_path)) == (str(tmp_path), {})
