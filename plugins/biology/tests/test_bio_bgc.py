"""biology/bgc against GECCO's own ``gecco run`` on an actinobacterial scaffold.

The scaffold is 180 kb of the Corynebacterium diphtheriae NCTC 11397 chromosome (RefSeq
NZ_LN831026.1, cut from the genome in pyrodigal's test data; see its README in the examples).
``gecco run`` runs in this process through GECCO's command-line entry point and writes its
tables; the hub's clusters, genes and domains must be the same, in the Python API and through
the genome-annotation pipeline in two worker processes into GFF3.
"""

from __future__ import annotations

import csv
import gzip

import gecco.cli
import pytest

import specialist_hub
from specialist_hub import OptionError
from specialist_hub_biology.plugin import ACTINO_SCAFFOLD

TYPES = ("Alkaloid", "NRP", "Polyketide", "RiPP", "Saccharide", "Terpene")


def read_table(path) -> list[dict]:
    with open(path, newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


@pytest.fixture(scope="module")
def scaffold() -> tuple[str, str]:
    with gzip.open(ACTINO_SCAFFOLD, "rt") as handle:
        header, *lines = handle.read().splitlines()
    return header[1:].split()[0], "".join(lines)


@pytest.fixture(scope="module")
def gecco_run(tmp_path_factory):
    """gecco run's clusters, genes and domain tables for the scaffold (default settings, one thread)."""
    out = tmp_path_factory.mktemp("gecco")
    assert gecco.cli.main(["-q", "run", "-g", str(ACTINO_SCAFFOLD), "-o", str(out), "-j", "1"]) == 0
    stem = ACTINO_SCAFFOLD.name.removesuffix(".gz")  # gecco names its tables after the file, less one suffix
    return {table: read_table(out / f"{stem}.{table}.tsv") for table in ("clusters", "genes", "features")}


@pytest.fixture(scope="module")
def predictions(scaffold):
    _, sequence = scaffold
    return specialist_hub.predict("biology/bgc", [sequence, "ACGT" * 60, "ACGU" * 60, "ACGTXACGT"])


def test_clusters_equal_gecco_run(scaffold, gecco_run, predictions):
    record_id, _ = scaffold
    output = predictions[0].output
    expected = gecco_run["clusters"]
    assert output["cluster_count"] == len(expected) == 3
    assert output["gene_count"] == len(gecco_run["genes"]) == 151
    assert [c["type"] for c in output["clusters"]] == ["NRP", "Unknown", "Polyketide"]
    for cluster, row in zip(output["clusters"], expected):
        assert (cluster["start"], cluster["end"], cluster["type"]) == (int(row["start"]), int(row["end"]), row["type"])
        assert cluster["average_probability"] == pytest.approx(float(row["average_p"]), rel=1e-12)
        assert cluster["max_probability"] == pytest.approx(float(row["max_p"]), rel=1e-12)
        assert cluster["type_probabilities"] == pytest.approx(
            {kind: float(row[f"{kind.lower()}_probability"]) for kind in TYPES}, abs=1e-12)
        assert [f"{record_id}_{protein['gene']}" for protein in cluster["proteins"]] == row["proteins"].split(";")
        names = sorted(domain["name"] for protein in cluster["proteins"] for domain in protein["domains"])
        assert names == row["domains"].split(";")


def test_each_proteins_domains_and_probability_equal_gecco_tables(scaffold, gecco_run, predictions):
    record_id, _ = scaffold
    genes = {row["protein_id"]: row for row in gecco_run["genes"]}
    domains: dict[str, list[tuple]] = {}
    for row in gecco_run["features"]:
        domains.setdefault(row["protein_id"], []).append(
            (row["domain"], int(row["domain_start"]), int(row["domain_end"]), float(row["pvalue"])))
    proteins = [protein for cluster in predictions[0].output["clusters"] for protein in cluster["proteins"]]
    assert len(proteins) == 38
    for protein in proteins:
        name = f"{record_id}_{protein['gene']}"
        row = genes[name]
        assert (protein["start"], protein["end"], protein["strand"]) == (int(row["start"]), int(row["end"]),
                                                                          row["strand"])
        assert protein["average_probability"] == pytest.approx(float(row["average_p"]), rel=1e-12)
        got = [(d["name"], d["start"], d["end"], d["pvalue"]) for d in protein["domains"]]
        assert got == sorted(domains.get(name, []), key=lambda d: (d[1], d[2]))
        assert all(d["pvalue"] < 1e-9 for d in protein["domains"])  # gecco's default --p-filter


def test_polyketide_cluster_holds_a_type_i_pks(predictions):
    polyketide = predictions[0].output["clusters"][2]
    pks = max(polyketide["proteins"], key=lambda protein: len(protein["domains"]))
    # Pfam: ketosynthase N/C (PF00109/PF02801), acyltransferase (PF00698), carrier (PF00550), thioesterase (PF00975)
    assert {"PF00109", "PF02801", "PF00698", "PF00550", "PF00975"} <= {d["name"] for d in pks["domains"]}
    assert all(d["description"] for d in pks["domains"])


def test_each_record_gets_its_own_result_or_error(predictions):
    _, short, rna, bad = predictions
    assert short.ok and short.output["cluster_count"] == 0 and short.output["clusters"] == []
    assert "contains U" in rna.error["message"]
    assert "illegal character 'X' at position 5" in bad.error["message"]


def test_options_are_bounded():
    for options in ({"threshold": 1.5}, {"min_cds": 0}, {"bit_cutoffs": "strict"}, {"jobs": -1}):
        with pytest.raises(OptionError):
            specialist_hub.predict("biology/bgc", "ACGT" * 60, **options)


def test_annotate_genome_with_two_workers_writes_gecco_clusters_to_gff3(tmp_path, scaffold, gecco_run):
    """The genome-annotation pipeline's bgc step, in two worker processes, one record per batch."""
    import gffutils

    record_id, sequence = scaffold
    source = tmp_path / "contigs.fna"
    source.write_text(f">short\n{'ACGT' * 60}\n>{record_id}\n{sequence}\n")
    out = tmp_path / "genome.gff3"
    summary = specialist_hub.predict_file("biology/annotate-genome", str(source), str(out), workers=2, batch_size=1)
    assert summary.failed == 0 and summary.records == 2
    database = gffutils.create_db(str(out), ":memory:", merge_strategy="error")
    found = sorted(database.features_of_type("BGC"), key=lambda f: f.start)
    assert [(f.seqid, f.start, f.end, f.attributes["Type"][0]) for f in found] == [
        (record_id, int(row["start"]), int(row["end"]), row["type"]) for row in gecco_run["clusters"]]
    assert [float(f.score) for f in found] == pytest.approx([float(r["average_p"]) for r in gecco_run["clusters"]],
                                                             abs=5e-4)
    # the pipeline's genes step (Prodigal, metagenomic mode) calls the genes gecco's own gene finder calls
    cds = sorted((f.start, f.end, f.strand) for f in database.features_of_type("CDS") if f.seqid == record_id)
    assert cds == sorted((int(r["start"]), int(r["end"]), r["strand"]) for r in gecco_run["genes"])


def test_a_record_above_max_length_fails_alone():
    """16 Mb by default (the largest bacterial genomes fit; 13 Mb took gecco 173 s), the host's to set."""
    limit = next(o for o in specialist_hub.get_spec("biology/bgc").options if o.name == "max_length")
    assert limit.default == 16_000_000 and limit.server_only
    refused, short = specialist_hub.predict("biology/bgc", ["ACGT" * 250 + "A", "ACGT" * 60], max_length=1000)
    assert not refused.ok
    assert "1,001 bases is above the limit of 1,000 bases of biology/bgc" in refused.error["message"]
    assert "--option max_length=N" in refused.error["message"]
    assert short.ok and short.output["length"] == 240
