"""biology/genes against Prodigal v2.6.3's own output files shipped with pyrodigal."""

import pytest

import specialist_hub


def prodigal_faa(records: list[tuple[str, str]]) -> list[dict]:
    """Genes from a Prodigal .faa: header '>id # begin # end # strand # ID=..;partial=..;start_type=..'."""
    genes = []
    for header, protein in records:
        _, begin, end, strand, attributes = header.split(" # ")
        attrs = dict(item.split("=", 1) for item in attributes.split(";") if "=" in item)
        genes.append({"start": int(begin), "end": int(end), "strand": "+" if strand == "1" else "-",
                      "partial_begin": attrs["partial"][0] == "1", "partial_end": attrs["partial"][1] == "1",
                      "start_codon": attrs["start_type"], "protein": protein.rstrip("*")})
    return genes


@pytest.mark.parametrize("mode", ["meta", "single"])
def test_kk037166_matches_prodigal(mode, prodigal_data):
    _, read_fasta = prodigal_data
    (_, genome), = read_fasta("KK037166.fna.gz")
    out = specialist_hub.predict("biology/genes", genome, mode=mode)[0].output
    expected = prodigal_faa(read_fasta(f"KK037166.{mode}.faa.gz"))
    got = [{key: gene[key] for key in expected[0]} for gene in out["genes"]]
    assert out["gene_count"] == len(expected) == len(got)
    assert got == expected


def test_mycoplasma_contig_uses_code_4_and_prodigal_scores(prodigal_data):
    folder, read_fasta = prodigal_data
    (_, contig), = read_fasta("SRR492066.fna.gz")
    out = specialist_hub.predict("biology/genes", contig)[0].output
    gff = [line.split("\t") for line in (folder / "SRR492066.meta.gff").read_text().splitlines()
           if line and not line.startswith("#")]
    assert out["translation_table"] == 4 and "Mycoplasma" in out["model"]
    assert [(g["start"], g["end"], g["strand"]) for g in out["genes"]] == [(int(r[3]), int(r[4]), r[6]) for r in gff]
    # GFF column 6 is Prodigal's total gene score, printed to one decimal.
    assert [round(g["score"], 1) for g in out["genes"]] == pytest.approx([float(r[5]) for r in gff], abs=0.051)
    assert out["gc_content"] == pytest.approx((contig.count("G") + contig.count("C")) / len(contig))


def test_single_mode_needs_a_genome_and_rna_is_refused():
    predictions = specialist_hub.predict("biology/genes", ["ACGT" * 100, "ACGU" * 100], mode="single")
    assert "at least 20000 bp" in predictions[0].error["message"]
    assert "contains U" in predictions[1].error["message"]
