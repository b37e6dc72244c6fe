"""Intrinsic disorder and predicted pLDDT per residue with metapredict, a batch at a time.

metapredict's list input is its batch mode (sequences grouped by length into padded batches on
the chosen device), so ``forward`` hands it the whole batch once for disorder and once for pLDDT.
metapredict caches each network per process after its first use.
"""

from __future__ import annotations

import metapredict

from specialist_hub import Model

from .sequences import PROTEIN, clean_sequence

#: metapredict's pLDDT network (the package default, trained on AlphaFold2 pLDDT scores).
PLDDT_NETWORK = "V2"


def one_based(boundaries: list[list[int]]) -> list[list[int]]:
    """metapredict's Python ``[start, end)`` ranges as 1-based inclusive ``[first, last]``."""
    return [[start + 1, end] for start, end in boundaries]


class DisorderModel(Model):
    def preprocess(self, value):
        return clean_sequence(value, PROTEIN, protein=True)

    def forward(self, batch):
        o = self.options
        disorder = metapredict.predict_disorder(
            batch, version=o["network"], device=self.device, return_domains=True, return_numpy=False,
            disorder_threshold=o["threshold"], minimum_IDR_size=o["minimum_idr_size"],
            minimum_folded_domain=o["minimum_folded_domain"], gap_closure=o["gap_closure"],
            silence_warnings=True)  # the warning says short sequences get a shorter smoothing window
        plddt = metapredict.predict_pLDDT(batch, pLDDT_version=PLDDT_NETWORK, device=self.device,
                                          return_numpy=False)
        return [(result, scores) for result, (_, scores) in zip(disorder, plddt)]

    def postprocess(self, raw, sequence):
        result, plddt = raw
        regions = one_based(result.disordered_domain_boundaries)
        return {
            "length": len(sequence),
            "disorder": result.disorder,
            "plddt": plddt,
            "disordered_regions": regions,
            "folded_regions": one_based(result.folded_domain_boundaries),
            "disordered_fraction": sum(score >= self.options["threshold"] for score in result.disorder)
            / len(sequence),
            "region_fraction": sum(last - first + 1 for first, last in regions) / len(sequence),
        }
