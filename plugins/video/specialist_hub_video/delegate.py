"""Running another installed model of the hub on the pictures or the sound of a video.

``video/frames`` and ``video/audio`` name the model to run in their ``model`` option and pass it
``model_options``; they know nothing about that model except the input kind it declares, so
every image or audio model a plugin installs works, now or later.
"""

from __future__ import annotations

from typing import Any

from specialist_hub import Model, OptionError, Prediction
from specialist_hub.model import Loader
from specialist_hub.spec import parse_option_pairs

from .video import VideoModel


class DelegatingModel(VideoModel):
    """A video model that hands decoded frames or sound to the model named by its options.

    The core checks that model (licence, input kind) and its ``model_options`` (values, server-only
    roles) before the run, as for any option declared with ``runs``/``options_for``."""

    @property
    def models(self) -> Loader:
        """The loader of the registry that loaded this model, through which it runs the others."""
        if self.loader is None:
            raise OptionError(f"{self.spec.id} runs other models, so it must be loaded through a Registry.")
        return self.loader

    def inner_model(self) -> Model:
        """The model of option ``model``, loaded (once, through the registry) with ``model_options``."""
        spec = self.models.get(self.options["model"])
        device = self.device if spec.uses_torch else "cpu"
        return self.models.load(spec.id, device=device, **parse_option_pairs(self.options["model_options"]))


def outcome(prediction: Prediction) -> dict[str, Any]:
    """The inner model's result: ``output`` when it succeeded, else ``error``."""
    if prediction.ok:
        return {"ok": True, "output": prediction.output}
    return {"ok": False, "error": prediction.error}
