"""GFF3 output for gene predictions (``hub predict -m biology/annotate-genome -o genome.gff3``).

Each record starts with its ``##sequence-region``. One ``gene`` and one ``CDS`` feature per
predicted gene, with Prodigal's calls as attributes; a pipeline's per-protein results (the
fan-out lists aligned with the genes) become attributes of the CDS, named ``step_field`` (none for
a protein a step left out), numbers at the precision their field declares (``decimals``), others
without binary noise. rRNA, tRNA and tmRNA genes (biology/rna-genes) are features of those types,
with the attributes barrnap and ARAGORN write; biosynthetic gene clusters (biology/bgc) are ``BGC``
features with the attributes of ``gecco convert clusters --format gff``. Coordinates are 1-based
and inclusive, as GFF3, Prodigal, barrnap, ARAGORN and GECCO use. Valid for GFF3 parsers (the
tests read it back with gffutils).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from specialist_hub.results import Prediction
from specialist_hub.writers import Writer

from .plugin import ANNOTATE_GENOME, biology_spec

SOURCE = "Prodigal_v2.6.3"
#: Where a gene list lies in a prediction's output: a gene model's own field, or a pipeline step's.
GENE_FIELDS = ("genes", "genes.genes")
CLUSTER_SOURCE = "GECCO_v0.11"
#: Where biology/bgc's cluster list lies: the model's own field, or a pipeline step's.
CLUSTER_FIELDS = ("clusters", "bgc.clusters")
#: Where biology/rna-genes' features lie (its own ``features`` only beside its ``rrna_count``).
RNA_FIELDS = ("rna.features", "features")
#: Where the record's length lies, for its ``##sequence-region``.
LENGTH_FIELDS = ("length", "genes.length", "rna.length")
RNA_SOURCES = {"rRNA": "pybarrnap_0.5", "tRNA": "ARAGORN_v1.2.41", "tmRNA": "ARAGORN_v1.2.41"}
#: barrnap's product names of its rRNA models.
RRNA_PRODUCTS = {"5S_rRNA": "5S ribosomal RNA", "16S_rRNA": "16S ribosomal RNA", "23S_rRNA": "23S ribosomal RNA",
                 "5_8S_rRNA": "5.8S ribosomal RNA", "18S_rRNA": "18S ribosomal RNA", "28S_rRNA": "28S ribosomal RNA"}


def escape(value: Any) -> str:
    """A GFF3 column or attribute value: tabs, newlines, ``;=&,%`` and control characters escaped."""
    return quote(str(value), safe=" /:|()[]{}.-_+*'\"!?<>@#$^~")


def escape_seqid(value: Any) -> str:
    """The seqid column: every character outside ``[a-zA-Z0-9.:^*$@!+_?-|]`` escaped, as GFF3 asks."""
    return quote(str(value), safe=".:^*$@!+_?-|")


def attribute_decimals() -> dict[str, int]:
    """``step_field`` -> decimals of annotate-genome's per-protein fields, as their models declare."""
    specs = {spec.id: spec for spec in biology_spec.specs}
    return {f"{step.name}_{field.name}": field.decimals for step in ANNOTATE_GENOME.steps if step.model in specs
            for field in specs[step.model].outputs if field.decimals is not None}


def gff_number(value: Any, decimals: int | None = None) -> Any:
    """A float at ``decimals``, or in its shortest form without binary noise (63004.63534, not
    63004.63534000001); anything else as it is."""
    if not isinstance(value, float) or isinstance(value, bool):
        return value
    return f"{value:.{decimals}f}" if decimals is not None else format(value, ".10g")


