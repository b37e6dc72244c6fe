"""Audio classification with any transformers AutoModelForAudioClassification checkpoint."""

from __future__ import annotations

from transformers import AutoFeatureExtractor, AutoModelForAudioClassification

from specialist_hub.hf import class_probabilities, load_checkpoint
from specialist_hub.kit import top_k

from .audio import AudioModel, AudioSource, equal_length_groups


class ClassifyModel(AudioModel):
    def load(self):
        self.model, self.extractor = load_checkpoint(AutoModelForAudioClassification, AutoFeatureExtractor,
                                                     self.options["checkpoint"], self.device)
        self.rate = self.extractor.sampling_rate

    def forward(self, batch: list[AudioSource]) -> list[list[dict]]:
        waves = [source.read_mono(self.rate, self.options["max_seconds"]) for source in batch]
        results: list = [None] * len(batch)
        for group in equal_length_groups(waves):
            inputs = self.extractor([waves[i] for i in group], sampling_rate=self.rate, return_tensors="pt")
            logits = self.model(**inputs.to(self.device)).logits.float()
            scores = class_probabilities(self.model, logits)
            for row, index in zip(scores.cpu().tolist(), group):
                results[index] = row
        return results

    def postprocess(self, raw, item):
        return top_k(raw, self.model.config.id2label, self.options["top_k"])
