"""The 41 ADMET-AI endpoints as plain data, so the spec can list them without importing admet-ai.

Rows copied from ``admet_ai/resources/data/admet.csv`` (admet-ai 2.0.1); a test checks they still
match the installed package and the tasks of its model ensembles. One unit is corrected: admet.csv
labels Caco2_Wang ``log(10^-6 cm/s)``, but its values are log10 of the permeability in cm/s (Wang et
al. 2016's log Papp, as TDC ships it: the package's own DrugBank predictions have a median of -4.9,
i.e. 1.2e-5 cm/s, the range of well-absorbed drugs), so the unit here is log(cm/s).
"""

from __future__ import annotations

from typing import NamedTuple


class Endpoint(NamedTuple):
    task: str  # the ADMET-AI / TDC task name (model output column)
    category: str
    name: str
    classification: bool  # True: output is a probability; False: a regression value
    unit: str
    species: str

    @property
    def field(self) -> str:
        """Output field name: the task name in snake case (``NR-AR-LBD`` -> ``nr_ar_lbd``)."""
        return self.task.lower().replace("-", "_")

    @property
    def percentile_field(self) -> str:
        return f"{self.field}_drugbank_percentile"

    def describe(self) -> str:
        what = f"probability of {self.name}" if self.classification else self.name
        where = "" if self.species in ("-", "") else f"; {self.species}"
        return f"{what} ({self.category}; TDC task {self.task}{where})"


#: admet.csv's unit for the tasks whose unit is corrected here (see the module docstring).
MISLABELLED_IN_ADMET_CSV = {"Caco2_Wang": "log(10^-6 cm/s)"}

ENDPOINTS: tuple[Endpoint, ...] = tuple(Endpoint(*row) for row in (
    ("HIA_Hou", "Absorption", "Human Intestinal Absorption", True, "", "human"),
    ("Bioavailability_Ma", "Absorption", "Oral Bioavailability", True, "", "human"),
    ("Solubility_AqSolDB", "Absorption", "Aqueous Solubility", False, "log(mol/L)", "-"),
    ("Lipophilicity_AstraZeneca", "Absorption", "Lipophilicity (logD7.4)", False, "log-ratio", "-"),
    ("HydrationFreeEnergy_FreeSolv", "Absorption", "Hydration Free Energy", False, "kcal/mol", "-"),
    ("Caco2_Wang", "Absorption", "Cell Effective Permeability (Caco-2)", False, "log(cm/s)", "human"),
    ("PAMPA_NCATS", "Absorption", "PAMPA Permeability", True, "", "artificial membrane"),
    ("Pgp_Broccatelli", "Absorption", "P-glycoprotein Inhibition", True, "", "human pgp / mouse cells"),
    ("BBB_Martins", "Distribution", "Blood-Brain Barrier Penetration", True, "", "human"),
    ("PPBR_AZ", "Distribution", "Plasma Protein Binding Rate", False, "%", "human"),
    ("VDss_Lombardo", "Distribution", "Volume of Distribution at Steady State", False, "L/kg", "human"),
    ("Half_Life_Obach", "Excretion", "Half Life", False, "hr", "human"),
    ("Clearance_Hepatocyte_AZ", "Excretion", "Drug Clearance (Hepatocyte)", False, "uL/min/10^6 cells", "human & rat"),
    ("Clearance_Microsome_AZ", "Excretion", "Drug Clearance (Microsome)", False, "uL/min/mg", "human"),
    ("CYP1A2_Veith", "Metabolism", "CYP1A2 Inhibition", True, "", "human"),
    ("CYP2C19_Veith", "Metabolism", "CYP2C19 Inhibition", True, "", "human"),
    ("CYP2C9_Veith", "Metabolism", "CYP2C9 Inhibition", True, "", "human"),
    ("CYP2D6_Veith", "Metabolism", "CYP2D6 Inhibition", True, "", "human"),
    ("CYP3A4_Veith", "Metabolism", "CYP3A4 Inhibition", True, "", "human"),
    ("CYP2C9_Substrate_CarbonMangels", "Metabolism", "CYP2C9 Substrate", True, "", "human"),
    ("CYP2D6_Substrate_CarbonMangels", "Metabolism", "CYP2D6 Substrate", True, "", "human"),
    ("CYP3A4_Substrate_CarbonMangels", "Metabolism", "CYP3A4 Substrate", True, "", "human"),
    ("hERG", "Toxicity", "hERG Blocking", True, "", "human"),
    ("ClinTox", "Toxicity", "Clinical Toxicity", True, "", "human"),
    ("AMES", "Toxicity", "Mutagenicity (Ames)", True, "", "salmonella typhimurium"),
    ("DILI", "Toxicity", "Drug Induced Liver Injury", True, "", "human"),
    ("Carcinogens_Lagunin", "Toxicity", "Carcinogenicity", True, "", "rodent"),
    ("LD50_Zhu", "Toxicity", "Acute Toxicity LD50", False, "log(1/(mol/kg))", "rat"),
    ("Skin_Reaction", "Toxicity", "Skin Reaction", True, "", "mouse"),
    ("NR-AR", "Toxicity", "Tox21 Androgen Receptor (Full Length) activity", True, "", "human"),
    ("NR-AR-LBD", "Toxicity", "Tox21 Androgen Receptor (Ligand Binding Domain) activity", True, "", "human"),
    ("NR-AhR", "Toxicity", "Tox21 Aryl Hydrocarbon Receptor activity", True, "", "human"),
    ("NR-Aromatase", "Toxicity", "Tox21 Aromatase inhibition", True, "", "human"),
    ("NR-ER", "Toxicity", "Tox21 Estrogen Receptor (Full Length) activity", True, "", "human"),
    ("NR-ER-LBD", "Toxicity", "Tox21 Estrogen Receptor (Ligand Binding Domain) activity", True, "", "human"),
    ("NR-PPAR-gamma", "Toxicity", "Tox21 PPAR-gamma activity", True, "", "human"),
    ("SR-ARE", "Toxicity", "Tox21 Nrf2/Antioxidant Responsive Element activity", True, "", "human"),
    ("SR-ATAD5", "Toxicity", "Tox21 ATAD5 (genotoxicity) activity", True, "", "human"),
    ("SR-HSE", "Toxicity", "Tox21 Heat Shock Factor Response Element activity", True, "", "human"),
    ("SR-MMP", "Toxicity", "Tox21 Mitochondrial Membrane Potential disruption", True, "", "human"),
    ("SR-p53", "Toxicity", "Tox21 Tumor Protein p53 activity", True, "", "human"),
))
