"""Image generation with a diffusers pipeline: one PNG per input line, reproducible from its seed.

Text-to-image pipelines take each input as the prompt. Unconditional pipelines (DDPM, DDIM...)
ignore the text, except that an integer input ``n`` selects the seed ``seed + n``, so
``seq 0 9 | hub predict -m vision/generate -`` draws ten different, reproducible images.
"""

from __future__ import annotations

import hashlib
import inspect
import os
from pathlib import Path
from typing import Any, NamedTuple

import torch
from diffusers import DiffusionPipeline
from PIL.PngImagePlugin import PngInfo

from specialist_hub import InputError, Model
from specialist_hub.hf import from_pretrained


class Request(NamedTuple):
    text: str
    seed: int


class GenerateModel(Model):
    def load(self) -> None:
        self.pipeline = from_pretrained(DiffusionPipeline.from_pretrained, self.options["checkpoint"])
        self.pipeline.to(self.device)
        self.pipeline.set_progress_bar_config(disable=True)
        self.takes_prompt = "prompt" in inspect.signature(self.pipeline.__call__).parameters
        self.scheduler = type(self.pipeline.scheduler).__name__

    @property
    def folder(self) -> Path:
        """Where this call writes its PNGs (output_dir is a call-time option)."""
        return Path(self.options["output_dir"] or os.getcwd()).expanduser().resolve()

    def preprocess(self, value: Any) -> Request:
        if not isinstance(value, str):
            raise InputError(f"expected a prompt (text), got {type(value).__name__}")
        text = value.strip()
        if self.takes_prompt and not text:
            raise InputError("empty prompt: this pipeline generates from text")
        offset = int(text) if text.isascii() and text.isdigit() and not self.takes_prompt else 0
        return Request(text, self.options["seed"] + offset)

    def forward(self, batch: list[Request]) -> list:
        # One CPU generator per image: the same seed gives the same image on any device and in
        # any batch.
        generators = [torch.Generator("cpu").manual_seed(item.seed) for item in batch]
        inputs = {"prompt": [item.text for item in batch]} if self.takes_prompt else {"batch_size": len(batch)}
        return list(self.pipeline(**inputs, generator=generators, num_inference_steps=self.options["steps"],
                                  output_type="pil").images)

    def postprocess(self, image, item: Request) -> dict[str, Any]:
        prompt = item.text if self.takes_prompt else None
        settings = {"checkpoint": self.options["checkpoint"], "prompt": prompt or "", "seed": str(item.seed),
                    "steps": str(self.options["steps"]), "scheduler": self.scheduler}
        digest = hashlib.sha1("\0".join(settings.values()).encode()).hexdigest()[:10]
        path = self.folder / f"generate-{item.seed}-{digest}.png"
        metadata = PngInfo()
        for key, value in settings.items():
            metadata.add_text(key, value)
        self.folder.mkdir(parents=True, exist_ok=True)
        image.save(path, pnginfo=metadata)
        return {"image_path": str(path), "prompt": prompt, "seed": item.seed, "steps": self.options["steps"],
                "scheduler": self.scheduler, "width": image.width, "height": image.height}
