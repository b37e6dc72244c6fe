"""Registers the biology models. Imports nothing heavy: Biopython, pyrodigal, numpy and torch load on use."""

from __future__ import annotations

from pathlib import Path

from specialist_hub import Example, Option, OutputField, SpecFamily, Weights, hookimpl
from specialist_hub.cards import load_card
from specialist_hub.hf import checkpoint_option
from specialist_hub.pipeline import Pipeline, Step
from specialist_hub.training.features import FeaturizerSpec, SplitterSpec
from specialist_hub.writers import OutputFormat

from .sequences import NUCLEOTIDE, PROTEIN, PROTEIN_AMBIGUOUS, PROTEIN_EXTENDED

EXAMPLES = Path(__file__).parent / "examples"
#: The models' cards: cards/NAME.md, one Markdown file per model.
CARDS = Path(__file__).parent / "cards"
BIOPYTHON = "Cock et al., Bioinformatics 25, 1422 (2009) [Biopython]."

UBIQUITIN = "MQIFVKTLTGKTITLEVEPSDTIENVKAKIQDKEGIPPDQQRLIFAGKQLEDGRTLSDYNIQKESTLHLVLRLRGG"
LYSOZYME = ("KVFGRCELAAAMKRHGLDNYRGYSLGNWVCAAKFESNFNTQATNRNTDGSTDYGILQINSRWWCNDGRTPGSRNLCNIPCSALLSSDITASVN"
            "CAKKIVSDGNGMNAWVAWRNRCKGTDVQAWIRGCRL")
INSULIN_A = "GIVEQCCTSICSLYQLENYCN"
EXPASY = "ExPASy ProtParam (web.expasy.org/protparam) output for UniProt"
NONSTANDARD_NOTE = ("Residues other than the 20 standard ones (X, B, Z, J, U, O): left out of {what}, which are "
                    "computed over the rest")


def coordinates(compact: str) -> list[dict]:
    """Prodigal gene coordinates written as ``begin<strand>end`` items, e.g. ``2-169 15526+16320``."""
    genes = []
    for item in compact.split():
        strand = "+" if "+" in item else "-"
        begin, end = item.split(strand)
        genes.append({"start": int(begin), "end": int(end), "strand": strand})
    return genes


def _alphabet_in_intended_use(card: dict[str, str]) -> dict[str, str]:
    """Each card states the alphabet its model accepts (its ``## Input`` section) after its intended use."""
    alphabet = card.pop("input")
    return {**card, "intended_use": f"{card['intended_use']}\n\n**Input:** {alphabet}"}


#: The most bases a whole-genome model reads per record by default: the largest bacterial genomes
#: sequenced (myxobacteria, Sorangium cellulosum So0157-2 with 14.8 Mb) fit.
GENOME_LENGTH = 16_000_000


def max_length_option(default: int, why: str, maximum: int = 100_000_000) -> Option:
    """The bound on bases per record, checked before the work starts; the host's to set."""
    return Option("max_length", "int", default, "Refuse (per record) sequences of more bases than this" + why,
                  stage="call", host="limit", minimum=1, maximum=maximum)


#: Every biology model: sequence input, the bio extra, and the accepted alphabet in the card.
biology_spec = SpecFamily("biology", input_kind="sequence", install_hint='pip install "specialist-hub[bio]"',
                          card=_alphabet_in_intended_use, cards=CARDS,
                          card_values={"protein": PROTEIN, "protein_extended": PROTEIN_EXTENDED,
                                       "protein_ambiguous": PROTEIN_AMBIGUOUS, "nucleotide": NUCLEOTIDE})


PROTEIN_PROPERTIES = biology_spec(
    "protein-properties",
    requires=("Bio",),
    task="protein-properties",
    summary="ExPASy ProtParam properties of a protein: MW, pI, GRAVY, instability, extinction (Biopython)",
    default=True,
    batch_size=512,
    factory="specialist_hub_biology.protein:ProteinPropertiesModel",
    license="BSD-3-Clause (Biopython); no model weights",
    citation=("Gasteiger et al., Protein Identification and Analysis Tools on the ExPASy Server, in The Proteomics "
              "Protocols Handbook, Humana Press (2005) 571-607; Bjellqvist et al., Electrophoresis 14, 1023 (1993) "
              "[pI]; Kyte & Doolittle, J. Mol. Biol. 157, 105 (1982) [GRAVY]; Guruprasad et al., Protein Eng. 4, "
              "155 (1990) [instability]; Ikai, J. Biochem. 88, 1895 (1980) [aliphatic index]; Pace et al., "
              "Protein Sci. 4, 2411 (1995) [extinction]; Lobry & Gautier, Nucleic Acids Res. 22, 3174 (1994) "
              "[aromaticity]; Haimov & Srebnik, Sci. Rep. 6, 38341 (2016), Hutchinson & Thornton, Protein Sci. 3, "
              "2207 (1994), Kim & Berg, Nature 362, 267 (1993) [helix/turn/sheet residue sets]. " + BIOPYTHON),
    url="https://web.expasy.org/protparam/protparam-doc.html",
    outputs=(
        OutputField("length", "int", "Number of residues"),
        OutputField("nonstandard_residues", "int", NONSTANDARD_NOTE.format(what="every other field")),
        # decimals: as ExPASy ProtParam reports them
        OutputField("molecular_weight", "float", "Average molecular weight (ExPASy residue masses)", "Da", decimals=2),
        OutputField("isoelectric_point", "float", "Theoretical pI (Bjellqvist pK values, as ExPASy)", "pH", decimals=2),
        OutputField("net_charge_ph7", "float", "Net charge at pH 7.0 with the same pK values", "e", decimals=2),
        OutputField("gravy", "float", "Grand average of hydropathicity (Kyte-Doolittle)", decimals=3),
        OutputField("instability_index", "float", "Instability index (Guruprasad et al. 1990)", decimals=2),
        OutputField("stable", "bool", "Instability index below 40 (ExPASy: 'classified as stable')"),
        OutputField("aliphatic_index", "float", "Aliphatic index (Ikai 1980)", decimals=2),
        OutputField("aromaticity", "float", "Fraction of F + W + Y (Lobry & Gautier 1994)", "fraction", decimals=3),
        OutputField("extinction_coefficient_reduced", "int", "Molar extinction at 280 nm in water, all Cys reduced",
                    "M^-1 cm^-1"),
        OutputField("extinction_coefficient_cystines", "int",
                    "Molar extinction at 280 nm in water, all Cys pairs forming cystines", "M^-1 cm^-1"),
        OutputField("helix_fraction", "float", "Fraction of E, M, A, L, K (helix-prone; Biopython >= 1.82)", "fraction",
                    decimals=3),
        OutputField("turn_fraction", "float", "Fraction of N, P, G, S, D (turn-prone)", "fraction", decimals=3),
        OutputField("sheet_fraction", "float", "Fraction of V, I, Y, F, W, L, T (sheet-prone)", "fraction", decimals=3),
    ),
    examples=(
        Example(UBIQUITIN, {"length": 76, "molecular_weight": 8564.84, "extinction_coefficient_reduced": 1490,
                            "extinction_coefficient_cystines": 1490, "stable": True},
                tolerance=1e-6, reference=f"{EXPASY} P0CG48 residues 1-76 (human ubiquitin): MW 8564.84, "
                                          "Ext. coefficient 1490, stable"),
        Example(UBIQUITIN, {"isoelectric_point": 6.56, "gravy": -0.489, "instability_index": 36.06,
                            "aliphatic_index": 100.0},
                tolerance=0.006, reference=f"{EXPASY} P0CG48 1-76: pI 6.56, GRAVY -0.489, II 36.06, AI 100.00"),
        Example(LYSOZYME, {"length": 129, "molecular_weight": 14313.14, "extinction_coefficient_reduced": 37470,
                           "extinction_coefficient_cystines": 37970},
                tolerance=1e-6, reference=f"{EXPASY} P00698 residues 19-147 (hen lysozyme): MW 14313.14, "
                                          "Ext. coefficient 37970 (cystines) / 37470 (reduced)"),
        Example(LYSOZYME, {"isoelectric_point": 9.32, "gravy": -0.472, "instability_index": 16.09,
                           "aliphatic_index": 65.12},
                tolerance=0.006, reference=f"{EXPASY} P00698 19-147: pI 9.32, GRAVY -0.472, II 16.09, AI 65.12"),
        Example(INSULIN_A, {"isoelectric_point": 3.79, "gravy": 0.214, "instability_index": 22.54},
                tolerance=0.006, reference=f"{EXPASY} P01308 residues 90-110 (insulin A chain): pI 3.79, "
                                           "GRAVY 0.214, II 22.54"),
    ),
)

