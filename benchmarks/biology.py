"""Biology plugin overhead: `hub predict` (file in, file out) and the Python API vs the libraries directly.

Workloads, in one run:
  * biology/protein-properties on >= 10 000 real proteins (Prodigal's reference proteomes shipped
    in pyrodigal's test data, repeated) against a plain Biopython ProtParam loop;
  * biology/genes (metagenomic mode) on a 2.46 Mb genome (GCF_001457455.1, also shipped with
    pyrodigal) against pyrodigal's GeneFinder called directly, translations included;
  * biology/rna-fold on 300 random RNAs (50-200 nt) against ViennaRNA's MFE + partition function loop;
  * biology/disorder on 300 of those proteins against metapredict's own batch calls;
  * biology/rna-genes on Mycoplasma mycoides GM12 (1.09 Mb, pyaragorn's test data) against pybarrnap
    and pyaragorn called directly;
  * biology/primers on 200 templates of 1 kb cut from the 2.46 Mb genome against a primer3 loop.
``--part bgc`` (also part of ``all``): biology/bgc through `hub predict` against `gecco run`, both as commands on the
180 kb C. diphtheriae scaffold the plugin ships, then (``--bgc-genome``) on that 2.46 Mb genome, in
seconds per kb; each side loads its models (the type classifier is fitted at start-up) and writes tables.
Each time is the best of two runs; ratios > 1 mean the hub is slower. `hub predict` times include interpreter
start-up and output
writing. Run: python benchmarks/biology.py [number of proteins] [--part all|bgc] [--bgc-genome]
"""

from __future__ import annotations

import argparse
import gzip
import subprocess
import sys
import tempfile
import time
from importlib.resources import files
from pathlib import Path

DATA = files("pyrodigal.tests") / "data"
HUB = [sys.executable, "-m", "specialist_hub"]


def read_fasta(name: str) -> list[tuple[str, str]]:
    records: list[tuple[str, str]] = []
    with gzip.open(DATA / name, "rt") as handle:
        for line in handle:
            if line.startswith(">"):
                records.append((line[1:].split()[0], ""))
            else:
                records[-1] = (records[-1][0], records[-1][1] + line.strip())
    return records


REPEATS = 2  # best of: the machine may be shared, and the minimum is the least disturbed run


def timed(function) -> tuple[float, object]:
    best = float("inf")
    for _ in range(REPEATS):
        start = time.perf_counter()
        result = function()
        best = min(best, time.perf_counter() - start)
    return best, result


def hub_predict(model: str, source: Path, output: Path, *options: str) -> float:
    def run():
        subprocess.run([*HUB, "predict", "-m", model, "--input", str(source), "-o", str(output), "-q", *options],
                       check=True)
    return timed(run)[0]


def proteins_direct(sequences: list[str]) -> list[dict]:
    """What a user would write with Biopython: the same ProtParam quantities per protein."""
    from Bio.SeqUtils.ProtParam import ProteinAnalysis

    rows = []
    for sequence in sequences:
        analysis = ProteinAnalysis(sequence)
        rows.append({"mw": analysis.molecular_weight(), "pi": analysis.isoelectric_point(),
                     "charge": analysis.charge_at_pH(7.0), "gravy": analysis.gravy(),
                     "ii": analysis.instability_index(), "aromaticity": analysis.aromaticity(),
                     "ext": analysis.molar_extinction_coefficient(),
                     "ss": analysis.secondary_structure_fraction()})
    return rows


def genes_direct(genome: str) -> int:
    import pyrodigal

    genes = pyrodigal.GeneFinder(meta=True).find_genes(genome)
    return len([gene.translate(include_stop=False) for gene in genes])


def rna_fold_direct(sequences: list[str]) -> list[tuple]:
    import RNA

    rows = []
    for sequence in sequences:
        compound = RNA.fold_compound(sequence)
        structure, mfe = compound.mfe()
        compound.exp_params_rescale(mfe)
        _, ensemble = compound.pf()
        rows.append((structure, mfe, ensemble, compound.centroid(), compound.pr_structure(structure),
                     compound.mean_bp_distance()))
    return rows


def disorder_direct(sequences: list[str]) -> int:
    import metapredict

    disorder = metapredict.predict_disorder(sequences, return_domains=True, device="cpu", return_numpy=False)
    plddt = metapredict.predict_pLDDT(sequences, device="cpu", return_numpy=False)
    return len(list(zip(disorder, plddt)))


def rna_genes_direct(genome: str) -> int:
    import pyaragorn
    from Bio.Seq import Seq
    from Bio.SeqRecord import SeqRecord
    from pybarrnap import Barrnap

    rrna = Barrnap(SeqRecord(Seq(genome), id="genome", name="genome"), kingdom="bac").run().mdl_records
    return len(rrna) + len(pyaragorn.RNAFinder(translation_table=11).find_rna(genome.encode()))


def primers_direct(templates: list[str]) -> int:
    import primer3

    pairs = 0
    for template in templates:
        found = primer3.design_primers({"SEQUENCE_TEMPLATE": template, "SEQUENCE_TARGET": [450, 100]},
                                       {"PRIMER_PRODUCT_SIZE_RANGE": [[100, 300]], "PRIMER_NUM_RETURN": 5})
        pairs += found["PRIMER_PAIR_NUM_RETURNED"]
    return pairs