class Gff3Writer(Writer):
    fields = (*GENE_FIELDS, *CLUSTER_FIELDS, "rrna_count", "rna.rrna_count")

    def __init__(self, stream, specs, resumed=False):
        super().__init__(stream, specs, resumed)
        self.decimals = attribute_decimals()
        if not resumed:
            stream.write("##gff-version 3\n")

    def write(self, prediction: Prediction) -> None:
        seqid = prediction.id or f"record_{prediction.position + 1}"  # escaped where it is written
        if not prediction.ok or not prediction.output:
            error = prediction.error or {"type": "NoOutput", "message": "no output"}
            text = " ".join(f"{error.get('type')}: {error.get('message')}".split())
            self.stream.write(f"# {escape_seqid(seqid)} failed, no features: {text}\n")
            return
        output = prediction.output
        length = next((output[name] for name in LENGTH_FIELDS if isinstance(output.get(name), int)), None)
        if length:
            self.stream.write(f"##sequence-region {escape_seqid(seqid)} 1 {length}\n")
        genes = next((output[name] for name in GENE_FIELDS if isinstance(output.get(name), list)), None)
        if genes is not None:
            self._genes(seqid, output, genes)
        rna = output.get("rna.features", output.get("features") if "rrna_count" in output else None)
        for count, feature in enumerate(rna or [], start=1):
            self._rna(seqid, count, feature)
        clusters = next((output[name] for name in CLUSTER_FIELDS if isinstance(output.get(name), list)), [])
        for number, cluster in enumerate(clusters, start=1):
            self._cluster(seqid, number, cluster)

    def _genes(self, seqid: str, output: dict[str, Any], genes: list[dict]) -> None:
        per_gene = {name: value for name, value in output.items()
                    if isinstance(value, list) and len(value) == len(genes)
                    and name not in (*GENE_FIELDS, *CLUSTER_FIELDS)
                    and all(item is None or isinstance(item, dict) for item in value)}
        for number, gene in enumerate(genes, start=1):
            gene_id = f"{seqid}_{number}"
            columns = [seqid, SOURCE, "", str(gene["start"]), str(gene["end"]), "", gene["strand"]]
            self._feature(columns, "gene", ".", ".", {"ID": gene_id})
            attributes = {"ID": f"{gene_id}.cds", "Parent": gene_id,
                          "partial": f"{int(gene['partial_begin'])}{int(gene['partial_end'])}",
                          "start_type": gene["start_codon"], "rbs_motif": gene["rbs_motif"],
                          "conf": f"{gene['confidence']:.2f}"}
            for step, items in per_gene.items():
                item = items[number - 1]
                if item is None:  # the step's ``each`` condition left this protein out
                    continue
                if "error" in item:
                    attributes[f"{step}_error"] = item["error"].get("message", "")
                    continue
                attributes.update({f"{step}_{key}": gff_number(value, self.decimals.get(f"{step}_{key}"))
                                   for key, value in item.items() if not isinstance(value, (list, dict))})
            self._feature(columns, "CDS", f"{gene['score']:.1f}", "0", attributes)

    def _rna(self, seqid: str, number: int, feature: dict) -> None:
        """One rRNA (as barrnap writes it: Name, product, a partial note; its E-value as the score) or
        tRNA/tmRNA feature (as ARAGORN's GFF: Name, product, anticodon)."""
        kind, name = feature["type"], feature["name"]
        attributes: dict[str, Any] = {"ID": f"{seqid}_{kind}_{number}", "Name": name}
        if kind == "rRNA":
            attributes["product"] = RRNA_PRODUCTS.get(name, name.replace("_", " "))
            if feature.get("partial"):
                attributes["note"] = "aligned only partially to the rRNA model"
            score = f"{feature['evalue']:.2g}" if feature.get("evalue") is not None else "."
        else:
            attributes["product"] = name if kind == "tRNA" else "transfer-messenger RNA"
            attributes["anticodon"] = feature.get("anticodon")
            score = "."
        columns = [seqid, RNA_SOURCES.get(kind, "."), "", str(feature["start"]), str(feature["end"]), "",
                   feature["strand"]]
        self._feature(columns, kind, score, ".", attributes)

    def _cluster(self, seqid: str, number: int, cluster: dict) -> None:
        """One ``BGC`` feature, with the attributes ``gecco convert clusters --format gff`` writes."""
        kinds = cluster["type"].split(";")
        average = f"{cluster['average_probability']:.3f}"
        attributes = {"ID": f"{seqid}_cluster_{number}", "Name": f"{'/'.join(kinds)} cluster", "Type": ",".join(kinds),
                      "ProbabilityAverage": average, "ProbabilityMax": f"{cluster['max_probability']:.3f}",
                      **{f"Type{kind}": f"{p:.3f}" for kind, p in cluster["type_probabilities"].items()},
                      "Genes": len(cluster["proteins"]),
                      "Domains": sum(len(protein["domains"]) for protein in cluster["proteins"])}
        columns = [seqid, CLUSTER_SOURCE, "", str(cluster["start"]), str(cluster["end"]), "", "."]
        self._feature(columns, "BGC", average, ".", attributes)

    def _feature(self, columns: list[str], kind: str, score: str, phase: str, attributes: dict[str, Any]) -> None:
        fields = [escape_seqid(columns[0]), escape(columns[1]), kind, *columns[3:5], score, columns[6], phase]
        text = ";".join(f"{escape(key)}={escape(value)}" for key, value in attributes.items()
                        if value is not None and value != "")
        self.stream.write("\t".join(fields) + "\t" + text + "\n")