NUCLEOTIDE_PROPERTIES = biology_spec(
    "nucleotide-properties",
    requires=("Bio",),
    task="nucleotide-properties",
    summary="DNA/RNA length, GC content and skew, MW, nearest-neighbour Tm, reverse complement, translation",
    batch_size=512,
    factory="specialist_hub_biology.nucleotide:NucleotidePropertiesModel",
    license="BSD-3-Clause (Biopython); no model weights",
    citation=("SantaLucia & Hicks, Annu. Rev. Biophys. Biomol. Struct. 33, 415 (2004) [DNA Tm]; Xia et al., "
              "Biochemistry 37, 14719 (1998) [RNA Tm]; SantaLucia, PNAS 95, 1460 (1998) [salt correction]; "
              "Lobry, Mol. Biol. Evol. 13, 660 (1996) [GC skew]; Kibbe, Nucleic Acids Res. 35, W43 (2007) "
              "[OligoCalc molecular weight]. " + BIOPYTHON),
    url="https://biopython.org/docs/latest/api/Bio.SeqUtils.MeltingTemp.html",
    options=(
        Option("na_mm", "float", 50.0, "Na+ concentration for the Tm salt correction (mM)", stage="call", minimum=0.0),
        Option("k_mm", "float", 0.0, "K+ concentration (mM)", stage="call", minimum=0.0),
        Option("tris_mm", "float", 0.0, "Tris buffer concentration (mM)", stage="call", minimum=0.0),
        Option("mg_mm", "float", 0.0, "Mg2+ concentration (mM)", stage="call", minimum=0.0),
        Option("dntps_mm", "float", 0.0, "dNTP concentration (mM; binds Mg2+)", stage="call", minimum=0.0),
        Option("strand_nm", "float", 25.0, "Concentration of this strand, e.g. the primer (nM)", stage="call", minimum=0.0),
        Option("complement_nm", "float", 25.0, "Concentration of the complementary strand (nM)", stage="call", minimum=0.0),
        Option("salt_correction", "int", 5, "Biopython Tm_NN salt-correction method (5: SantaLucia 1998 "
                                            "entropy correction; 6/7: Owczarzy 2004/2008; 0: none)",
               choices=(0, 1, 2, 3, 4, 5, 6, 7), stage="call"),
        Option("translation_table", "int", 1, "NCBI genetic code for the frame-1 translation",
               choices=(1, 2, 3, 4, 5, 6, 9, 10, 11, 12, 13, 14, 15, 16, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30,
                        31, 32, 33), stage="call"),
    ),
    outputs=(
        OutputField("length", "int", "Number of bases"),
        OutputField("molecule", "str", "DNA, or RNA when the sequence contains U"),
        OutputField("gc_content", "float", "(G + C) / (A + C + G + T/U); N not counted", "fraction", nullable=True),
        OutputField("gc_skew", "float", "(G - C) / (G + C); null without G or C", nullable=True),
        OutputField("molecular_weight", "float",
                    "Single strand, 5'-OH and 3'-OH (as a synthetic oligo); null with N", "g/mol", nullable=True),
        OutputField("melting_temperature", "float",
                    "Nearest-neighbour Tm of the perfect duplex (DNA: SantaLucia & Hicks 2004; RNA: Xia 1998); "
                    "null with N, under 6 bases (outside the model's range) or beyond 1000 bases", "°C", nullable=True),
        OutputField("reverse_complement", "str", "Reverse complement (U-based for RNA)"),
        OutputField("translation", "str", "Translation of reading frame 1 (trailing partial codon dropped; * = stop)"),
    ),
    examples=(
        Example("GTAAAACGACGGCCAGT", {"length": 17, "molecule": "DNA", "gc_content": 9 / 17,
                                     "reverse_complement": "ACTGGCCGTCGTTTTAC", "translation": "VKRRP",
                                     "melting_temperature": 49.01, "molecular_weight": 5228.47},
                tolerance=1e-3,
                reference="M13 forward primer. Tm by hand from SantaLucia & Hicks 2004 Table 1 (dH -132.7 "
                          "kcal/mol; dS -375.74 cal/K/mol incl. 0.368 (N-1) ln 0.05 M Na+; 12.5 nM = CT/4): 49.01 °C; "
                          "MW by OligoCalc's anhydrous formula: 5228.47; translation by the standard code"),
        Example("AUGGCCAUUGUAAUGGGCCGCUGA", {"molecule": "RNA", "translation": "MAIVMGR*", "gc_skew": 3 / 13},
                tolerance=1e-9, reference="Standard genetic code; GC skew (G - C)/(G + C) = (8 - 5)/13"),
    ),
)

