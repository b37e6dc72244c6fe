"""Registers the biology models. Imports nothing heavy: Biopython, pyrodigal, numpy and torch load on use."""

from __future__ import annotations

from pathlib import Path

from specialist_hub import Example, Option, OutputField, SpecFamily, Weights, hookimpl
from specialist_hub.hf import checkpoint_option

from .sequences import NUCLEOTIDE, PROTEIN, PROTEIN_EXTENDED

EXAMPLES = Path(__file__).parent / "examples"
BIOPYTHON = "Cock et al., Bioinformatics 25, 1422 (2009) [Biopython]."

UBIQUITIN = "MQIFVKTLTGKTITLEVEPSDTIENVKAKIQDKEGIPPDQQRLIFAGKQLEDGRTLSDYNIQKESTLHLVLRLRGG"
LYSOZYME = ("KVFGRCELAAAMKRHGLDNYRGYSLGNWVCAAKFESNFNTQATNRNTDGSTDYGILQINSRWWCNDGRTPGSRNLCNIPCSALLSSDITASVN"
            "CAKKIVSDGNGMNAWVAWRNRCKGTDVQAWIRGCRL")
INSULIN_A = "GIVEQCCTSICSLYQLENYCN"
EXPASY = "ExPASy ProtParam (web.expasy.org/protparam) output for UniProt"


def coordinates(compact: str) -> list[dict]:
    """Prodigal gene coordinates written as ``begin<strand>end`` items, e.g. ``2-169 15526+16320``."""
    genes = []
    for item in compact.split():
        strand = "+" if "+" in item else "-"
        begin, end = item.split(strand)
        genes.append({"start": int(begin), "end": int(end), "strand": strand})
    return genes


def alphabet_note(alphabet: str, extra: str = "") -> str:
    return (f"One-letter codes {alphabet} (case-insensitive; whitespace ignored{extra}). Any other character "
            f"fails that record with its 1-based position; an empty record fails too.")


def _alphabet_in_intended_use(card: dict[str, str]) -> dict[str, str]:
    """Each card states the alphabet its model accepts after its intended use."""
    alphabet = card.pop("input")
    return {**card, "intended_use": f"{card['intended_use']}\n\n**Input:** {alphabet}"}


