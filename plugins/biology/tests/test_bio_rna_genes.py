"""biology/rna-genes against ARAGORN's reference output and pybarrnap/pyaragorn called directly.

The genome is Mycoplasma mycoides subsp. capri GM12 (GenBank CP001621.1, 1.09 Mb), shipped in
pyaragorn's test data together with ARAGORN's own output for it.
"""

import gzip
import re
from importlib.resources import files

import pyaragorn
import pytest
from Bio.Seq import Seq
from Bio.SeqRecord import SeqRecord
from pybarrnap import Barrnap

import specialist_hub

ARAGORN_DATA = files("pyaragorn.tests") / "data"
#: ARAGORN result lines, e.g. "1  tRNA-Leu  c[87124,87207]  116.6  35  (tag)" and "4  tmRNA  [198037,198447]".
RESULT_LINE = re.compile(r"^\d+\s+(tRNA-[A-Za-z?]+|tmRNA)\s+(c?)\[(\d+),(\d+)\]\s+([\d.]+)(?:\s+\d+\s+\(([a-z]+)\))?")


@pytest.fixture(scope="module")
def genome():
    with gzip.open(ARAGORN_DATA / "CP001621.fna.gz", "rt") as handle:
        return "".join(line.strip() for line in handle if not line.startswith(">"))


@pytest.fixture(scope="module")
def output(genome):
    return specialist_hub.predict("biology/rna-genes", genome)[0].output


def aragorn_reference() -> list[dict]:
    """ARAGORN 1.2.41's default output for CP001621 (translation table 11, circular)."""
    genes = []
    for line in (ARAGORN_DATA / "CP001621.default.txt").read_text().splitlines():
        matched = RESULT_LINE.match(line)
        if matched:
            name, complement, begin, end, score, anticodon = matched.groups()
            genes.append({"name": name, "start": int(begin), "end": int(end), "strand": "-" if complement else "+",
                          "score": float(score), "anticodon": anticodon})
    return genes


def test_trna_and_tmrna_equal_aragorn_reference_output(output):
    reference = aragorn_reference()
    got = [f for f in output["features"] if f["type"] != "rRNA"]
    assert len(reference) == len(got) == 31
    assert output["trna_count"] == 30 and output["tmrna_count"] == 1
    for expected, feature in zip(sorted(reference, key=lambda g: g["start"]), got):
        assert {key: feature[key] for key in ("name", "start", "end", "strand", "anticodon")} == {
            key: expected[key] for key in ("name", "start", "end", "strand", "anticodon")}
        assert feature["score"] == pytest.approx(expected["score"], abs=0.051)  # printed to one decimal


def test_equals_pybarrnap_and_pyaragorn_directly(genome, output):
    hits = Barrnap(SeqRecord(Seq(genome), id="genome", name="genome"), kingdom="bac").run().mdl_records
    expected_rrna = [(h.query_name, h.start, h.end, h.strand, h.score, h.evalue) for h in hits]
    got_rrna = [(f["name"], f["start"], f["end"], f["strand"], f["score"], f["evalue"])
                for f in output["features"] if f["type"] == "rRNA"]
    assert got_rrna == expected_rrna
    assert sorted(name for name, *_ in got_rrna) == ["16S_rRNA"] * 2 + ["23S_rRNA"] * 2 + ["5S_rRNA"] * 2
    genes = pyaragorn.RNAFinder(translation_table=11).find_rna(genome.encode())
    assert [(g.begin, g.end, g.energy) for g in sorted(genes, key=lambda g: (g.begin, g.end))] == [
        (f["start"], f["end"], f["score"]) for f in output["features"] if f["type"] != "rRNA"]


def test_batch_keeps_records_apart_and_refuses_rna(genome):
    operon = genome[81000:88000]
    empty, excerpt, rna = specialist_hub.predict("biology/rna-genes", ["ACGT" * 50, operon, "ACGU" * 50])
    assert empty.output["features"] == []
    assert [f["name"] for f in excerpt.output["features"]] == ["5S_rRNA", "23S_rRNA", "16S_rRNA", "tRNA-Leu",
                                                               "tRNA-Lys"]
    assert "contains U" in rna.error["message"]


def test_a_record_above_max_length_fails_alone(genome):
    """16 Mb by default (the largest bacterial genomes fit), the host's to set."""
    limit = next(o for o in specialist_hub.get_spec("biology/rna-genes").options if o.name == "max_length")
    assert limit.default == 16_000_000 and limit.server_only
    operon = genome[81000:88000]
    refused, excerpt = specialist_hub.predict("biology/rna-genes", [operon + "A", operon], max_length=7000)
    assert not refused.ok
    assert "7,001 bases is above the limit of 7,000 bases of biology/rna-genes" in refused.error["message"]
    assert "--option max_length=N" in refused.error["message"]
    assert excerpt.ok and excerpt.output["rrna_count"] == 3