#: A 20 kb genome: read by the sequence input kind only when the examples run (hub check).
GENOME = EXAMPLES / "KK037166.fna"
PRODIGAL_REFERENCE = ("Prodigal v2.6.3 output for GenBank KK037166.1 (Kutzneria sp. 744, 20 kb), shipped in "
                      "pyrodigal's tests as KK037166.{}.faa.gz")

GENES = biology_spec(
    "genes",
    requires=("pyrodigal",),
    task="gene-finding",
    summary="Prokaryotic protein-coding genes with Prodigal (pyrodigal), metagenomic or single-genome mode",
    batch_size=8,
    factory="specialist_hub_biology.genes:GenesModel",
    license="GPL-3.0-or-later (Prodigal and pyrodigal); no separate weights",
    citation=("Hyatt et al., Prodigal: prokaryotic gene recognition and translation initiation site "
              "identification, BMC Bioinformatics 11, 119 (2010); Larralde, Pyrodigal: Python bindings and "
              "interface to Prodigal, J. Open Source Softw. 7, 4296 (2022)."),
    url="https://github.com/althonos/pyrodigal",
    options=(
        Option("mode", "str", "meta", "meta: Prodigal's 50 pre-trained metagenomic profiles (best for contigs, "
                                      "plasmids, viruses); single: train on each record (>= 20 kb, a whole genome)",
               choices=("meta", "single")),
        Option("closed", "bool", False, "Closed ends: no gene may run off the edge of the sequence"),
        Option("mask", "bool", False, "Do not let genes run across runs of N"),
        Option("translation_table", "int", 11, "Genetic code in single mode (meta mode picks it per profile)",
               choices=(4, 11, 25)),
    ),
    outputs=(
        OutputField("length", "int", "Number of bases (GFF3's ##sequence-region)"),
        OutputField("gene_count", "int", "Number of predicted genes"),
        OutputField("gc_content", "float", "GC fraction of the record (N not counted)", "fraction"),
        OutputField("translation_table", "int", "Genetic code used (null when no profile fits: too short a record)",
                    nullable=True),
        OutputField("model", "str", "The metagenomic profile chosen, 'single', or 'none' for a record too short "
                                    "for any profile"),
        OutputField("genes", "list",
                    "One dict per gene: start, end (1-based, inclusive, start < end), strand (+/-), partial_begin/"
                    "partial_end (gene runs off the sequence at that coordinate), start_codon, rbs_motif, score, "
                    "confidence (%), protein (translation without the stop), protein_length (residues)"),
    ),
    examples=(
        Example(GENOME, {"gene_count": 19, "translation_table": 11, "genes": coordinates(
            "2-169 169-1266 1263-2942 2942-3676 3980-5029 5332-5832 6322-6462 6483-6875 7593-10730 11285-12700 "
            "12688-12912 13159-13641 13928-14140 14444-14935 15124-15225 15526+16320 16582+17340 17602-17763 "
            "17799+19703")}, reference=PRODIGAL_REFERENCE.format("meta")),
        Example(GENOME, {"gene_count": 22, "genes": coordinates(
            "2-169 169-1266 1263-2942 2942-3718 3980-5029 5332-6321 6483-6881 7213+7422 7386+7583 7593-10730 "
            "10863-11144 11285-12952 13159-13416 13701+14159 14444-14920 15110-15457 15454-15696 15757+16320 "
            "16645+17340 17368+17598 17602-17763 17799+19703")},
            options={"mode": "single"}, reference=PRODIGAL_REFERENCE.format("single")),
    ),
)

#: The peptide lengths biology/antimicrobial is trained to tell apart: the training set holds both AMPs and
#: non-AMPs only from 10 to 50 residues (its UniProt negatives; AMPs run to 174), so beyond 50 residues length
#: alone decides the label. Its applicability domain and annotate-genome's AMP step keep to this range.
AMP_LENGTHS = (10, 50)
AMP_HELDOUT = {"accuracy": 0.9029, "auroc": 0.9610}
AMP_CV = {"accuracy": 0.9084, "auroc": 0.9641}

ANTIMICROBIAL = biology_spec(
    "antimicrobial",
    requires=("numpy",),
    task="antimicrobial-peptide-classification",
    summary="Antimicrobial-peptide probability from composition and physicochemistry (small MLP, trained here)",
    batch_size=1024,
    factory="specialist_hub_biology.antimicrobial:AntimicrobialModel",
    license="Apache-2.0 (code and weights, this repository); training data from modlAMP (BSD-3-Clause)",
    citation=("Müller et al., modlAMP: Python for antimicrobial peptides, Bioinformatics 33, 2753 (2017) "
              "[dataset]; Wang et al., APD3, Nucleic Acids Res. 44, D1087 (2016) [AMP class]; Eisenberg et al., "
              "J. Mol. Biol. 179, 125 (1984) [hydrophobicity, moment]."),
    url="https://modlamp.org",
    options=(Option("threshold", "float", 0.5, "Probability at or above which the label is AMP (above 1: "
                                                "every peptide is non-AMP)", stage="call", minimum=0.0),),
    weights=(Weights("amp_mlp.npz", "3ccd6ae2e6052796ba879d37ad5023b51e290b161322c978f39691becfd5db05", 32284,
                     "this repository: plugins/biology/scripts/train_antimicrobial.py, then calibrate_antimicrobial.py",
                     package="specialist_hub_biology", path="data/amp_mlp.npz"),
             Weights("amp_domain.npz", "8b6af8e25779471a67fe357a2ad90984f44351c6b9afeb981c02de4fbddee6e3", 102838,
                     "this repository: plugins/biology/scripts/domain_antimicrobial.py (dipeptide sets of the "
                     "4,160 training peptides, the threshold and the length range)", package="specialist_hub_biology",
                     path="data/amp_domain.npz")),
    applicability_domain=True,
    outputs=(
        OutputField("probability", "float", "Predicted probability that the peptide is antimicrobial (the MLP's "
                    "output; ranks well but is not calibrated)", "0-1"),
        OutputField("calibrated_probability", "float", "The same probability calibrated on held-out peptides "
                    "(isotonic): of peptides given 0.8, about 80 % were AMPs", "0-1"),
        OutputField("label", "str", "AMP or non-AMP at the threshold option"),
        OutputField("nonstandard_residues", "int", NONSTANDARD_NOTE.format(what="the features and the domain")),
    ),
    examples=(
        Example("GIGKFLHSAKKFGKAFVGEIMNS", {"label": "AMP"},
                reference="Magainin 2 (Zasloff, PNAS 84, 5449 (1987)), APD3 AP00144: antimicrobial"),
        Example("LLGDFFRKSKEKIGKEFKRIVQRIKDFLRNLVPRTES", {"label": "AMP"},
                reference="LL-37, human cathelicidin (APD3 AP00310): antimicrobial"),
        Example("HSQGTFTSDYSKYLDSRRAQDFVQWLMNT", {"label": "non-AMP"},
                reference="Glucagon (UniProt P01275 53-81), a hormone without antimicrobial activity"),
    ),
    card_values={"shortest_peptide": AMP_LENGTHS[0], "longest_peptide": AMP_LENGTHS[1],
                 "cv_accuracy": AMP_CV["accuracy"], "cv_auroc": AMP_CV["auroc"],
                 "heldout_accuracy": AMP_HELDOUT["accuracy"], "heldout_auroc": AMP_HELDOUT["auroc"]},
)

