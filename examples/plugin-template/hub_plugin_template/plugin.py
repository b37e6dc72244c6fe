"""Entry-point module: registers specs only, so ``hub list`` stays fast (the tests check it)."""

from pathlib import Path

from specialist_hub import Example, OutputField, SpecFamily, Weights, hookimpl

#: What every model of this plugin shares: the id's domain, the input kind, and the command that
#: installs what a model ``requires`` (its models are then ``domain/NAME``), and the folder of the
#: models' cards (``cards/NAME.md``: its `## ` headings are the card's sections).
family = SpecFamily("text", input_kind="text", install_hint="pip install hub-plugin-template",
                     cards=Path(__file__).parent / "cards")

FLESCH = family(
    "flesch-reading-ease",
    task="readability",
    summary="Flesch reading ease of English text (higher is easier, 0-100 for most prose)",
    factory="hub_plugin_template.model:FleschReadingEase",
    license="MIT (code); the coefficients are Flesch's published formula",
    citation="Flesch, R. A new readability yardstick. J. Appl. Psychol. 32, 221-233 (1948).",
    outputs=(
        OutputField("reading_ease", "float", "206.835 - 1.015 words/sentence - 84.6 syllables/word"),
        OutputField("sentences", "int", "Sentences counted"),
        OutputField("words", "int", "Words counted"),
        OutputField("syllables", "int", "Syllables counted (vowel-group heuristic)"),
    ),
    # Package data (see pyproject.toml), verified against this sha256 before the model loads.
    # After changing the file, `hub weights hub_plugin_template/weights/flesch-1948.json` prints this line.
    weights=(
        Weights(file="flesch-1948.json", size=182,
                sha256="429dc9e3b07fbd03947018ca8f40c2293bb136663f8bc66e2d08dbbd9144f4e4",
                source="Flesch (1948), the published coefficients", package="hub_plugin_template",
                path="weights/flesch-1948.json"),
    ),
    examples=(
        Example("The cat sat on the mat.", {"reading_ease": 116.145, "words": 6, "syllables": 6},
                tolerance=1e-3, reference="Flesch formula by hand: 206.835 - 1.015*6 - 84.6*1"),
    ),
)


@hookimpl
def register_models(register):
    family.register_all(register)
