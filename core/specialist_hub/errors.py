"""Errors raised by the hub. Every message says what went wrong and how to fix it."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


class HubError(Exception):
    """Base class for every error the hub raises on purpose."""

    #: Process exit status when this error ends a CLI command.
    exit_code = 2


class UsageError(HubError):
    """The request itself is wrong: bad option, unknown domain, incompatible models."""


class UnknownModelError(UsageError):
    """No registered model has this id."""

    def __init__(self, model_id: str, known: Iterable[str]):
        known = list(known)
        close = difflib.get_close_matches(model_id, known, n=3, cutoff=0.5)
        close += [k for k in known if model_id in k and k not in close][: 3 - len(close)]
        hint = f" Did you mean: {', '.join(close)}?" if close else " Run 'hub list' to see the models."
        super().__init__(f"Unknown model: {model_id!r}.{hint}")
        self.model_id = model_id
        self.close_matches = close


class UnknownDomainError(UsageError):
    def __init__(self, domain: str, known: Iterable[str]):
        known = sorted(known)
        super().__init__(f"Unknown domain: {domain!r}. Known domains: {', '.join(known) or 'none'}.")


class DuplicateModelError(HubError):
    """Two plugins registered the same model id; neither wins silently."""

    def __init__(self, model_id: str, plugins: Iterable[str]):
        names = sorted(set(plugins))
        super().__init__(
            f"Model id {model_id!r} is registered by more than one plugin ({', '.join(names)}). "
            f"Uninstall one of them or disable it with HUB_DISABLE_PLUGINS={names[-1]}."
        )


class InvalidSpecError(HubError):
    """A plugin registered a malformed ModelSpec."""


class MissingDependencyError(HubError):
    """A model's optional dependencies are not installed."""

    def __init__(self, model_id: str, missing: Iterable[str], install_hint: str):
        missing = list(missing)
        super().__init__(
            f"Model {model_id!r} needs {', '.join(missing)}, which {'is' if len(missing) == 1 else 'are'} "
            f"not installed. Install with: {install_hint}"
        )
        self.install_hint = install_hint


class OptionError(UsageError):
    """An option is unknown for the model or its value has the wrong type."""


class DeviceError(UsageError):
    """The requested device is not available."""


class CheckpointNotFoundError(HubError):
    """A Hugging Face checkpoint is neither cached nor downloadable (offline, or a bad name)."""

    def __init__(self, checkpoint: str, reason: str = "", local: bool = False):
        if local:
            message = (f"Checkpoint directory {checkpoint!r} does not exist. Pass a directory made by "
                       f"save_pretrained(), or a Hugging Face hub id.")
        else:
            detail = f" ({reason})" if reason else ""
            message = (
                f"Checkpoint {checkpoint!r} is not available{detail}. It is not in the local Hugging Face "
                f"cache and could not be downloaded. Connect to the internet once (the download is cached), "
                f"or run 'huggingface-cli download {checkpoint}' on a connected machine and copy the cache, "
                f"or pass a local directory with --option checkpoint=/path/to/model."
            )
        super().__init__(message)
        self.checkpoint = checkpoint


class RecordError(HubError):
    """A single input record cannot be processed. Captured per record; never fails a batch."""

    exit_code = 1


class InputError(RecordError):
    """The record's input is malformed (bad SMILES, illegal residue, unreadable file...)."""


class OutputSchemaError(RecordError):
    """A model returned fields that differ from the ones its spec declares (a plugin bug)."""