ESM2 = biology_spec(
    "esm2",
    requires=("torch", "transformers"),
    task="protein-embedding",
    summary="ESM-2 protein language model: mean embedding and masked pseudo-perplexity (transformers)",
    batch_size=16,
    uses_torch=True,
    factory="specialist_hub_biology.esm:Esm2Model",
    license="MIT (ESM-2 weights and code, Meta AI); transformers Apache-2.0",
    citation=("Lin et al., Evolutionary-scale prediction of atomic-level protein structure with a language model, "
              "Science 379, 1123 (2023); Salazar et al., Masked Language Model Scoring, ACL 2020 "
              "[pseudo-log-likelihood]."),
    url="https://huggingface.co/facebook/esm2_t6_8M_UR50D",
    options=(
        checkpoint_option("facebook/esm2_t6_8M_UR50D", "an ESM-2 model (e.g. facebook/esm2_t12_35M_UR50D)"),
        Option("output", "str", "embedding", "embedding; pseudo_perplexity (one forward pass per residue); or both",
               choices=("embedding", "pseudo_perplexity", "both"), stage="call"),
    ),
    outputs=(
        OutputField("length", "int", "Number of residues"),
        OutputField("embedding", "list", "Mean of the last hidden layer over residues (320 floats for t6_8M)",
                    nullable=True),
        OutputField("residue_log_likelihoods", "list",
                    "Per residue, log P(residue | sequence with it masked)", "nats", nullable=True),
        OutputField("pseudo_perplexity", "float", "exp(-mean residue log-likelihood); lower = more native-like",
                    nullable=True),
    ),
    examples=(
        Example(UBIQUITIN, {"length": 76}, reference="Human ubiquitin P0CG48 1-76 has 76 residues"),
    ),
)


VIENNA = ("Lorenz et al., ViennaRNA Package 2.0, Algorithms Mol. Biol. 6, 26 (2011); Mathews et al., PNAS 101, "
          "7287 (2004) [Turner 2004 parameters]; McCaskill, Biopolymers 29, 1105 (1990) [partition function]; "
          "Bernhart et al., Algorithms Mol. Biol. 1, 3 (2006) [cofolding]; Ding et al., RNA 11, 1157 (2005) "
          "[centroid].")
#: Yeast tRNA-Phe (GenBank M10740 / PDB 1EHZ, 76 nt with CCA) and its cloverleaf in Sprinzl numbering.
TRNA_PHE = "GCGGAUUUAGCUCAGUUGGGAGAGCGCCAGACUGAAGAUCUGGAGGUCCUGUGUUCGAUCCACAGAAUUCGCACCA"
CLOVERLEAF = "(((((((..((((........)))).(((((.......))))).....(((((.......))))))))))))...."

RNA_FOLD = biology_spec(
    "rna-fold",
    requires=("RNA",),
    task="rna-secondary-structure",
    summary="RNA secondary structure (ViennaRNA): MFE, ensemble energy, centroid, pair probabilities, cofolding A&B",
    batch_size=32,
    factory="specialist_hub_biology.rna_fold:RnaFoldModel",
    license=("ViennaRNA licence (code; Turner 2004 energy parameters built in): free for research, education and "
             "commercial use and modification, provided the package and derived works are not redistributed for a "
             "fee beyond media costs and the authors are credited; including it in a commercial product needs the "
             "authors' consent"),
    citation=VIENNA,
    url="https://www.tbi.univie.ac.at/RNA/",
    options=(
        Option("temperature", "float", 37.0, "Folding temperature (°C); the Turner parameters are rescaled",
               stage="call", minimum=0.0, maximum=100.0),
        Option("pair_probabilities", "bool", False, "Also return the base pairs whose probability is at least "
                                                     "pair_cutoff", stage="call"),
        Option("pair_cutoff", "float", 0.01, "Smallest pair probability listed", stage="call", minimum=1e-6,
               maximum=1.0),
        Option("convert_dna", "bool", False, "Fold DNA input as RNA (T read as U, RNA parameters); otherwise DNA "
                                             "is refused", stage="call"),
        max_length_option(2000, " (both strands count): folding time grows with the cube of the length (1 kb "
                                "took 16 s, 2 kb 274 s on two busy cores)", maximum=100_000),
    ),
    outputs=(
        OutputField("length", "int", "Number of nucleotides (both strands when cofolding)"),
        OutputField("structure", "str", "Minimum-free-energy structure in dot-bracket ('&' between strands)"),
        OutputField("mfe", "float", "Free energy of that structure", "kcal/mol"),
        OutputField("ensemble_free_energy", "float",
                    "-RT ln Z of the ensemble (cofolding: of the dimer ensemble, as RNAcofold prints)", "kcal/mol"),
        OutputField("mfe_probability", "float", "Boltzmann probability of the MFE structure in the ensemble",
                    "0-1"),
        OutputField("centroid_structure", "str",
                    "The pairs with probability > 0.5: the structure closest to the ensemble (base-pair distance)"),
        OutputField("ensemble_diversity", "float", "Mean base-pair distance between structures of the ensemble"),
        OutputField("binding_free_energy", "float", "Cofolding only: G(AB) - G(A) - G(B), RNAcofold's delta G "
                                                    "binding", "kcal/mol", nullable=True),
        OutputField("pair_probabilities", "list",
                    "With pair_probabilities: [i, j, p] for every pair i < j (1-based, across both strands) "
                    "with p >= pair_cutoff", nullable=True),
    ),
    examples=(
        Example("GGGGAAAACCCC", {"structure": "((((....))))", "mfe": -5.40, "length": 12}, tolerance=0.005,
                reference="GC hairpin: RNAfold (ViennaRNA 2.x, Turner 2004, 37 °C) gives ((((....)))) at -5.40 "
                          "kcal/mol, e.g. as quoted in the README of the 'vienna' wrapper on PyPI"),
        Example(TRNA_PHE, {"structure": CLOVERLEAF, "length": 76},
                reference="Yeast tRNA-Phe cloverleaf, the pairs of the crystal structure (Kim et al., Science 185, "
                          "435 (1974); Sprinzl numbering): acceptor 1-7/66-72, D 10-13/22-25, anticodon 27-31/39-43, "
                          "T 49-53/61-65"),
        Example("GGGAAAUCC&GGAUUUCCC", {"structure": "(((((((((&)))))))))", "length": 18},
                reference="Two fully complementary 9-mers pair into one 9-bp Watson-Crick duplex (RNAcofold "
                          "notation, '&' at the strand break)"),
    ),
)


