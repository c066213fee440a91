"""Find the UN text of a reported paraphrase among the rows of an import.

The 2024 recommendations to China on North Korean refugees are held as press paraphrases until the
UN's text is imported. A paraphrase is replaced by an imported row of the same review whose
recommending states include the paraphrase's, that matched no record of ours by its text, and whose
text is the closest to the paraphrase's (by the words they share) and close enough. A paraphrase on the
project's theme (North Korean refugees / non-refoulement) is only replaced by a text on that subject.
Each row and each paraphrase is used once, best pairs first.
"""

import re
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

from apps.recommendations.models import Recommendation

# The least share of words (Dice coefficient of their word sets) for a row to replace a paraphrase.
MIN_SIMILARITY = 0.25
_WORD = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_DPRK = re.compile(r"democratic people'?s republic of korea|north korea(?:n|ns)?", re.IGNORECASE)
# Words without meaning of their own, and the words every recommendation uses.
_STOP_WORDS = (
    "a an and are as at be by for from in including its of on or such that the their these this those to "
    "with which who all any other ensure take measures continue efforts consider"
)
_STOP = frozenset(_STOP_WORDS.split())
# A text is on the project's theme when it names one of these.
_THEME_WORDS = {"dprk", "refugee", "refoulement", "non-refoulement", "escapee", "asylum", "repatriat", "defector"}


@dataclass(frozen=True)
class Candidate:
    key: Hashable
    review_id: int
    state_ids: frozenset[int]
    text: str


@dataclass(frozen=True)
class Paraphrase:
    recommendation: Recommendation
    state_ids: frozenset[int]
    on_project_theme: bool


@dataclass(frozen=True)
class Replacement:
    recommendation: Recommendation
    similarity: float


def _words(text: str) -> set[str]:
    words = set()
    for word in _WORD.findall(_DPRK.sub(" dprk ", text.replace("\u2019", "'")).casefold()):
        if word in _STOP or len(word) < 3:
            continue
        words.add(word[:-1] if word.endswith("s") and len(word) > 4 else word)
    return words


def similarity(first: str, second: str) -> float:
    """The Dice coefficient of the two texts' sets of meaningful words (0 to 1)."""
    a, b = _words(first), _words(second)
    return 2 * len(a & b) / (len(a) + len(b)) if a and b else 0.0


def on_project_theme(text: str) -> bool:
    return any(word.startswith(stem) for word in _words(text) for stem in _THEME_WORDS)


def paraphrase_replacements(
    *, candidates: Sequence[Candidate], paraphrases: Sequence[Paraphrase]
) -> tuple[dict[Hashable, Replacement], list[tuple[Recommendation, float]]]:
    """The paraphrase each candidate replaces, and the paraphrases left with the best score they had.

    Only paraphrases that had at least one candidate of their review and states are listed as left.
    """
    pairs: list[tuple[float, int, int]] = []
    considered: dict[int, float] = {}
    for p_index, paraphrase in enumerate(paraphrases):
        rec = paraphrase.recommendation
        for c_index, candidate in enumerate(candidates):
            if candidate.review_id != rec.review_id or not paraphrase.state_ids <= candidate.state_ids:
                continue
            score = similarity(rec.text, candidate.text)
            considered[p_index] = max(considered.get(p_index, 0.0), score)
            if score < MIN_SIMILARITY or (paraphrase.on_project_theme and not on_project_theme(candidate.text)):
                continue
            pairs.append((score, p_index, c_index))
    replacements: dict[Hashable, Replacement] = {}
    used: set[int] = set()
    for score, p_index, c_index in sorted(pairs, key=lambda pair: (-pair[0], pair[1], pair[2])):
        key = candidates[c_index].key
        if p_index in used or key in replacements:
            continue
        used.add(p_index)
        replacements[key] = Replacement(paraphrases[p_index].recommendation, score)
    left = [(paraphrases[i].recommendation, score) for i, score in considered.items() if i not in used]
    return replacements, left
