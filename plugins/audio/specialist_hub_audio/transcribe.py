"""Speech recognition with transformers' Whisper, in 30 s windows batched across inputs."""

from __future__ import annotations

import numpy as np
from transformers import AutoModelForSpeechSeq2Seq, AutoProcessor

from specialist_hub.hf import load_checkpoint

from .audio import AudioModel, AudioSource

WINDOW_SECONDS = 30  # Whisper's receptive field: longer audio is cut into consecutive windows
WINDOWS_PER_CALL = 8


class TranscribeModel(AudioModel):
    def load(self):
        self.model, self.processor = load_checkpoint(AutoModelForSpeechSeq2Seq, AutoProcessor,
                                                     self.options["checkpoint"], self.device)
        self.rate = self.processor.feature_extractor.sampling_rate

    def windows(self, source: AudioSource):
        """(start seconds, samples) for each consecutive 30 s window of the 16 kHz mono signal."""
        size, pending, start = WINDOW_SECONDS * self.rate, np.zeros(0, dtype=np.float32), 0
        for block in source.mono(self.rate):
            pending = np.concatenate([pending, block])
            while len(pending) >= size:
                yield start / self.rate, pending[:size]
                pending, start = pending[size:], start + size
        if len(pending):
            yield start / self.rate, pending

    def forward(self, batch: list[AudioSource]) -> list[list[dict]]:
        jobs = [(i, start, wave) for i, source in enumerate(batch) for start, wave in self.windows(source)]
        pieces: list[list[dict]] = [[] for _ in batch]
        for first in range(0, len(jobs), WINDOWS_PER_CALL):
            chunk = jobs[first:first + WINDOWS_PER_CALL]
            for (index, start, _), piece in zip(chunk, self._transcribe([wave for _, _, wave in chunk])):
                piece["offset"] = start
                pieces[index].append(piece)
        return pieces

    def _transcribe(self, waves: list[np.ndarray]) -> list[dict]:
        inputs = self.processor(waves, sampling_rate=self.rate, return_tensors="pt", return_attention_mask=True)
        timestamps = self.options["timestamps"]
        ids = self.model.generate(
            inputs.input_features.to(self.device, self.model.dtype),
            attention_mask=inputs.attention_mask.to(self.device), task=self.options["task"],
            language=self.options["language"] or None, return_timestamps=timestamps,
        )
        # One row at a time: the tokenizer computes offsets only for a single sequence.
        decoded = [self.processor.tokenizer.decode(row, skip_special_tokens=True, output_offsets=timestamps)
                   for row in ids.cpu().tolist()]
        return [piece if timestamps else {"text": piece, "offsets": []} for piece in decoded]

    def postprocess(self, raw, item):
        def seconds(piece, value):  # window offset added; never past the end of the input
            return round(min(piece["offset"] + value, item.duration), 2)

        segments = [{"start": seconds(piece, offset["timestamp"][0]),
                     "end": seconds(piece, offset["timestamp"][1] or offset["timestamp"][0]),
                     "text": offset["text"].strip()}
                    for piece in raw for offset in piece["offsets"]]
        text = " ".join(piece["text"].strip() for piece in raw if piece["text"].strip())
        return {"text": text, "segments": segments}
