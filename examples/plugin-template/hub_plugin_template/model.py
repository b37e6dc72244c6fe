"""The model itself: pure Python, so it needs no extra dependency."""

import re

from specialist_hub import InputError, Model

WORD = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)?")
VOWEL_GROUP = re.compile(r"[aeiouy]+")


def syllables(word: str) -> int:
    word = word.lower()
    count = len(VOWEL_GROUP.findall(word))
    if word.endswith("e") and not word.endswith(("le", "ee")) and count > 1:
        count -= 1  # silent final e
    return max(count, 1)


class FleschReadingEase(Model):
    def preprocess(self, value):
        words = WORD.findall(value if isinstance(value, str) else "")
        if not words:
            raise InputError("no English words found in the text")
        sentences = max(len(re.findall(r"[.!?]+", value)), 1)
        return sentences, words

    def forward(self, batch):
        results = []
        for sentences, words in batch:
            count = sum(syllables(w) for w in words)
            ease = 206.835 - 1.015 * len(words) / sentences - 84.6 * count / len(words)
            results.append({"reading_ease": ease, "sentences": sentences, "words": len(words), "syllables": count})
        return results
