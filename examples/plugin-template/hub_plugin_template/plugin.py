"""Entry-point module: registers specs only, so ``hub list`` stays fast."""

from specialist_hub import Example, ModelSpec, OutputField, hookimpl

FLESCH = ModelSpec(
    id="text/flesch-reading-ease",
    task="readability",
    summary="Flesch reading ease of English text (higher is easier, 0-100 for most prose)",
    input_kind="text",
    factory="hub_plugin_template.model:FleschReadingEase",
    license="MIT",
    citation="Flesch, R. A new readability yardstick. J. Appl. Psychol. 32, 221-233 (1948).",
    outputs=(
        OutputField("reading_ease", "float", "206.835 - 1.015 words/sentence - 84.6 syllables/word"),
        OutputField("sentences", "int", "Sentences counted"),
        OutputField("words", "int", "Words counted"),
        OutputField("syllables", "int", "Syllables counted (vowel-group heuristic)"),
    ),
    examples=(
        Example("The cat sat on the mat.", {"reading_ease": 116.145, "words": 6, "syllables": 6},
                tolerance=1e-3, reference="Flesch formula by hand: 206.835 - 1.015*6 - 84.6*1"),
    ),
    card={
        "intended_use": "Rough readability of English prose (school texts, instructions, abstracts).",
        "training_data": "None: Flesch's formula, fitted by Flesch (1948) to McCall-Crabbs reading tests.",
        "metrics": "Reproduces hand calculations of the formula; syllable counts may differ from a dictionary.",
        "limitations": "Syllables are estimated from vowel groups, as most implementations do.",
    },
)


@hookimpl
def register_models(register):
    register(FLESCH)
