"""Audio classification with any transformers AutoModelForAudioClassification checkpoint."""

from __future__ import annotations

from transformers import AutoFeatureExtractor, AutoModelForAudioClassification

from specialist_hub.hf import from_pretrained
from specialist_hub.kit import top_k

from .audio import AudioModel, AudioSource, equal_length_groups


class ClassifyModel(AudioModel):
    def load(self):
        checkpoint = self.options["checkpoint"]
        self.extractor = from_pretrained(AutoFeatureExtractor.from_pretrained, checkpoint)
        self.model = from_pretrained(AutoModelForAudioClassification.from_pretrained, checkpoint)
        self.model.to(self.device).eval()
        self.rate = self.extractor.sampling_rate
        # As transformers' audio-classification pipeline: sigmoid for multi-label heads.
        self.multi_label = self.model.config.problem_type == "multi_label_classification"

    def forward(self, batch: list[AudioSource]) -> list[list[dict]]:
        waves = [source.read_mono(self.rate, self.options["max_seconds"]) for source in batch]
        results: list = [None] * len(batch)
        for group in equal_length_groups(waves):
            inputs = self.extractor([waves[i] for i in group], sampling_rate=self.rate, return_tensors="pt")
            logits = self.model(**inputs.to(self.device)).logits.float()
            scores = logits.sigmoid() if self.multi_label else logits.softmax(dim=-1)
            for row, index in zip(scores.cpu().tolist(), group):
                results[index] = row
        return results

    def postprocess(self, raw, item):
        return top_k(raw, self.model.config.id2label, self.options["top_k"])
