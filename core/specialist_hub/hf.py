"""Loading Hugging Face checkpoints the same way for every plugin.

The real ``from_pretrained`` path is always used: online users get the download (cached by
huggingface_hub), offline users with a cached copy or a local directory get it from disk, and
everyone else gets a :class:`CheckpointNotFoundError` that names the checkpoint and the fix.
Without a network that error comes at once: when ``HF_HUB_OFFLINE`` is set, or the hub does not
answer a short connection probe, only the local cache is read (``local_files_only``), instead of
huggingface_hub's retries (about 150 s per checkpoint).
``trust_remote_code`` is never enabled: only code that ships in transformers/diffusers runs.
"""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlsplit

from .errors import CheckpointNotFoundError
from .spec import Option

T = TypeVar("T")

#: Seconds the probe waits for the hub's TCP handshake, and how long its answer is trusted.
PROBE_TIMEOUT_S = float(os.environ.get("HUB_HF_PROBE_TIMEOUT", "3"))
PROBE_TTL_S = 60.0
_probed: dict[str, tuple[float, bool]] = {}


def hub_offline() -> bool:
    """HF_HUB_OFFLINE is set."""
    return os.environ.get("HF_HUB_OFFLINE", "") not in ("", "0")


def hub_reachable() -> bool:
    """Whether the Hugging Face hub (``HF_ENDPOINT``, default huggingface.co) accepts a TCP
    connection within PROBE_TIMEOUT_S; remembered for PROBE_TTL_S so a batch of loads probes once."""
    endpoint = urlsplit(os.environ.get("HF_ENDPOINT", "https://huggingface.co"))
    host, port = endpoint.hostname or "huggingface.co", endpoint.port or (80 if endpoint.scheme == "http" else 443)
    key = f"{host}:{port}"
    seen = _probed.get(key)
    if seen is not None and time.monotonic() - seen[0] < PROBE_TTL_S:
        return seen[1]
    try:
        with socket.create_connection((host, port), timeout=PROBE_TIMEOUT_S):
            reachable = True
    except OSError:
        reachable = False
    _probed[key] = (time.monotonic(), reachable)
    return reachable


def checkpoint_option(default: str, what: str = "a transformers model") -> Option:
    """The ``checkpoint`` option every Hugging Face-backed model declares."""
    return Option("checkpoint", "str", default,
                  f"Hugging Face hub id or local directory (from save_pretrained) of {what}", host="path")


def image_processor_kwargs() -> dict[str, Any]:
    """Ask for transformers' Pillow image processors: they need no torchvision and match the
    reference code (``backend`` selects them in transformers 5, ``use_fast`` in 4.x)."""
    import transformers

    major = int(transformers.__version__.split(".", 1)[0])
    return {"backend": "pil"} if major >= 5 else {"use_fast": False}


def class_probabilities(model: Any, logits: Any) -> Any:
    """A classifier's probabilities from its logits, as transformers' pipelines do: sigmoid for
    multi-label heads, softmax over the last axis otherwise."""
    if model.config.problem_type == "multi_label_classification":
        return logits.sigmoid()
    return logits.softmax(dim=-1)


def looks_like_path(checkpoint: str) -> bool:
    """Hub ids are ``owner/name``; anything absolute, relative or home-based is a directory."""
    return checkpoint.startswith(("/", "./", "../", "~")) or os.path.isdir(checkpoint)


def load_checkpoint(model_class: Any, processor_class: Any, checkpoint: str, device: str,
                    **processor_kwargs: Any) -> tuple[Any, Any]:
    """The model of a checkpoint, on ``device`` in eval mode, and its processor (tokenizer, feature
    extractor, image processor...): the load of every transformers-backed model, in one place.

    :param model_class: e.g. ``AutoModelForAudioClassification``; its ``from_pretrained`` is used.
    :param processor_class: e.g. ``AutoFeatureExtractor``; ``processor_kwargs`` go to its ``from_pretrained``.
    """
    processor = from_pretrained(processor_class.from_pretrained, checkpoint, **processor_kwargs)
    model = from_pretrained(model_class.from_pretrained, checkpoint).to(device).eval()
    return model, processor


def from_pretrained(loader: Callable[..., T], checkpoint: str, **kwargs: Any) -> T:
    """``loader(checkpoint, **kwargs)``, e.g. ``AutoModel.from_pretrained``, with a clear error.

    :param loader: a ``from_pretrained`` classmethod (transformers or diffusers).
    :param checkpoint: a hub id such as ``facebook/esm2_t6_8M_UR50D`` or a local directory.
    """
    if kwargs.get("trust_remote_code"):
        raise ValueError("trust_remote_code is not allowed in Specialist Hub.")
    path = os.path.expanduser(checkpoint)
    if looks_like_path(checkpoint) and not os.path.isdir(path):
        raise CheckpointNotFoundError(checkpoint, local=True)
    offline = None
    if not os.path.isdir(path) and not kwargs.get("local_files_only"):
        offline = ("HF_HUB_OFFLINE is set" if hub_offline() else
                   None if hub_reachable() else "the Hugging Face hub does not answer")
        if offline:
            kwargs["local_files_only"] = True  # the cache only: no retries against a hub that is not there
    try:
        return loader(path if os.path.isdir(path) else checkpoint, **kwargs)
    except (OSError, ValueError) as exc:
        reason = f"{offline} and no cached copy was found" if offline else str(exc).splitlines()[0][:200]
        raise CheckpointNotFoundError(checkpoint, reason) from exc
