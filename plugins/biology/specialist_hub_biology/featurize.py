"""Sequence features for ``hub train``: the composition, reduced-dipeptide and physicochemical
features biology/antimicrobial was trained on, ESM-2 embeddings, and a sequence-identity split.

The split clusters sequences alignment-free: two sequences are linked when the Jaccard similarity
of their 3-mer sets reaches :data:`CLUSTER_JACCARD`, and a cluster is a connected component of
those links (single linkage, as CD-HIT's greedy clusters and MMseqs2's connected-component mode
keep every near-copy together). With substitutions only, a shared fraction p of residues keeps
about p^3 of the 3-mers, so 0.3 corresponds to about 77 % identity; near-identical variants of
one peptide (a point mutant, a truncation) always share a cluster, hence a fold.
"""

from __future__ import annotations

import numpy as np

from specialist_hub.training.features import Featurizer, ModelFeaturizer

from .antimicrobial import DOMAIN_K, FEATURE_NAMES, features, kmer_codes
from .sequences import PROTEIN_AMBIGUOUS, clean_sequence, standard_residues

#: k of the k-mer sets the identity clusters compare (3-mers: 8,000 possible, rare by chance).
CLUSTER_K = 3
#: Jaccard similarity of 3-mer sets at which two sequences share a cluster (about 77 % identity).
CLUSTER_JACCARD = 0.3
#: Rows of the similarity matrix computed at once, bounding memory for large sets.
CLUSTER_BLOCK = 2048


def parse_protein(value) -> str:
    """The standard residues of a protein sequence (X, B, Z, J, U, O left out, as
    biology/antimicrobial does); InputError names a bad character and its position."""
    return standard_residues(clean_sequence(value, PROTEIN_AMBIGUOUS, protein=True))


def kmer_presence(sequences: list[str], k: int):
    """A sparse 0/1 matrix: which of the 20^k k-mers each sequence holds."""
    from scipy.sparse import csr_matrix

    codes = [kmer_codes(sequence, k) for sequence in sequences]
    rows = np.repeat(np.arange(len(codes)), [len(c) for c in codes])
    columns = np.concatenate(codes) if codes else np.zeros(0, dtype=np.int64)
    return csr_matrix((np.ones(len(columns), dtype=np.float32), (rows, columns)), shape=(len(codes), 20 ** k))


class CompositionFeaturizer(Featurizer):
    """biology/antimicrobial's features (:func:`~specialist_hub_biology.antimicrobial.features`):
    amino-acid composition, seven physicochemical descriptors and 49 reduced dipeptide frequencies;
    the applicability domain compares dipeptide sets by Tanimoto (Jaccard), as that model's does."""

    domain_metric = "tanimoto"

    def preprocess(self, value):
        return parse_protein(value)

    def features(self, items):
        return np.stack([features(sequence) for sequence in items])

    def feature_names(self):
        return list(FEATURE_NAMES)

    def domain_vectors(self, items, features):
        return kmer_presence(list(items), DOMAIN_K).toarray()


class Esm2Featurizer(ModelFeaturizer):
    """biology/esm2's mean residue embedding; ``checkpoint`` is any ESM-2 model directory or hub id."""

    model_id = "biology/esm2"
    defaults = {"checkpoint": "facebook/esm2_t6_8M_UR50D"}

    def model_options(self):
        return {"checkpoint": self.options["checkpoint"]}


def identity_clusters(values) -> list[str]:
    """Each sequence's cluster (see the module docstring), named by its first member's position."""
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import connected_components

    sequences = [parse_protein(value) for value in values]
    presence = kmer_presence(sequences, CLUSTER_K)
    sizes = np.asarray(presence.sum(axis=1)).ravel()
    links_rows, links_columns = [], []
    for start in range(0, len(sequences), CLUSTER_BLOCK):
        shared = (presence[start:start + CLUSTER_BLOCK] @ presence.T).tocoo()
        rows = shared.row + start
        union = sizes[rows] + sizes[shared.col] - shared.data
        linked = shared.data >= CLUSTER_JACCARD * union
        links_rows.append(rows[linked])
        links_columns.append(shared.col[linked])
    rows, columns = np.concatenate(links_rows), np.concatenate(links_columns)
    graph = csr_matrix((np.ones(len(rows)), (rows, columns)), shape=(len(sequences), len(sequences)))
    _, labels = connected_components(graph, directed=False)
    first = {}
    for position, label in enumerate(labels):
        first.setdefault(label, position)
    # Sequences too short for one 3-mer link to nothing: each is its own cluster unless identical.
    return [f"cluster-{first[label]}" if sizes[i] else f"short-{sequences[i]}" for i, label in enumerate(labels)]

