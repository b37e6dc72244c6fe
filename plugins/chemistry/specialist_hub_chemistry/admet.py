"""ADMET-AI (Swanson et al. 2024): 41 ADMET endpoints from the Chemprop-2 ensembles in ``admet-ai``.

ADMET-AI's own ``predict`` runs a Lightning Trainer per model (progress bars on stdout, one
dataloader per call); here the same ensembles and DrugBank reference are loaded through
``ADMETModel`` and run directly on each batch, so records stream and stdout stays clean. Each
endpoint is the mean of its ensemble's five members, as ADMET-AI reports it; their standard
deviation is kept as the ensemble spread. The applicability domain is the nearest DrugBank
approved drug (its training sets do not ship), through the shared TanimotoDomain.
"""

from __future__ import annotations

import contextlib
import io

import numpy as np
import torch
from chemprop.data import MoleculeDatapoint, MoleculeDataset, collate_batch

from specialist_hub import OptionError

from .admet_endpoints import ENDPOINTS
from .molecules import MoleculeModel, smiles_mol
from .trust import TanimotoDomain


class AdmetModel(TanimotoDomain, MoleculeModel):
    trust_file = "admet_trust.npz"

    def load(self):
        self.load_trust()
        from admet_ai import ADMETModel

        with contextlib.redirect_stdout(io.StringIO()):
            admet = ADMETModel(num_workers=0, include_physchem=False)
        self.ensembles = []
        for tasks, models in zip(admet.task_lists, admet.model_lists):
            for model in models:
                model.to(self.device).eval()
            self.ensembles.append((list(tasks), models))
        self.reference = None
        if self.options["drugbank_percentiles"]:
            code = self.options["atc_code"].strip() or None
            try:
                admet.atc_code = code
            except ValueError as exc:
                raise OptionError(f"Option 'atc_code': {exc}; use an ATC code present in DrugBank, "
                                  f"e.g. N (nervous system) or N02 (analgesics).") from None
            self.reference = {e.task: np.sort(admet.drugbank_atc_filtered[e.task].to_numpy()) for e in ENDPOINTS}

    def forward(self, batch):
        dataset = MoleculeDataset([MoleculeDatapoint(mol=smiles_mol(item)) for item in batch])
        graph, atom_descriptors, mol_descriptors, *_ = collate_batch([dataset[i] for i in range(len(dataset))])
        graph.to(self.device)
        means, spreads = {}, {}
        for tasks, models in self.ensembles:
            members = torch.stack([model(graph, atom_descriptors, mol_descriptors) for model in models])
            means.update(zip(tasks, members.mean(0).T.cpu().numpy()))
            spreads.update(zip(tasks, members.std(0, unbiased=False).T.cpu().numpy()))
        values, stds = (np.stack([columns[e.task] for e in ENDPOINTS], axis=1).astype(float) for columns in (means, spreads))
        return list(zip(values, stds))

    def postprocess(self, raw, item):
        values, stds = raw
        out = {e.field: float(v) for e, v in zip(ENDPOINTS, values)}
        for e, v in zip(ENDPOINTS, values):
            out[e.percentile_field] = None if self.reference is None else percentile_of(self.reference[e.task], v)
        out["ensemble_std"] = {e.field: float(sd) for e, sd in zip(ENDPOINTS, stds)}
        return out


def percentile_of(reference: np.ndarray, value: float) -> float:
    """scipy's ``percentileofscore`` (kind "rank") on a sorted reference, by binary search: the
    scipy call scans the reference for every endpoint of every record (most of a batch's time)."""
    if np.isnan(value):
        return float("nan")
    left, right = np.searchsorted(reference, value, "left"), np.searchsorted(reference, value, "right")
    return float((left + right + (left < right)) * 50.0 / len(reference))
