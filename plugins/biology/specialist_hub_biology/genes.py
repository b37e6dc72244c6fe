"""Prokaryotic gene finding with Prodigal (pyrodigal): metagenomic profiles or single-genome training."""

from __future__ import annotations

import warnings

import pyrodigal

from specialist_hub import InputError

from .sequences import NUCLEOTIDE, SequenceModel, dna_only

#: Prodigal refuses to train on less sequence than this (pyrodigal.MIN_SINGLE_GENOME).
MIN_TRAINING_LENGTH = 20_000


def gc_content(sequence: str) -> float:
    return (sequence.count("G") + sequence.count("C")) / max(1, len(sequence) - sequence.count("N"))


class GenesModel(SequenceModel):
    alphabet = NUCLEOTIDE
    protein = False

    def load(self):
        o = self.options
        self.settings = dict(closed=o["closed"], mask=o["mask"])
        self.meta_finder = pyrodigal.GeneFinder(meta=True, **self.settings) if o["mode"] == "meta" else None

    def preprocess(self, value):
        sequence = dna_only(super().preprocess(value), "gene finding")
        if sequence.count("N") == len(sequence):  # Prodigal would call a confident gene in the unknown bases
            raise InputError(f"the sequence is {len(sequence):,} N (unknown bases) and nothing else: no gene can be "
                             f"found in it")
        if self.meta_finder is None and len(sequence) < MIN_TRAINING_LENGTH:
            raise InputError(
                f"single-genome mode trains on the record itself and needs at least {MIN_TRAINING_LENGTH} bp "
                f"(this one has {len(sequence)}); use mode=meta for short contigs"
            )
        return sequence

    def compute(self, sequence):
        if self.meta_finder is not None:
            genes = self.meta_finder.find_genes(sequence)
            if genes.metagenomic_bin is None:  # too short for any profile: Prodigal finds nothing
                return {"length": len(sequence), "gene_count": 0, "gc_content": gc_content(sequence),
                        "translation_table": None, "model": "none", "genes": []}
            model = genes.metagenomic_bin.description
        else:
            finder = pyrodigal.GeneFinder(**self.settings)
            with warnings.catch_warnings():  # Prodigal suggests >= 100 kb; 20 kb is its hard minimum
                warnings.simplefilter("ignore", UserWarning)
                finder.train(sequence, translation_table=self.options["translation_table"])
            genes = finder.find_genes(sequence)
            model = "single"
        table = genes.training_info.translation_table
        return {
            "length": len(sequence),
            "gene_count": len(genes),
            "gc_content": gc_content(sequence),
            "translation_table": table,
            "model": model,
            "genes": [
                {
                    "start": gene.begin, "end": gene.end, "strand": "+" if gene.strand == 1 else "-",
                    "partial_begin": gene.partial_begin, "partial_end": gene.partial_end,
                    "start_codon": gene.start_type, "rbs_motif": gene.rbs_motif, "score": gene.score,
                    "confidence": gene.confidence(), "protein": protein, "protein_length": len(protein),
                }
                for gene in genes for protein in [gene.translate(include_stop=False)]
            ],
        }
