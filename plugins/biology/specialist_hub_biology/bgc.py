"""Biosynthetic gene clusters with GECCO: the steps of ``gecco run`` on a batch of records.

Genes (pyrodigal, metagenomic mode), Pfam domains (pyhmmer with the Pfam subset that ships in the
gecco wheel), the CRF's gene probabilities, cluster refinement and type classification are
GECCO's own classes, called in the order and with the settings of ``gecco run``. The HMM search
uses GECCO's fixed database size for E-values and each contig is segmented on its own, so a
record gets the clusters ``gecco run`` finds for it alone or inside a multi-record file; one
search per batch, because setting up the 2,766 HMMs costs seconds whatever the batch holds.
"""

from __future__ import annotations

import itertools
import operator
import os
import warnings

from Bio.Seq import Seq
from Bio.SeqRecord import SeqRecord
from gecco.crf import ClusterCRF
from gecco.hmmer import PyHMMER, embedded_hmms
from gecco.model import Cluster, Domain, Gene
from gecco.orf import PyrodigalFinder
from gecco.refine import ClusterRefiner
from gecco.types import TypeClassifier

from specialist_hub import Model
from specialist_hub.plan import usable_cores

from .sequences import NUCLEOTIDE, clean_sequence, dna_only, within_limit


def threads(jobs: int) -> int:
    """gecco's ``--jobs``; 0 means this process's share of the cores (hub workers set OMP_NUM_THREADS)."""
    return jobs or int(os.environ.get("OMP_NUM_THREADS") or 0) or usable_cores()


def domain_record(domain: Domain) -> dict:
    function = domain.qualifiers.get("function")
    return {"name": domain.name, "description": function[0] if function else None, "start": domain.start,
            "end": domain.end, "i_evalue": domain.i_evalue, "pvalue": domain.pvalue}


def gene_record(gene: Gene) -> dict:
    return {
        # gecco names proteins <record>_<n>, n counting the record's genes from 1 in Prodigal's order
        "gene": int(gene.protein.id.rpartition("_")[2]),
        "start": gene.start, "end": gene.end, "strand": gene.strand.sign,
        "average_probability": gene.average_probability, "max_probability": gene.maximum_probability,
        "protein": str(gene.protein.seq).rstrip("*"),
        "domains": [domain_record(domain) for domain in gene.protein.domains],
    }


def cluster_record(cluster: Cluster) -> dict:
    return {
        "start": cluster.start, "end": cluster.end, "type": str(cluster.type),
        "type_probabilities": dict(sorted(cluster.type_probabilities.items())),
        "average_probability": cluster.average_probability, "max_probability": cluster.maximum_probability,
        "proteins": [gene_record(gene) for gene in cluster.genes],
    }


class BgcModel(Model):
    def load(self):
        self.crf = ClusterCRF.trained()
        self.classifier = TypeClassifier.trained()  # a random forest fitted here, with a fixed seed
        (self.pfam,) = embedded_hmms()
        #: gecco run searches only the Pfam HMMs whose domains the models use.
        self.whitelist = frozenset(self.classifier.model.attributes_)

    def preprocess(self, value):
        return within_limit(self, dna_only(clean_sequence(value, NUCLEOTIDE, protein=False), "BGC detection"))

    def forward(self, batch):
        o = self.options
        jobs = threads(o["jobs"])
        records = [SeqRecord(Seq(sequence), id=str(index)) for index, sequence in enumerate(batch)]
        genes = list(PyrodigalFinder(metagenome=True, mask=o["mask"], cpus=jobs).find_genes(records))
        gene_counts = [0] * len(batch)
        for gene in genes:
            gene_counts[int(gene.source.id)] += 1
        clusters: list[list[Cluster]] = [[] for _ in batch]
        if genes:
            for record, contig in itertools.groupby(self.annotate(genes, jobs), key=operator.attrgetter("source.id")):
                clusters[int(record)] = [self.classifier.predict_types([cluster])[0]
                                         for cluster in self.refiner().iter_clusters(list(contig))]
        return list(zip(gene_counts, clusters))

    def annotate(self, genes: list[Gene], jobs: int) -> list[Gene]:
        """Domains and CRF probabilities, as ``gecco run``'s annotate_domains and predict_probabilities."""
        o = self.options
        cutoffs = None if o["bit_cutoffs"] == "none" else o["bit_cutoffs"]
        genes = PyHMMER(self.pfam, jobs, self.whitelist).run(genes, bit_cutoffs=cutoffs)
        genes = [gene.with_protein(gene.protein.with_domains(d for d in gene.protein.domains
                                                             if d.pvalue < o["p_filter"])) for gene in genes]
        genes.sort(key=operator.attrgetter("source.id", "start", "end"))
        for gene in genes:
            gene.protein.domains.sort(key=operator.attrgetter("start", "end"))
        with warnings.catch_warnings():  # contigs with fewer genes than the CRF window are padded, as gecco does
            warnings.simplefilter("ignore", UserWarning)
            return self.crf.predict_probabilities(genes, pad=o["pad"])

    def refiner(self) -> ClusterRefiner:
        o = self.options
        return ClusterRefiner(threshold=o["threshold"], criterion="gecco", n_cds=o["min_cds"],
                              edge_distance=o["edge_distance"], trim=o["trim"])

    def postprocess(self, raw, sequence):
        gene_count, clusters = raw
        return {"length": len(sequence), "gene_count": gene_count, "cluster_count": len(clusters),
                "clusters": [cluster_record(cluster) for cluster in clusters]}