ALPHA_SYNUCLEIN = ("MDVFMKGLSKAKEGVVAAAEKTKQGVAEAAGKTKEGVLYVGSKTKEGVVHGVATVAEKTKEQVTNVGGAVVTGVTAVAQKTVEGAGSIAAAT"
                   "GFVKKDQLGKNEEGAPQEGILEDMPVDPDNEAYEMPSEEGYQDYEPEA")
#: Human p53 residues 1-61, the transactivation domains TAD1 and TAD2.
P53_TAD = "MEEPQSDPSVEPPLSQETFSDLWKLLPENNVLSPLPSQAMDDLMLSPDDIEQWFTEDPGPD"


def metapredict_weights(file: str, sha256: str, size: int, folder: str = "networks") -> Weights:
    return Weights(file, sha256, size, "the metapredict wheel (MIT)", package="metapredict",
                   path=f"backend/{folder}/{file}")


DISORDER = biology_spec(
    "disorder",
    requires=("metapredict", "torch"),
    task="intrinsic-disorder",
    summary="Per-residue intrinsic disorder and predicted AlphaFold2 pLDDT, disordered regions (metapredict V3)",
    batch_size=128,
    uses_torch=True,
    factory="specialist_hub_biology.disorder:DisorderModel",
    license="MIT (metapredict code and networks, Holehouse lab)",
    citation=("Emenecker, Griffith & Holehouse, metapredict: a fast, accurate, and easy-to-use predictor of "
              "consensus disorder and structure, Biophys. J. 120, 4312 (2021); Emenecker, Griffith & Holehouse, "
              "Metapredict V2, bioRxiv 10.1101/2022.06.06.494887 (2022); Lotthammer et al., Metapredict enables "
              "accurate disorder prediction across the Tree of Life, bioRxiv 10.1101/2024.11.05.622168 (2024) [V3]."),
    url="https://github.com/idptools/metapredict",
    options=(
        Option("network", "str", "V3", "metapredict disorder network (V1 is the 2021 'legacy' one)",
               choices=("V3", "V2", "V1")),
        Option("threshold", "float", 0.5, "Score at or above which a residue counts as disordered (metapredict's "
                                          "value for V2/V3; 0.42 for V1)", stage="call", minimum=0.0, maximum=1.0),
        Option("minimum_idr_size", "int", 12, "Shortest disordered region reported", stage="call", minimum=1,
               maximum=10_000),
        Option("minimum_folded_domain", "int", 50, "Shortest folded stretch that splits two disordered regions",
               stage="call", minimum=1, maximum=10_000),
        Option("gap_closure", "int", 10, "Longest ordered gap inside a disordered region that is bridged",
               stage="call", minimum=0, maximum=10_000),
    ),
    weights=(
        metapredict_weights("epoch099_val_loss1107.08.ckpt",
                            "3209c42d91a77dc5828618c7835ebc5dd912f56d43d0111d3c3c36138d9739a8", 787781),
        metapredict_weights("metameta_2_7_22_nl2_hs20_b32_V3.pt",
                            "32de116ad8e2edefc3abf96ea3495e90527323c6108db91dd7866391b77341bd", 23626),
        metapredict_weights("meta_predict_disorder_100e_v1.pt",
                            "b940d2e7a7c019b5401b7c2c1d992a452f3a93fe99130ebce670fef407943167", 5898),
        metapredict_weights("epoch019_val_loss1477.45.ckpt",
                            "369489529d69bd8edce0eae4933cd93066c431c98ccc609f3942994bd874f457", 105516,
                            folder="ppLDDT/networks"),
    ),
    outputs=(
        OutputField("length", "int", "Number of residues"),
        OutputField("disorder", "list", "Disorder score per residue (0 ordered - 1 disordered)"),
        OutputField("plddt", "list", "Predicted AlphaFold2 pLDDT per residue (0-100; < 50 suggests disorder)"),
        OutputField("disordered_regions", "list", "[first, last] residues (1-based, inclusive) of each disordered "
                                                  "region (metapredict's domain decomposition)"),
        OutputField("folded_regions", "list", "[first, last] residues of each folded region"),
        OutputField("disordered_fraction", "float", "Fraction of residues scoring at or above threshold "
                                                    "(metapredict percent_disorder / 100)", "fraction"),
        OutputField("region_fraction", "float", "Fraction of residues inside disordered_regions", "fraction"),
    ),
    examples=(
        Example(ALPHA_SYNUCLEIN, {"disordered_fraction": 1.0, "length": 140}, tolerance=0.25,
                reference="Human alpha-synuclein (UniProt P37840): intrinsically disordered over residues 1-140, "
                          "DisProt DP00070 (Weinreb et al., Biochemistry 35, 13709 (1996))"),
        Example(P53_TAD, {"disordered_fraction": 1.0}, tolerance=0.25,
                reference="Human p53 transactivation domain, residues 1-61 (UniProt P04637): disordered, DisProt "
                          "DP00086 (Dawson et al., J. Mol. Biol. 332, 1131 (2003))"),
        Example(UBIQUITIN, {"disordered_fraction": 0.0, "disordered_regions": []}, tolerance=0.25,
                reference="Human ubiquitin: fully ordered in the crystal structure, PDB 1UBQ (Vijay-Kumar et al., "
                          "J. Mol. Biol. 194, 531 (1987)); not in DisProt"),
        Example(LYSOZYME, {"disordered_fraction": 0.0, "disordered_regions": []}, tolerance=0.25,
                reference="Hen egg-white lysozyme: fully ordered in the crystal structure (Blake et al., Nature "
                          "206, 757 (1965); PDB 1LYZ); not in DisProt"),
    ),
)


#: 7 kb of Mycoplasma mycoides GM12 (GenBank CP001621.1, bases 81001-88000): one rrn operon and two tRNAs.
RRN_OPERON = EXAMPLES / "CP001621_81001-88000.fna"
RRN_OFFSET = 81000


