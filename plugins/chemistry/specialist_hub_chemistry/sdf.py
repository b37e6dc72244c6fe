"""SDF output: each predicted molecule as a molfile with the prediction as SD properties
(``hub predict -m chemistry/profile --input lib.smi -o profile.sdf``), as docking and ELN tools read it.

The structure is the canonical SMILES the chemistry models echo (a pipeline's ``step.canonical_smiles``),
drawn with 2-D coordinates; scalar output fields become properties (lists and dicts as JSON). A
failed record has no structure to write: it becomes an empty molecule whose properties say why.
"""

from __future__ import annotations

import json

from rdkit import Chem
from rdkit.Chem import AllChem

from specialist_hub.results import Prediction, finite
from specialist_hub.writers import Writer


def structure_smiles(output: dict) -> str | None:
    """The SMILES the prediction refers to: ``canonical_smiles`` or a pipeline step's."""
    for name, value in output.items():
        if (name == "canonical_smiles" or name.endswith(".canonical_smiles")) and isinstance(value, str):
            return value
    return None


class SdfWriter(Writer):
    def write(self, prediction: Prediction) -> None:
        output = prediction.output or {}
        smiles = structure_smiles(output) if prediction.ok else None
        mol = Chem.MolFromSmiles(smiles) if smiles else None
        if mol is None:
            mol = Chem.Mol()
        else:
            AllChem.Compute2DCoords(mol)
        # The title is one line of the molfile: a line break in an id would end it and break the record.
        title = prediction.id or f"record_{prediction.position + 1}"
        mol.SetProp("_Name", " ".join(title.splitlines()))
        properties = {"input": prediction.input, "model": prediction.model, "ok": prediction.ok}
        if prediction.error:
            properties.update(error_type=prediction.error.get("type"), error_message=prediction.error.get("message"))
        properties.update(output)
        for name, value in finite(properties).items():
            if value is None:
                continue
            text = json.dumps(value) if isinstance(value, (list, dict)) else str(value)
            mol.SetProp(name, text.replace("\n", " "))
        block = Chem.MolToMolBlock(mol)
        props = "".join(f">  <{name}>\n{mol.GetProp(name)}\n\n" for name in mol.GetPropNames())
        self.stream.write(block + props + "$$$$\n")
