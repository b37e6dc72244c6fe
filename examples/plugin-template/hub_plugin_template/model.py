"""The model: pure Python, so it needs no extra dependency."""

import json
import re

from specialist_hub import InputError, Model
from specialist_hub.weights import weights_file

WORD = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)?")
VOWEL_GROUP = re.compile(r"[aeiouy]+")


def syllables(word: str) -> int:
    word = word.lower()
    count = len(VOWEL_GROUP.findall(word))
    if word.endswith("e") and not word.endswith(("le", "ee")) and count > 1:
        count -= 1  # silent final e
    return max(count, 1)


class FleschReadingEase(Model):
    def load(self):
        """Once per process: read the coefficients (the file's sha256 is checked first)."""
        self.coefficients = json.loads(weights_file(self.spec, "flesch-1948.json").read_text())

    def preprocess(self, value):
        """One text -> (sentences, words); a text without words fails only its own record."""
        words = WORD.findall(value if isinstance(value, str) else "")
        if not words:
            raise InputError("no English words found in the text")
        sentences = max(len(re.findall(r"[.!?]+", value)), 1)
        return sentences, words

    def forward(self, batch):
        """A whole batch at once; each dict already has the spec's fields, so the default
        ``postprocess`` (which returns it unchanged) is enough."""
        c = self.coefficients
        results = []
        for sentences, words in batch:
            count = sum(syllables(w) for w in words)
            ease = (c["intercept"] + c["words_per_sentence"] * len(words) / sentences
                    + c["syllables_per_word"] * count / len(words))
            results.append({"reading_ease": ease, "sentences": sentences, "words": len(words), "syllables": count})
        return results
