"""Specialist Hub: small, specialised models for chemistry, biology, vision and audio.

Importing this package is cheap: no plugin and no heavy library is imported until a model is used.
"""

from .api import get_spec, list_models, load, predict, predict_file, predict_stream, read_inputs, train
from .errors import (
                     CheckpointNotFoundError,
                     HubError,
                     InputError,
                     MissingDependencyError,
                     OptionError,
                     UnknownModelError,
                     UsageError,
                     WeightsError,
)
from .hookspecs import hookimpl
from .inputs import InputKind, Record, Waveform
from .kit import SpecFamily
from .model import ItemModel, Model
from .pipeline import Pipeline, Step
from .registry import Registry
from .results import Prediction, Predictions
from .spec import Example, ModelSpec, Option, OutputField, Weights
from .version import __version__ as __version__

__all__ = [
    "CheckpointNotFoundError", "Example", "HubError", "InputError", "InputKind", "ItemModel",
    "MissingDependencyError", "Model", "ModelSpec", "Option", "OptionError", "OutputField", "Pipeline",
    "Prediction", "Predictions", "Record", "Registry", "SpecFamily", "Step", "UnknownModelError", "UsageError",
    "Waveform", "Weights", "WeightsError", "get_spec", "hookimpl", "list_models", "load", "predict",
    "predict_file", "predict_stream", "read_inputs", "train",
]
