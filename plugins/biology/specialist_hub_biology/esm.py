"""ESM-2 protein language model (transformers): mean embeddings and masked pseudo-log-likelihoods."""

from __future__ import annotations

import torch
from transformers import AutoTokenizer, EsmForMaskedLM

from specialist_hub import InputError
from specialist_hub.hf import load_checkpoint

from .sequences import PROTEIN_EXTENDED, SequenceModel

#: Masked copies scored per forward pass when computing pseudo-log-likelihoods.
MASKED_CHUNK = 64


class Esm2Model(SequenceModel):
    alphabet = PROTEIN_EXTENDED

    def load(self):
        self.model, self.tokenizer = load_checkpoint(EsmForMaskedLM, AutoTokenizer, self.options["checkpoint"],
                                                     self.device)
        # Two positions go to the <cls> and <eos> tokens.
        self.max_residues = self.model.config.max_position_embeddings - 2

    def preprocess(self, value):
        sequence = super().preprocess(value)
        if len(sequence) > self.max_residues:
            raise InputError(f"sequence has {len(sequence)} residues; this checkpoint takes at most {self.max_residues}")
        return sequence

    def forward(self, batch):
        want = self.options["output"]
        embeddings = self.embed(batch) if want in ("embedding", "both") else [None] * len(batch)
        likelihoods = [self.residue_log_likelihoods(s) for s in batch] if want in ("pseudo_perplexity", "both") \
            else [None] * len(batch)
        return list(zip(embeddings, likelihoods))

    def postprocess(self, raw, item):
        embedding, log_likelihoods = raw
        perplexity = float(torch.tensor(log_likelihoods).mean().neg().exp()) if log_likelihoods else None
        return {"length": len(item), "embedding": embedding, "residue_log_likelihoods": log_likelihoods,
                "pseudo_perplexity": perplexity}

    def _encode(self, sequences: list[str]):
        return self.tokenizer(sequences, return_tensors="pt", padding=True).to(self.device)

    def embed(self, batch: list[str]) -> list[list[float]]:
        """Mean of the last hidden layer over residues (the <cls>, <eos> and padding are left out)."""
        tokens = self._encode(batch)
        hidden = self.model.esm(**tokens).last_hidden_state
        residues = tokens["attention_mask"].clone()
        residues[:, 0] = 0
        residues[torch.arange(len(batch)), residues.sum(1)] = 0  # <eos> sits after the last residue
        weights = residues.unsqueeze(-1).to(hidden.dtype)
        means = (hidden * weights).sum(1) / weights.sum(1)
        return means.float().cpu().tolist()

    def residue_log_likelihoods(self, sequence: str) -> list[float]:
        """log P(true residue | rest) with each position masked in turn (Salazar et al. 2020)."""
        ids = self._encode([sequence])["input_ids"][0]
        positions = torch.arange(1, len(ids) - 1, device=ids.device)
        scores = []
        for chunk in positions.split(MASKED_CHUNK):
            masked = ids.repeat(len(chunk), 1)
            masked[torch.arange(len(chunk)), chunk] = self.tokenizer.mask_token_id
            logits = self.model(input_ids=masked, attention_mask=torch.ones_like(masked)).logits
            log_probs = logits[torch.arange(len(chunk)), chunk].float().log_softmax(-1)
            scores.append(log_probs.gather(1, ids[chunk].unsqueeze(1)).squeeze(1))
        return torch.cat(scores).cpu().tolist()
