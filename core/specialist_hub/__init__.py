"""Specialist Hub: small, specialised models for chemistry, biology, vision and audio.

Importing this package is cheap: no plugin and no heavy library is imported until a model is used.
"""

from .api import get_spec, list_models, load, predict, predict_file, predict_stream, read_inputs
from .errors import (CheckpointNotFoundError, HubError, InputError, MissingDependencyError, OptionError,
                     UnknownModelError, UsageError)
from .hookspecs import hookimpl
from .inputs import InputKind, Record, Waveform
from .model import Model
from .results import Prediction, Predictions
from .spec import Example, ModelSpec, Option, OutputField, Weights

__version__ = "0.1.0"

__all__ = [
    "CheckpointNotFoundError", "Example", "HubError", "InputError", "InputKind", "MissingDependencyError",
    "Model", "ModelSpec", "Option", "OptionError", "OutputField", "Prediction", "Predictions", "Record",
    "UnknownModelError", "UsageError", "Waveform", "Weights", "get_spec", "hookimpl", "list_models", "load",
    "predict", "predict_file", "predict_stream", "read_inputs",
]
