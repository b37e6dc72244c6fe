"""Registers the chemistry models. Imports nothing heavy: RDKit loads only when a model is used."""

from __future__ import annotations

from specialist_hub import Example, ModelSpec, Option, OutputField, hookimpl

INSTALL_HINT = 'pip install "specialist-hub[chem]"'
ASPIRIN = "CC(=O)Oc1ccccc1C(=O)O"

MOLECULE_OUTPUTS = (
    OutputField("canonical_smiles", "str", "RDKit canonical SMILES of the molecule the values refer to"),
    OutputField("standardized", "bool", "Whether the molecule was standardised before prediction"),
)
STANDARDIZE = Option(
    "standardize", "bool", False,
    "Standardise first with RDKit MolStandardize: largest fragment, neutralise, canonical tautomer",
)
RDKIT_CITATION = "RDKit: Open-source cheminformatics, https://www.rdkit.org (BSD-3-Clause)."


def chemistry_spec(name: str, outputs: tuple[OutputField, ...], options: tuple[Option, ...] = (),
                   requires: tuple[str, ...] = ("rdkit",), **fields) -> ModelSpec:
    """A chemistry ModelSpec: molecule input, canonical SMILES echoed, standardisation option."""
    return ModelSpec(
        id=f"chemistry/{name}", input_kind="molecule", outputs=MOLECULE_OUTPUTS + outputs,
        options=(STANDARDIZE, *options), requires=requires, install_hint=INSTALL_HINT, **fields,
    )


DESCRIPTORS = chemistry_spec(
    "descriptors",
    task="molecular-descriptors",
    summary="Physicochemical descriptors and Lipinski/Veber rules (RDKit)",
    default=True,
    batch_size=256,
    factory="specialist_hub_chemistry.descriptors:DescriptorsModel",
    license="BSD-3-Clause (RDKit)",
    citation=(
        "Wildman & Crippen, J. Chem. Inf. Comput. Sci. 39, 868 (1999) [logP, MR]; Ertl et al., "
        "J. Med. Chem. 43, 3714 (2000) [TPSA]; Lipinski et al., Adv. Drug Deliv. Rev. 23, 3 (1997); "
        "Veber et al., J. Med. Chem. 45, 2615 (2002). " + RDKIT_CITATION
    ),
    url="https://www.rdkit.org/docs/source/rdkit.Chem.Descriptors.html",
    outputs=(
        OutputField("molecular_weight", "float", "Average molecular weight", "g/mol"),
        OutputField("exact_mass", "float", "Monoisotopic mass", "Da"),
        OutputField("formula", "str", "Molecular formula (Hill order)"),
        OutputField("logp", "float", "Crippen octanol/water partition coefficient (Wildman-Crippen)", "log units"),
        OutputField("molar_refractivity", "float", "Crippen molar refractivity", "m^3/mol"),
        OutputField("tpsa", "float", "Topological polar surface area (Ertl)", "Å²"),
        OutputField("h_bond_donors", "int", "Hydrogen-bond donors (Lipinski definition)"),
        OutputField("h_bond_acceptors", "int", "Hydrogen-bond acceptors (Lipinski definition)"),
        OutputField("rotatable_bonds", "int", "Rotatable bonds (Veber definition: amide C-N excluded)"),
        OutputField("rings", "int", "Rings (SSSR)"),
        OutputField("aromatic_rings", "int", "Aromatic rings"),
        OutputField("fraction_csp3", "float", "Fraction of sp3 carbons"),
        OutputField("heavy_atoms", "int", "Non-hydrogen atoms"),
        OutputField("formal_charge", "int", "Net formal charge"),
        OutputField("lipinski_violations", "int", "Violations of Lipinski's rule of five (0-4)"),
        OutputField("veber_pass", "bool", "Veber oral-bioavailability rule: rotatable bonds <= 10 and TPSA <= 140"),
    ),
    examples=(
        Example(
            ASPIRIN,
            {"canonical_smiles": ASPIRIN, "formula": "C9H8O4", "molecular_weight": 180.159,
             "exact_mass": 180.0423, "tpsa": 63.6, "h_bond_donors": 1, "rotatable_bonds": 3,
             "heavy_atoms": 13, "rings": 1, "aromatic_rings": 1, "lipinski_violations": 0, "veber_pass": True},
            tolerance=1e-3,
            reference="PubChem CID 2244 (aspirin): MW 180.16, exact mass 180.04225873, TPSA 63.6, "
                      "1 donor, 3 rotatable bonds, 13 heavy atoms",
        ),
        Example(
            "CC(=O)Nc1ccc(O)cc1", {"formula": "C8H9NO2", "rotatable_bonds": 1, "h_bond_donors": 2, "tpsa": 49.3},
            tolerance=1e-3, reference="PubChem CID 1983 (paracetamol): 1 rotatable bond, 2 donors, TPSA 49.3",
        ),
        Example(
            "CCO", {"formula": "C2H6O", "molecular_weight": 46.069, "tpsa": 20.23, "logp": -0.0014},
            tolerance=1e-3, reference="PubChem CID 702 (ethanol) MW 46.07, TPSA 20.2; Crippen logP -0.0014",
        ),
    ),
    card={
        "intended_use": "Fast first-pass profiling of molecules: size, polarity, flexibility and "
                        "rule-of-five style filters. Not a model of any experimental property.",
        "limitations": "Crippen logP is an atom-contribution estimate (RMSE ≈ 0.68 log units on its "
                       "training set); Lipinski/Veber rules are heuristics for oral drugs only.",
    },
)


@hookimpl
def register_models(register):
    register(DESCRIPTORS)