def api_vs_direct(name: str, model: str, inputs, direct, **options) -> None:
    """One line pair: the library loop against specialist_hub.predict on the same inputs (no CLI)."""
    import specialist_hub

    direct_seconds, _ = timed(lambda: direct(inputs))
    api, predictions = timed(lambda: list(specialist_hub.predict(model, inputs, **options)))
    assert all(p.ok for p in predictions), next(p.error for p in predictions if not p.ok)
    report(name, direct_seconds, [("Python API", api)])


def second_wave(proteins: list[str], genome: str) -> None:
    import random

    rng = random.Random(18)
    rnas = ["".join(rng.choice("ACGU") for _ in range(rng.randint(50, 200))) for _ in range(300)]
    api_vs_direct("rna-fold: 300 random RNAs, 50-200 nt", "biology/rna-fold", rnas, rna_fold_direct)
    api_vs_direct("disorder: 300 proteins (metapredict V3 + pLDDT, CPU)", "biology/disorder", proteins[:300],
                  disorder_direct)
    with gzip.open(files("pyaragorn.tests") / "data" / "CP001621.fna.gz", "rt") as handle:
        mycoplasma = "".join(line.strip() for line in handle if not line.startswith(">"))
    api_vs_direct("rna-genes: CP001621, 1.09 Mb", "biology/rna-genes", mycoplasma, rna_genes_direct)
    templates = [genome[i:i + 1000] for i in range(0, 200_000, 1000)]
    api_vs_direct("primers: 200 templates of 1 kb, target 451-550", "biology/primers", templates, primers_direct,
                  target="451-550")


def report(name: str, direct: float, rows: list[tuple[str, float]]) -> None:
    print(f"\n{name}\n  {'library directly':<28}{direct:8.2f} s   1.00x")
    for label, seconds in rows:
        print(f"  {label:<28}{seconds:8.2f} s  {seconds / direct:5.2f}x")


def bgc_part(whole_genome: bool) -> None:
    """biology/bgc against the `gecco run` command on the same file, seconds per kb."""
    from specialist_hub_biology.plugin import ACTINO_SCAFFOLD

    gecco = [sys.executable, "-m", "gecco", "-q", "run"]
    with tempfile.TemporaryDirectory() as tmp:
        sources = [(ACTINO_SCAFFOLD, 180_000)]
        if whole_genome:
            (genome_id, genome), = read_fasta("GCF_001457455.1_NCTC11397_genomic.fna.gz")
            sources.append((Path(tmp) / "genome.fna", len(genome)))
            sources[-1][0].write_text(f">{genome_id}\n{genome}\n")
        for source, bases in sources:
            direct, _ = timed(lambda source=source: subprocess.run([*gecco, "-g", str(source), "-o", tmp], check=True))
            cli = hub_predict("biology/bgc", source, Path(tmp) / "bgc.jsonl")
            kb = bases / 1000
            report(f"bgc: {source.name}, {kb:.0f} kb (seconds per kb: gecco run {direct / kb:.3f}, "
                   f"hub predict {cli / kb:.3f})", direct, [("hub predict fna -> jsonl", cli)])


def main(count: int = 10_000) -> None:
    import specialist_hub

    names = ["MIIJ01000039.faa.gz", "MIIJ01000039.single.faa.gz", "SRR492066.meta.faa.gz", "KK037166.meta.faa.gz"]
    standard = set("ACDEFGHIKLMNPQRSTVWY")  # a few Prodigal proteins hold X (genes across runs of N)
    pool = [seq.rstrip("*") for name in names for _, seq in read_fasta(name) if standard.issuperset(seq.rstrip("*"))]
    proteins = [pool[i % len(pool)] for i in range(count)]
    (genome_id, genome), = read_fasta("GCF_001457455.1_NCTC11397_genomic.fna.gz")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        faa = tmp / "proteins.faa"
        faa.write_text("".join(f">p{i}\n{seq}\n" for i, seq in enumerate(proteins)))
        fna = tmp / "genome.fna"
        fna.write_text(f">{genome_id}\n{genome}\n")

        direct, _ = timed(lambda: proteins_direct(proteins))
        api, predictions = timed(lambda: list(specialist_hub.predict("biology/protein-properties", proteins)))
        assert all(p.ok for p in predictions)
        cli = hub_predict("biology/protein-properties", faa, tmp / "proteins.jsonl")
        residues = sum(map(len, proteins))
        report(f"protein-properties: {count} proteins, {residues} residues", direct,
               [("Python API", api), ("hub predict faa -> jsonl", cli)])

        direct, n_direct = timed(lambda: genes_direct(genome))
        api, predictions = timed(lambda: specialist_hub.predict("biology/genes", genome))
        assert predictions[0].output["gene_count"] == n_direct
        cli = hub_predict("biology/genes", fna, tmp / "genes.jsonl")
        report(f"genes (meta): {len(genome) / 1e6:.2f} Mb, {n_direct} genes", direct,
               [("Python API", api), ("hub predict fna -> jsonl", cli)])
    second_wave(proteins, genome)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", nargs="?", type=int, default=10_000, help="proteins for protein-properties")
    parser.add_argument("--part", choices=("all", "bgc"), default="all")
    parser.add_argument("--bgc-genome", action="store_true", help="--part bgc: also the whole 2.46 Mb genome")
    args = parser.parse_args()
    if args.part == "all":
        main(args.count)
    bgc_part(args.bgc_genome)
