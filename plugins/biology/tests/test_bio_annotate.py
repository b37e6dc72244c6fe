"""biology/annotate-genome: a pipeline whose GFF3 reads back with gffutils and whose per-protein
results equal the protein models run alone."""

from __future__ import annotations

import re

import pyrodigal
import pytest

import specialist_hub
from specialist_hub.inputs import SequenceKind, iter_records
from specialist_hub_biology.plugin import GENOME


@pytest.fixture(scope="module")
def genome() -> str:
    (record,) = iter_records(SequenceKind(), [str(GENOME)])
    return record.value


def test_gff3_has_one_cds_per_pyrodigal_gene_and_parses_with_gffutils(tmp_path, genome):
    import gffutils

    out = tmp_path / "genome.gff3"
    summary = specialist_hub.predict_file("biology/annotate-genome", str(GENOME), str(out))
    assert summary.failed == 0
    expected = pyrodigal.GeneFinder(meta=True).find_genes(genome)
    database = gffutils.create_db(str(out), ":memory:", merge_strategy="error")
    cds = sorted(database.features_of_type("CDS"), key=lambda f: f.start)
    assert len(cds) == len(expected) == 19
    assert [(f.start, f.end, f.strand) for f in cds] == sorted(
        (g.begin, g.end, "+" if g.strand == 1 else "-") for g in expected)
    assert all(database[f.attributes["Parent"][0]].featuretype == "gene" for f in cds)
    # Proteins outside the AMP model's 10-50 residues carry no AMP call; the others do
    lengths = [len(g.translate(include_stop=False)) for g in sorted(expected, key=lambda g: g.begin)]
    scored = [("antimicrobial_label" in f.attributes) for f in cds]
    assert scored == [10 <= n <= 50 for n in lengths] and any(scored)


def test_each_proteins_results_equal_the_protein_models_run_alone(genome):
    (annotated,) = specialist_hub.predict("biology/annotate-genome", genome)
    proteins = [gene["protein"] for gene in annotated.output["genes.genes"]]
    alone = specialist_hub.predict("biology/protein-properties", proteins)
    assert annotated.output["properties"] == [p.output if p.ok else {"error": p.error} for p in alone]
    # The AMP model only on the lengths it was trained to tell apart (modlAMP's negatives: 10-50 residues)
    candidates = [i for i, protein in enumerate(proteins) if 10 <= len(protein) <= 50]
    assert 0 < len(candidates) < len(proteins)
    amp = dict(zip(candidates, specialist_hub.predict("biology/antimicrobial", [proteins[i] for i in candidates])))
    assert annotated.output["antimicrobial"] == [
        (amp[i].output if amp[i].ok else {"error": amp[i].error}) if i in amp else None for i in range(len(proteins))]


def test_gff3_has_sequence_regions_rna_genes_and_numbers_at_their_precision(tmp_path):
    """On an rRNA operon of CP001621: the ##sequence-region, barrnap's rRNAs and ARAGORN's tRNAs at the
    coordinates biology/rna-genes' card cites (barrnap and pyaragorn's shipped ARAGORN output), and
    per-protein numbers at their declared decimals (ExPASy's two for the weight), never float noise."""
    import gffutils

    from specialist_hub_biology.plugin import RNA_GENES, RRN_OPERON

    out = tmp_path / "operon.gff3"
    assert specialist_hub.predict_file("biology/annotate-genome", str(RRN_OPERON), str(out)).failed == 0
    text = out.read_text()
    (record,) = iter_records(SequenceKind(), [str(RRN_OPERON)])
    assert f"##sequence-region {record.id} 1 {len(record.value)}\n" in text
    database = gffutils.create_db(str(out), ":memory:", merge_strategy="error")
    rna = sorted((f for kind in ("rRNA", "tRNA") for f in database.features_of_type(kind)), key=lambda f: f.start)
    expected = RNA_GENES.examples[0].expected["features"]
    assert [(f.featuretype, f.attributes["Name"][0], f.start, f.end, f.strand) for f in rna] == [
        (e["type"], e["name"], e["start"], e["end"], e["strand"]) for e in expected]
    assert database[rna[2].id].attributes["product"] == ["16S ribosomal RNA"]
    assert [f.attributes["anticodon"][0] for f in rna if f.featuretype == "tRNA"] == ["tag", "ttt"]
    weights = [f.attributes["properties_molecular_weight"][0] for f in database.features_of_type("CDS")]
    assert weights and all(len(w.split(".")[1]) == 2 for w in weights)
    numbers = re.findall(r"=(-?\d+\.\d+)(?=[;\n])", text)
    assert numbers and max(len(n.replace("-", "").replace(".", "").lstrip("0")) for n in numbers) <= 10