#: Every biology model: sequence input, the bio extra, and the accepted alphabet in the card.
biology_spec = SpecFamily("biology", input_kind="sequence", install_hint='pip install "specialist-hub[bio]"',
                          card=_alphabet_in_intended_use)


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
        OutputField("molecular_weight", "float", "Average molecular weight (ExPASy residue masses)", "Da"),
        OutputField("isoelectric_point", "float", "Theoretical pI (Bjellqvist pK values, as ExPASy)", "pH"),
        OutputField("net_charge_ph7", "float", "Net charge at pH 7.0 with the same pK values", "e"),
        OutputField("gravy", "float", "Grand average of hydropathicity (Kyte-Doolittle)"),
        OutputField("instability_index", "float", "Instability index (Guruprasad et al. 1990)"),
        OutputField("stable", "bool", "Instability index below 40 (ExPASy: 'classified as stable')"),
        OutputField("aliphatic_index", "float", "Aliphatic index (Ikai 1980)"),
        OutputField("aromaticity", "float", "Fraction of F + W + Y (Lobry & Gautier 1994)", "fraction"),
        OutputField("extinction_coefficient_reduced", "int", "Molar extinction at 280 nm in water, all Cys reduced",
                    "M^-1 cm^-1"),
        OutputField("extinction_coefficient_cystines", "int",
                    "Molar extinction at 280 nm in water, all Cys pairs forming cystines", "M^-1 cm^-1"),
        OutputField("helix_fraction", "float", "Fraction of E, M, A, L, K (helix-prone; Biopython >= 1.82)", "fraction"),
        OutputField("turn_fraction", "float", "Fraction of N, P, G, S, D (turn-prone)", "fraction"),
        OutputField("sheet_fraction", "float", "Fraction of V, I, Y, F, W, L, T (sheet-prone)", "fraction"),
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
    card={
        "input": alphabet_note(PROTEIN, "; one trailing * stop is dropped; a record of only A/C/G/T/U/N of length >= 10 "
                               "is refused as DNA/RNA"),
        "intended_use": "Sequence-only physicochemical profiling of proteins and peptides, the quantities of "
                        "ExPASy ProtParam, e.g. for expression and purification planning.",
        "training_data": "None: ExPASy's published residue masses, pK values and index tables; nothing is fitted.",
        "metrics": "Matches ExPASy ProtParam to its printed rounding (MW 0.01 Da, pI 0.01, II/AI 0.01, GRAVY "
                   "0.001, extinction exact) for human ubiquitin, hen and human lysozyme, insulin A and B "
                   "chains, haemoglobin alpha and calmodulin, and MW/pI of N-terminally trimmed ubiquitins "
                   "(see the plugin tests).",
        "limitations": "No post-translational modifications, disulphide-specific masses or multimers; pI ignores "
                       "the protein's fold. Helix/turn/sheet are composition fractions, not structure "
                       "predictions. The 20 standard amino acids only.",
    },
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
                    "null with N, for a single base, or beyond 1000 bases", "°C", nullable=True),
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
    card={
        "input": alphabet_note(NUCLEOTIDE, "; T and U may not be mixed; a U makes the record RNA"),
        "intended_use": "Primer and oligo checks (Tm, GC, MW), quick sequence utilities.",
        "training_data": "None: SantaLucia & Hicks 2004 nearest-neighbour parameters (Xia 1998 for RNA) as "
                         "tabulated in Biopython.",
        "metrics": "Tm matches an independent evaluation of SantaLucia & Hicks (2004) Table 1 within 0.01 °C "
                   "on four primers, including changed salt and strand concentrations; MW within 0.1 Da of "
                   "OligoCalc's formula.",
        "limitations": "Tm assumes a perfectly matched two-state duplex in the given salt; mismatches, dangling "
                       "ends and secondary structure are not modelled. Ambiguity codes other than N are refused.",
    },
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
        OutputField("gene_count", "int", "Number of predicted genes"),
        OutputField("gc_content", "float", "GC fraction of the record (N not counted)", "fraction"),
        OutputField("translation_table", "int", "Genetic code used"),
        OutputField("model", "str", "The metagenomic profile chosen, or 'single'"),
        OutputField("genes", "list",
                    "One dict per gene: start, end (1-based, inclusive, start < end), strand (+/-), partial_begin/"
                    "partial_end (gene runs off the sequence at that coordinate), start_codon, rbs_motif, score, "
                    "confidence (%), protein (translation without the stop)"),
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
    card={
        "input": alphabet_note(NUCLEOTIDE, "; DNA only, U is refused"),
        "intended_use": "Finding protein-coding genes in bacterial and archaeal genomes, contigs and metagenomes.",
        "training_data": "Metagenomic mode uses Prodigal's 50 built-in profiles trained on RefSeq genomes; single "
                         "mode trains on the record itself.",
        "metrics": "Reproduces Prodigal v2.6.3's reference output shipped in pyrodigal's tests exactly: 19/19 "
                   "genes on KK037166 in metagenomic mode and 22/22 in single-genome mode (coordinates, strand, "
                   "partial flags, start codon, protein), and all 70 genes of SRR492066.",
        "limitations": "Licence: Prodigal and pyrodigal are GPL-3.0, so this model runs GPL-3.0 code in your "
                       "process. Prokaryotes only (no introns); no RNA genes. Single mode trains per record: give "
                       "a complete genome as one record (draft genomes: concatenate contigs or use meta mode).",
    },
)

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
    weights=(Weights("amp_mlp.npz", "4d2f23b3c9f3c50732fa32dd1e7f12abeb005281a6bb02312dd3ee7f854ca169", 31218,
                     "this repository: plugins/biology/scripts/train_antimicrobial.py",
                     package="specialist_hub_biology", path="data/amp_mlp.npz"),),
    outputs=(
        OutputField("probability", "float", "Predicted probability that the peptide is antimicrobial", "0-1"),
        OutputField("label", "str", "AMP or non-AMP at the threshold option"),
    ),
    examples=(
        Example("GIGKFLHSAKKFGKAFVGEIMNS", {"label": "AMP"},
                reference="Magainin 2 (Zasloff, PNAS 84, 5449 (1987)), APD3 AP00144: antimicrobial"),
        Example("LLGDFFRKSKEKIGKEFKRIVQRIKDFLRNLVPRTES", {"label": "AMP"},
                reference="LL-37, human cathelicidin (APD3 AP00310): antimicrobial"),
        Example("HSQGTFTSDYSKYLDSRRAQDFVQWLMNT", {"label": "non-AMP"},
                reference="Glucagon (UniProt P01275 53-81), a hormone without antimicrobial activity"),
    ),
    card={
        "input": alphabet_note(PROTEIN, "; one trailing * is dropped"),
        "intended_use": "Ranking candidate peptides (roughly 7-170 residues) for antimicrobial activity before "
                        "testing; a screening aid, not evidence of activity.",
        "training_data": "modlAMP's AMPvsUniProt set: 2600 APD3 antimicrobial peptides vs 2600 random UniProt "
                         "peptides of 10-50 residues. A stratified 20 % (1040) is held out; the rest (4160) "
                         "trains a 32-unit ReLU MLP (L2 1.0) on 76 features: amino-acid composition, log length, "
                         "charge, Eisenberg hydrophobicity and hydrophobic moments, and dipeptide counts over 7 "
                         "residue classes.",
        "metrics": (f"5-fold cross-validation on the training part: accuracy {AMP_CV['accuracy']:.3f}, AUROC "
                    f"{AMP_CV['auroc']:.3f}. Held-out 20 %: accuracy {AMP_HELDOUT['accuracy']:.3f}, AUROC "
                    f"{AMP_HELDOUT['auroc']:.3f} (a test recomputes these from the shipped weights)."),
        "limitations": "Negatives are random UniProt peptides, not verified inactive peptides, so real-world "
                       "precision is lower; no notion of target organism, potency or toxicity.",
    },
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
    card={
        "input": alphabet_note(PROTEIN_EXTENDED),
        "intended_use": "Protein features for downstream models, and a zero-shot plausibility score "
                        "(pseudo-perplexity) for sequences and variants.",
        "training_data": "UniRef50 (2021_04) for the public ESM-2 checkpoints.",
        "metrics": "Not re-measured here (the checkpoints cannot be downloaded offline); Lin et al. (2023) "
                   "report validation perplexity and contact-prediction accuracy by model size. The code path "
                   "is tested on a tiny random-weight ESM model against transformers directly.",
        "limitations": "At most 1022 residues per sequence. Pseudo-perplexity costs one forward pass per "
                       "residue. Needs the checkpoint in the Hugging Face cache or a local directory.",
    },
)


@hookimpl
def register_models(register):
    biology_spec.register_all(register)
