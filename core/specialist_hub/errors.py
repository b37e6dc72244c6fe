"""Errors raised by the hub. Every message says what went wrong and how to fix it."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import Any


class HubError(Exception):
    """Base class for every error the hub raises on purpose."""

    #: Process exit status when this error ends a CLI command.
    exit_code = 2
    #: HTTP status when this error ends a server request.
    http_status = 500

    def details(self) -> dict[str, Any]:
        """Machine-readable facts beside the message (the server adds them to its error body)."""
        return {}

    def __reduce__(self):
        # Subclasses build their message from other arguments; rebuild from the message and state,
        # so errors cross process boundaries (isolated workers) with their class and details.
        return _rebuild_error, (type(self), str(self), self.__dict__)

    def reworded(self, message: str) -> HubError:
        """The same error, class and details, with another message (the server's file names as the client's)."""
        return _rebuild_error(type(self), message, self.__dict__)


def _rebuild_error(cls: type[HubError], message: str, state: dict[str, Any]) -> HubError:
    error = cls.__new__(cls)
    Exception.__init__(error, message)
    error.__dict__.update(state)
    return error


class UsageError(HubError):
    """The request itself is wrong: bad option, unknown domain, incompatible models."""

    http_status = 400


class UnknownModelError(UsageError):
    """No registered model has this id."""

    def __init__(self, model_id: str, known: Iterable[str], broken: Iterable[str] = ()):
        known = list(known)
        close = difflib.get_close_matches(model_id, known, n=3, cutoff=0.5)
        close += [k for k in known if model_id in k and k not in close][: 3 - len(close)]
        hint = f" Did you mean: {', '.join(close)}?" if close else " Run 'hub list' to see the models."
        super().__init__(f"Unknown model: {model_id!r}.{hint}{_broken_note(broken)}")
        self.model_id = model_id
        self.close_matches = close

    http_status = 404

    def details(self) -> dict[str, Any]:
        return {"close_matches": self.close_matches}


def _broken_note(broken: Iterable[str]) -> str:
    errors = list(broken)
    return (" Plugins that failed to load (their models are missing): " + "; ".join(errors)) if errors else ""


class UnknownDomainError(UsageError):
    http_status = 404

    def __init__(self, domain: str, known: Iterable[str]):
        known = sorted(known)
        super().__init__(f"Unknown domain: {domain!r}. Known domains: {', '.join(known) or 'none'}.")


class RateLimited(HubError):
    """A client sent more requests than the server's ``--rate-limit`` lets one API key (or address) send."""

    http_status = 429

    def __init__(self, limit: str, retry_after: int):
        super().__init__(f"Too many requests: this server allows {limit} per API key (per client address without "
                         f"a key). Retry in {retry_after} s, or ask the server's operator for a higher --rate-limit.")
        self.retry_after = retry_after

    def details(self) -> dict[str, Any]:
        return {"retry_after": self.retry_after}


class DuplicateModelError(HubError):
    """Two plugins registered the same model id; neither wins silently."""

    http_status = 409

    def __init__(self, model_id: str, plugins: Iterable[str]):
        names = sorted(set(plugins))
        super().__init__(
            f"Model id {model_id!r} is registered by more than one plugin ({', '.join(names)}). "
            f"Uninstall one of them or disable it with HUB_DISABLE_PLUGINS={names[-1]}."
        )


class LicenseError(UsageError):
    """A non-commercial model was asked for where only commercially usable ones are allowed."""

    http_status = 403

    def __init__(self, model_id: str, license: str):
        super().__init__(f"{model_id} is not for commercial use (licence: {license}), and only commercially usable "
                         f"models are allowed here (--license commercial or HUB_LICENSE=commercial).")


class InvalidSpecError(HubError):
    """A plugin registered a malformed ModelSpec."""


class PipelineError(InvalidSpecError):
    """A pipeline names a missing model or field, feeds a step what it does not take, or has a
    malformed condition; raised before anything runs."""


class UnknownInputKindError(InvalidSpecError):
    """No plugin registered an input kind of this name."""

    def __init__(self, name: str, known: Iterable[str]):
        super().__init__(f"Unknown input kind {name!r}; known input kinds: {', '.join(sorted(known))}. "
                         f"Register it through the register_input_kinds hook.")


class WeightsError(HubError):
    """A shipped weights file is missing or does not match its declared sha256."""

    http_status = 503


class MissingDependencyError(HubError):
    """A model's optional dependencies are not installed."""

    def __init__(self, model_id: str, missing: Iterable[str], install_hint: str):
        missing = list(missing)
        super().__init__(
            f"Model {model_id!r} needs {', '.join(missing)}, which {'is' if len(missing) == 1 else 'are'} "
            f"not installed. Install with: {install_hint}"
        )
        self.install_hint = install_hint

    http_status = 503

    def details(self) -> dict[str, Any]:
        return {"install_hint": self.install_hint}


class OptionError(UsageError):
    """An option is unknown for the model or its value has the wrong type."""

    http_status = 422


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
                f"or run 'hf download {checkpoint}' on a connected machine and copy its cache (HF_HOME), "
                f"or pass a local directory with --option checkpoint=/path/to/model."
            )
        super().__init__(message)
        self.checkpoint = checkpoint

    http_status = 503

    def details(self) -> dict[str, Any]:
        return {"checkpoint": self.checkpoint}


class InputStreamError(HubError):
    """An input file or stream cannot be read to its end (truncated or not really gzip, a field
    beyond the size limit, undecodable bytes). The records before the damage are still written."""

    exit_code = 3
    http_status = 400


class RecordTooLarge(InputStreamError):
    """One line or field of an input is over the record size limit (a bomb, or a file to split)."""

    http_status = 413


class OutputWriteError(HubError):
    """The results could not be written during the run (a full disk, a folder removed or made
    read-only); what was written is kept in the partial file the message names, for ``--resume``."""

    exit_code = 4


class RecordError(HubError):
    """A single input record cannot be processed. Captured per record; never fails a batch."""

    exit_code = 1
    http_status = 422


class InputError(RecordError):
    """The record's input is malformed (bad SMILES, illegal residue, unreadable file...)."""


class OutputSchemaError(RecordError):
    """A model returned fields that differ from the ones its spec declares (a plugin bug)."""


class TrainingDataError(UsageError):
    """The labelled data cannot make a model (too few rows, one class, a constant target...); the
    message says what to change."""


class TrainedModelExistsError(UsageError):
    """``hub train --name`` names a model that exists; ``--force`` replaces it."""
