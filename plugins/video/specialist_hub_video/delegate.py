"""Running another installed model of the hub on the pictures or the sound of a video.

``video/frames`` and ``video/audio`` name the model to run in their ``model`` option and pass it
``model_options``; they know nothing about that model except the input kind it declares, so
every image or audio model a plugin installs works, now or later.
"""

from __future__ import annotations

from typing import Any

from specialist_hub import Model, OptionError, Prediction

from .video import VideoModel


def parse_model_options(text: str) -> dict[str, str]:
    """``"top_k=3,min_confidence=0.2"`` as a dict of strings (the inner model converts them)."""
    options = {}
    for pair in filter(None, (part.strip() for part in text.split(","))):
        key, equals, value = pair.partition("=")
        if not equals or not key.strip():
            raise OptionError(f"model_options expects KEY=VALUE pairs separated by commas, got {pair!r}.")
        options[key.strip()] = value.strip()
    return options


class DelegatingModel(VideoModel):
    """A video model that hands decoded frames or sound to the model named by its options."""

    #: The input kind the named model must take ("image" or "audio").
    inner_kind = ""

    def inner_model(self) -> Model:
        """The model of option ``model``, loaded (once, through the registry) with ``model_options``."""
        if self.registry is None:
            raise OptionError(f"{self.spec.id} runs other models, so it must be loaded through a Registry.")
        spec = self.registry.get(self.options["model"])
        if spec.input_kind != self.inner_kind:
            raise OptionError(f"{self.spec.id} runs {self.inner_kind} models; {spec.id} takes {spec.input_kind} "
                              f"inputs. Choose one of: {', '.join(self.candidates())}.")
        device = self.device if spec.uses_torch else "cpu"
        return self.registry.load(spec.id, device=device, **parse_model_options(self.options["model_options"]))

    def candidates(self) -> list[str]:
        return [spec.id for spec in self.registry.list_models() if spec.input_kind == self.inner_kind]


def outcome(prediction: Prediction) -> dict[str, Any]:
    """The inner model's result: ``output`` when it succeeded, else ``error``."""
    if prediction.ok:
        return {"ok": True, "output": prediction.output}
    return {"ok": False, "error": prediction.error}