def rna_feature(kind: str, name: str, start: int, end: int, strand: str, **extra) -> dict:
    """A feature of the full CP001621 genome, in the coordinates of the RRN_OPERON excerpt."""
    return {"type": kind, "name": name, "start": start - RRN_OFFSET, "end": end - RRN_OFFSET, "strand": strand,
            **extra}


RNA_GENES = biology_spec(
    "rna-genes",
    requires=("pybarrnap", "pyaragorn", "Bio"),
    task="rna-gene-finding",
    summary="rRNA (barrnap HMMs via pybarrnap) and tRNA/tmRNA (ARAGORN via pyaragorn) genes with coordinates",
    batch_size=16,
    factory="specialist_hub_biology.rna_genes:RnaGenesModel",
    license=("GPL-3.0 (pybarrnap, barrnap's HMMs) and GPL-3.0-or-later (ARAGORN, pyaragorn); the rRNA HMMs are "
             "built from Rfam (CC0)"),
    citation=("Seemann, barrnap: BAsic Rapid Ribosomal RNA Predictor, github.com/tseemann/barrnap; Shimoyama, "
              "pybarrnap, github.com/moshi4/pybarrnap; Laslett & Canback, ARAGORN, a program to detect tRNA genes "
              "and tmRNA genes in nucleotide sequences, Nucleic Acids Res. 32, 11 (2004); Larralde, pyaragorn, "
              "github.com/althonos/pyaragorn; Wheeler & Eddy, nhmmer, Bioinformatics 29, 2487 (2013); Kalvari et "
              "al., Rfam 14, Nucleic Acids Res. 49, D192 (2021)."),
    url="https://github.com/moshi4/pybarrnap",
    options=(
        Option("kingdom", "str", "bacteria", "rRNA models: bacteria (5S/16S/23S), archaea (5S/16S/23S) or "
                                             "eukaryote (5S/5.8S/18S/28S)",
               choices=("bacteria", "archaea", "eukaryote"), stage="call"),
        Option("evalue", "float", 1e-6, "nhmmer E-value cutoff for rRNA hits (barrnap's default)", stage="call",
               minimum=0.0, maximum=10.0),
        Option("length_cutoff", "float", 0.8, "rRNA hits shorter than this fraction of the model are partial",
               stage="call", minimum=0.0, maximum=1.0),
        Option("reject", "float", 0.25, "rRNA hits shorter than this fraction of the model are dropped",
               stage="call", minimum=0.0, maximum=1.0),
        Option("translation_table", "int", 11, "Genetic code for ARAGORN (tmRNA tag peptide, tRNA amino acid)",
               choices=(1, 2, 3, 4, 5, 6, 9, 10, 11, 12, 13, 14, 15, 16, 21, 22, 23, 24, 25, 26, 29, 30, 32, 33),
               stage="call"),
        Option("linear", "bool", False, "Treat the sequence as linear (ARAGORN's default is circular: genes may "
                                        "span the origin)", stage="call"),
        max_length_option(GENOME_LENGTH, ": the largest bacterial genomes fit (nhmmer and ARAGORN take about 3 s "
                                         "a megabase on two busy cores; 13 Mb took 36 s and 330 MB)"),
    ),
    outputs=(
        OutputField("length", "int", "Number of bases"),
        OutputField("rrna_count", "int", "rRNA features (partial ones included)"),
        OutputField("trna_count", "int", "tRNA genes"),
        OutputField("tmrna_count", "int", "tmRNA genes"),
        OutputField("features", "list",
                    "By start: type (rRNA/tRNA/tmRNA), name (16S_rRNA, tRNA-Leu, tmRNA ...), start, end (1-based, "
                    "inclusive, start <= end), strand (+/-), score (nhmmer bits for rRNA, ARAGORN score otherwise), "
                    "evalue and partial (rRNA), anticodon (lower case, 5'-3') and amino_acid (tRNA), peptide (tmRNA "
                    "tag); fields that do not apply are null"),
    ),
    examples=(
        Example(RRN_OPERON, {"rrna_count": 3, "trna_count": 2, "tmrna_count": 0, "features": [
            rna_feature("rRNA", "5S_rRNA", 82048, 82116, "-", partial=True),
            rna_feature("rRNA", "23S_rRNA", 82187, 85087, "-", partial=False),
            rna_feature("rRNA", "16S_rRNA", 85320, 86838, "-", partial=False),
            rna_feature("tRNA", "tRNA-Leu", 87124, 87207, "-", anticodon="tag"),
            rna_feature("tRNA", "tRNA-Lys", 87210, 87285, "-", anticodon="ttt")]},
            reference="tRNAs: ARAGORN's own output for the whole CP001621 genome, shipped in pyaragorn's tests "
                      "(CP001621.default.txt: tRNA-Leu c[87124,87207] (tag), tRNA-Lys c[87210,87285] (ttt)); rRNAs: "
                      "pybarrnap 0.5.2 run on the whole genome (the 16S-23S-5S operon on the minus strand)"),
    ),
)


def bounded(name: str, default: float, description: str, low: float, high: float, kind: str = "float",
            at_most: str = "") -> Option:
    """A call-time numeric primer3 setting with its bounds (and the setting it may not exceed)."""
    return Option(name, kind, default, description, stage="call", minimum=low, maximum=high, at_most=at_most)


