"""ADMET-AI (Swanson et al. 2024): 41 ADMET endpoints from the Chemprop-2 ensembles in ``admet-ai``.

ADMET-AI's own ``predict`` runs a Lightning Trainer per model (progress bars on stdout, one
dataloader per call); here the same ensembles and DrugBank reference are loaded through
``ADMETModel`` and run directly on each batch, so records stream and stdout stays clean.
"""

from __future__ import annotations

import contextlib
import io

import numpy as np
import torch
from chemprop.data import MoleculeDatapoint, MoleculeDataset, collate_batch
from scipy.stats import percentileofscore

from specialist_hub import OptionError

from .admet_endpoints import ENDPOINTS
from .molecules import MoleculeModel, smiles_mol


class AdmetModel(MoleculeModel):
    def load(self):
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
        columns = {}
        for tasks, models in self.ensembles:
            mean = torch.stack([model(graph, atom_descriptors, mol_descriptors) for model in models]).mean(0)
            columns.update(zip(tasks, mean.T.cpu().numpy()))
        values = np.stack([columns[e.task] for e in ENDPOINTS], axis=1)
        return list(values.astype(float))

    def postprocess(self, raw, item):
        out = {e.field: float(v) for e, v in zip(ENDPOINTS, raw)}
        for e, v in zip(ENDPOINTS, raw):
            out[e.percentile_field] = (None if self.reference is None else
                                       float(percentileofscore(self.reference[e.task], v)))
        return out
