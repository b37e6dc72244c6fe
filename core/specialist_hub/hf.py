"""Loading Hugging Face checkpoints the same way for every plugin.

The real ``from_pretrained`` path is always used: online users get the download (cached by
huggingface_hub), offline users with a cached copy or a local directory get it from disk, and
everyone else gets a :class:`CheckpointNotFoundError` that names the checkpoint and the fix.
``trust_remote_code`` is never enabled: only code that ships in transformers/diffusers runs.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any, TypeVar

from .errors import CheckpointNotFoundError
from .spec import Option

T = TypeVar("T")


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
    try:
        return loader(path if os.path.isdir(path) else checkpoint, **kwargs)
    except (OSError, ValueError) as exc:
        text = str(exc)
        offline = os.environ.get("HF_HUB_OFFLINE", "") not in ("", "0")
        reason = "HF_HUB_OFFLINE is set and no cached copy was found" if offline else text.splitlines()[0][:200]
        raise CheckpointNotFoundError(checkpoint, reason) from exc