PRIMERS = biology_spec(
    "primers",
    requires=("primer3",),
    task="pcr-primer-design",
    summary="PCR primer pairs for a template or target region with primer3: sequences, positions, Tm, GC, product",
    batch_size=16,
    factory="specialist_hub_biology.primers:PrimersModel",
    license="GPL-2.0-or-later (primer3 and primer3-py); no weights",
    citation=("Untergasser et al., Primer3 - new capabilities and interfaces, Nucleic Acids Res. 40, e115 (2012); "
              "Koressaar & Remm, Enhancements and modifications of primer design program Primer3, Bioinformatics "
              "23, 1289 (2007); SantaLucia, PNAS 95, 1460 (1998) [Tm]; primer3-py, github.com/libnano/primer3-py."),
    url="https://github.com/libnano/primer3-py",
    options=(
        Option("target", "str", "", "Region START-END (1-based, inclusive) every product must span, for records "
                                    "without [ ] marks; empty: anywhere", stage="call",
               pattern=r"(\s*[0-9]{1,9}\s*-\s*[0-9]{1,9}\s*)?"),
        bounded("product_size_min", 100, "Shortest PCR product (bp)", 20, 100_000, "int", "product_size_max"),
        bounded("product_size_max", 300, "Longest PCR product (bp)", 20, 100_000, "int"),
        bounded("tm_min", 57.0, "Lowest primer Tm (°C)", 0.0, 100.0, at_most="tm_opt"),
        bounded("tm_opt", 60.0, "Optimal primer Tm (°C)", 0.0, 100.0, at_most="tm_max"),
        bounded("tm_max", 63.0, "Highest primer Tm (°C)", 0.0, 100.0),
        bounded("size_min", 18, "Shortest primer (nt)", 8, 35, "int", "size_opt"),
        bounded("size_opt", 20, "Optimal primer length (nt)", 8, 35, "int", "size_max"),
        bounded("size_max", 27, "Longest primer (nt)", 8, 35, "int"),
        bounded("num_return", 5, "Most pairs returned, best (lowest penalty) first", 1, 100, "int"),
        bounded("na_mm", 50.0, "Monovalent cations for Tm (mM)", 0.0, 10_000.0),
        bounded("mg_mm", 1.5, "Divalent cations (Mg2+) for Tm (mM)", 0.0, 1000.0),
        bounded("dntps_mm", 0.6, "dNTPs (mM; bind Mg2+)", 0.0, 1000.0),
        bounded("primer_nm", 50.0, "Primer concentration for Tm (nM)", 0.001, 1e6),
        max_length_option(50_000, " ([ ] marks not counted): when no pair fits (a target too near an end), primer3 "
                                  "tries every left primer with every right one, so the time grows with the square "
                                  "of the template (20 kb took 5 s, 50 kb 38 s and 0.4 GB, 100 kb over 600 s on two "
                                  "busy cores)"),
    ),
    outputs=(
        OutputField("length", "int", "Template length (bases, [ ] marks removed)"),
        OutputField("pair_count", "int", "Number of pairs returned"),
        OutputField("pairs", "list",
                    "Best first: left and right primers (sequence 5'-3', start and end 1-based on the template with "
                    "start <= end, tm °C, gc_percent, penalty), product_size (bp), product_tm (°C), penalty (pair)"),
        OutputField("explanation", "str", "primer3's account of the pairs considered and why they were rejected"),
    ),
    examples=(
        Example(GENOME, {"pair_count": 5, "pairs": [{
            "left": {"sequence": "GGTAGTAGTCGGCGAGTTCG", "start": 4948, "end": 4967, "tm": 59.97},
            "right": {"sequence": "TAGTTTGCGGTGTCCTGTCC", "start": 5126, "end": 5145, "tm": 59.97},
            "product_size": 198}, {}, {}, {}, {}]},
            tolerance=0.005, options={"target": "5001-5100", "product_size_min": 150, "product_size_max": 250,
                                      "tm_min": 58.0, "tm_max": 62.0},
            reference="primer3-py 2.4.0 design_primers called directly on KK037166.1 with SEQUENCE_TARGET [5000, "
                      "100] and the same settings: PRIMER_LEFT_0 COORDS [4947, 20], PRIMER_RIGHT_0 [5144, 20], "
                      "product 198 bp, Tm 59.97 / 59.97 °C (primer3.calc_tm gives the same)"),
    ),
)


#: 180 kb of the Corynebacterium diphtheriae NCTC 11397 chromosome (an actinobacterium; RefSeq NZ_LN831026.1,
#: bases 2,085,001-2,265,000), cut from the genome in pyrodigal's test data: see examples/*.README.md.
ACTINO_SCAFFOLD = EXAMPLES / "NZ_LN831026_2085001-2265000.fna.gz"
GECCO_RUN = "gecco 0.11.0 `gecco run -g NZ_LN831026_2085001-2265000.fna.gz` (its clusters.tsv)"


def gecco_weights(path: str, sha256: str, size: int, what: str) -> Weights:
    return Weights(path.rpartition("/")[2], sha256, size, f"the gecco wheel (GPL-3.0-or-later): {what}",
                   package="gecco", path=path)


def gecco_cluster(start: int, end: int, kind: str, average: float, maximum: float) -> dict:
    return {"start": start, "end": end, "type": kind, "average_probability": average, "max_probability": maximum}


