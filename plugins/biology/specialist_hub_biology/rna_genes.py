"""rRNA (pybarrnap) and tRNA/tmRNA (pyaragorn) genes on DNA, as one feature list per record.

pybarrnap takes many records in one nhmmer search, so ``forward`` gives it the whole batch;
ARAGORN runs per record. Both report 1-based inclusive coordinates with start <= end on the
forward strand, which is what GFF3 wants.
"""

from __future__ import annotations

import pyaragorn
from Bio.Seq import Seq
from Bio.SeqRecord import SeqRecord
from pybarrnap import Barrnap

from specialist_hub import Model

from .sequences import NUCLEOTIDE, clean_sequence, dna_only, within_limit

#: The option's kingdom names as pybarrnap's HMM database names.
KINGDOMS = {"bacteria": "bac", "archaea": "arc", "eukaryote": "euk"}


def feature(kind: str, name: str, start: int, end: int, strand: str, score: float, **extra) -> dict:
    """One feature; fields that do not apply to its kind are None, so every feature has the same keys."""
    fields = {"evalue": None, "partial": None, "anticodon": None, "amino_acid": None, "peptide": None}
    return {"type": kind, "name": name, "start": start, "end": end, "strand": strand, "score": score,
            **fields, **extra}


class RnaGenesModel(Model):
    def preprocess(self, value):
        return within_limit(self, dna_only(clean_sequence(value, NUCLEOTIDE, protein=False), "RNA gene search"))

    def forward(self, batch):
        o = self.options
        rrna: list[list[dict]] = [[] for _ in batch]
        records = [SeqRecord(Seq(sequence), id=str(index), name=str(index)) for index, sequence in enumerate(batch)]
        found = Barrnap(records, kingdom=KINGDOMS[o["kingdom"]], evalue=o["evalue"], lencutoff=o["length_cutoff"],
                        reject=o["reject"]).run()
        for hit in found.mdl_records:
            rrna[int(hit.target_name)].append(feature(
                "rRNA", hit.query_name, hit.start, hit.end, hit.strand, hit.score, evalue=hit.evalue,
                partial=hit.is_partial(o["length_cutoff"])))
        finder = pyaragorn.RNAFinder(translation_table=o["translation_table"], linear=o["linear"])
        return [(found_rrna, finder.find_rna(sequence.encode())) for found_rrna, sequence in zip(rrna, batch)]

    def postprocess(self, raw, sequence):
        rrna, small = raw
        features = list(rrna)
        for gene in small:
            strand = "+" if gene.strand == 1 else "-"
            if gene.type == "tRNA":
                features.append(feature("tRNA", f"tRNA-{gene.amino_acid}", gene.begin, gene.end, strand, gene.energy,
                                        anticodon=gene.anticodon, amino_acid=gene.amino_acid))
            else:
                features.append(feature("tmRNA", "tmRNA", gene.begin, gene.end, strand, gene.energy,
                                        peptide=gene.peptide(include_stop=False)))
        features.sort(key=lambda f: (f["start"], f["end"]))
        return {
            "length": len(sequence),
            "rrna_count": len(rrna),
            "trna_count": sum(f["type"] == "tRNA" for f in features),
            "tmrna_count": sum(f["type"] == "tmRNA" for f in features),
            "features": features,
        }