BGC = biology_spec(
    "bgc",
    requires=("gecco", "pyrodigal", "pyhmmer"),
    task="biosynthetic-gene-clusters",
    summary="Biosynthetic gene clusters with GECCO: coordinates, type (polyketide, NRP, RiPP, terpene...), "
            "probability and Pfam domains",
    batch_size=16,
    factory="specialist_hub_biology.bgc:BgcModel",
    license=("GPL-3.0-or-later (GECCO code, its CRF and type-classifier data, pyrodigal/Prodigal); MIT (pyhmmer; "
             "HMMER BSD-3-Clause); Pfam HMMs CC0-1.0; MIBiG training clusters CC-BY-4.0"),
    citation=("Carroll, Larralde, Fleck, Ponnudurai, Milanese, Cappio Barazzone & Zeller, Accurate de novo "
              "identification of biosynthetic gene clusters with GECCO, bioRxiv 10.1101/2021.05.03.442509 (2021); "
              "Larralde & Zeller, PyHMMER, Bioinformatics 39, btad214 (2023); Mistry et al., Pfam: the protein "
              "families database in 2021, Nucleic Acids Res. 49, D412 (2021); Kautsar et al., MIBiG 2.0, Nucleic "
              "Acids Res. 48, D454 (2020); Hyatt et al., BMC Bioinformatics 11, 119 (2010) [Prodigal]."),
    url="https://github.com/zellerlab/GECCO",
    options=(
        Option("threshold", "float", 0.8, "CRF probability above which a gene belongs to a cluster (gecco's "
                                          "--threshold)", stage="call", minimum=0.0, maximum=1.0),
        Option("min_cds", "int", 3, "Fewest genes with Pfam domains a cluster must hold (gecco's --cds)",
               stage="call", minimum=1, maximum=10_000),
        Option("edge_distance", "int", 0, "Annotated genes that must separate a cluster from the record's edge, "
                                          "unless it is longer (gecco's --edge-distance)",
               stage="call", minimum=0, maximum=10_000),
        Option("trim", "bool", True, "Trim genes without domains off cluster ends (gecco's default; false: "
                                     "--no-trim)", stage="call"),
        Option("pad", "bool", True, "Pad records with fewer genes than the CRF window (false: gecco's --no-pad, "
                                    "such records get no probabilities)", stage="call"),
        Option("mask", "bool", False, "Do not let genes run across runs of N (gecco's --mask)", stage="call"),
        Option("p_filter", "float", 1e-9, "Pfam domain hits are kept when their p-value is below this (gecco's "
                                         "--p-filter)",
               stage="call", minimum=0.0, maximum=1.0),
        Option("bit_cutoffs", "str", "none", "Filter domain hits with the HMMs' own bit-score cutoffs (gecco's "
                                             "--bit-cutoffs)",
               choices=("none", "gathering", "trusted", "noise"), stage="call"),
        Option("jobs", "int", 0, "Threads for gene finding and the HMM search (gecco's --jobs); 0: this "
                                 "process's share of the cores", stage="call", minimum=0, maximum=256),
        max_length_option(GENOME_LENGTH, ": the largest bacterial genomes fit (gecco's time grows with the length: "
                                         "13 Mb took 173 s and 0.54 GB on two busy cores)"),
    ),
    weights=(
        gecco_weights("crf/model.pkl", "f314d4c4062282ba9d8b56b07058f1c6213e7b7702088b24f2b16f8ee1e1e134", 517283,
                      "the trained CRF"),
        gecco_weights("hmmer/Pfam.h3m", "4383aa81f2ba9ce1f78334f6e249e0a8e69b9c0e8d4d9e69d144350597dac9c5",
                      91784892, "2,766 Pfam 35.0 HMMs (CC0), GECCO's subset"),
        gecco_weights("types/compositions.npz", "b30da24c9f35e899d20aaf08bb5c24bc1ea62291b07a5d9103ce79e729402773",
                      143388, "domain compositions of the MIBiG clusters the type classifier is fitted on"),
    ),
    outputs=(
        OutputField("length", "int", "Number of bases"),
        OutputField("gene_count", "int", "Genes Prodigal finds in the record (metagenomic mode, as gecco run)"),
        OutputField("cluster_count", "int", "Number of clusters"),
        OutputField("clusters", "list",
                    "By position: start, end (1-based, inclusive: first and last base of its genes), type (gecco's "
                    "name: NRP, Polyketide, RiPP, Terpene, Saccharide, Alkaloid, several joined by ';', or Unknown "
                    "when no class reaches 0.5), type_probabilities (per class), average_probability and "
                    "max_probability (over its genes' CRF probabilities), proteins: gene (its number among the "
                    "record's genes, as gecco's <record>_<n> ids), start, end, strand, average_probability, "
                    "max_probability, protein (translation) and domains (Pfam accession name, InterPro "
                    "description, start and end in the protein, i_evalue, pvalue)"),
    ),
    examples=(
        Example(ACTINO_SCAFFOLD, {"cluster_count": 3, "clusters": [
            gecco_cluster(5738, 38267, "NRP", 0.9624357893910634, 0.9999740678131055),
            gecco_cluster(124940, 137426, "Unknown", 0.848972570917251, 0.8847224810709406),
            gecco_cluster(165429, 175525, "Polyketide", 0.9897483316944498, 0.9994307258798959)]},
            reference=GECCO_RUN),
    ),
)


@hookimpl
def register_models(register):
    biology_spec.register_all(register)


@hookimpl
def register_renderers(register):
    register("sequence", "specialist_hub_biology.display:sequence_cell")


ANNOTATE_GENOME = Pipeline(
    "biology/annotate-genome",
    "Prokaryotic genome annotation: genes (Prodigal), the properties and antimicrobial probability "
    "of every predicted protein, and biosynthetic gene clusters (GECCO)",
    steps=(
        Step("genes", "biology/genes"),
        Step("properties", "biology/protein-properties", input="genes.genes[].protein"),
        Step("antimicrobial", "biology/antimicrobial", input="genes.genes[].protein",
             each=f"protein_length >= {AMP_LENGTHS[0]} and protein_length <= {AMP_LENGTHS[1]}"),
        Step("rna", "biology/rna-genes"),
        Step("bgc", "biology/bgc"),
    ),
    examples=(
        Example(GENOME, {"genes.gene_count": 19}, reference=PRODIGAL_REFERENCE.format("meta")),
        Example(GENOME, {"bgc.gene_count": 19, "bgc.cluster_count": 0},
                reference="gecco 0.11.0 `gecco run` on KK037166.1: 19 genes, no cluster (it writes no clusters.tsv)"),
    ),
    card=load_card(CARDS / "annotate-genome.md",
                   {"shortest_peptide": AMP_LENGTHS[0], "longest_peptide": AMP_LENGTHS[1]}),
)


@hookimpl
def register_pipelines(register):
    register(ANNOTATE_GENOME)


@hookimpl
def register_output_formats(register):
    register(OutputFormat("gff3", (".gff3", ".gff"), "specialist_hub_biology.gff3:Gff3Writer",
                          "GFF3 gene and CDS features of biology/genes and biology/annotate-genome, BGC "
                          "features of biology/bgc"))


@hookimpl
def register_featurizers(register):
    register(FeaturizerSpec(
        id="biology/composition", input_kind="sequence", factory="specialist_hub_biology.featurize:CompositionFeaturizer",
        summary="Protein composition (20), physicochemical descriptors (7) and reduced dipeptide frequencies (49)",
        license="Apache-2.0 (Specialist Hub; Eisenberg hydrophobicity scale)", default=True,
        description="The 76 features biology/antimicrobial learns from: amino-acid fractions; log length, net charge "
                    "(K+R-D-E), charge density, mean Eisenberg hydrophobicity and hydrophobic moments (Eisenberg et "
                    "al., Nature 299, 371 (1982)); and the frequencies of dipeptides over seven residue classes "
                    "(conjoint triad grouping, Shen et al., PNAS 104, 4337 (2007)). Residues other than the 20 "
                    "standard ones are left out. The applicability domain is the Jaccard similarity of dipeptide "
                    "sets to the nearest training sequence."))
    register(FeaturizerSpec(
        id="biology/esm2", input_kind="sequence", factory="specialist_hub_biology.featurize:Esm2Featurizer",
        summary="ESM-2 mean residue embedding (biology/esm2; featurizer option checkpoint=DIR or hub id)",
        license=ESM2.license, requires=ESM2.requires, install_hint=ESM2.install_hint,
        description="The mean of ESM-2's last hidden layer over residues (Lin et al., Science 379, 1123 (2023)), "
                    "from the checkpoint named by the checkpoint option (default facebook/esm2_t6_8M_UR50D, "
                    "loaded through from_pretrained without remote code)."))


@hookimpl
def register_splitters(register):
    register(SplitterSpec(
        id="biology/identity-clusters", input_kind="sequence",
        factory="specialist_hub_biology.featurize:identity_clusters", default=True, requires=("scipy",),
        summary="sequence-identity clusters: 3-mer Jaccard >= 0.3 (about 77 % identity), single linkage"))
