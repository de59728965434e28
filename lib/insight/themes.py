"""Which contributions say the same thing: a local method, no text leaves the server.

Each text becomes a TF-IDF vector of character n-grams (3 to 5 characters inside word boundaries, as
scikit-learn's `char_wb`), so Dutch compounds and inflections share most of their features
(wachtlijst / wachtlijsten / wachttijd). Dutch stop words are removed first. Texts are compared by
cosine similarity and grouped by average-linkage agglomerative clustering (scipy) cut at
`DISTANCE_THRESHOLD`: two groups merge while their texts are, on average, at least
1 − DISTANCE_THRESHOLD similar. The same criterion, with the stricter `MATCH_THRESHOLD`, decides
whether a new text matches a confirmed theme (`match_themes`).

Only texts of one perspective and one kind are compared (`by_perspective_and_kind` groups them);
the stored themes and their services are in lib/insight/recurring.py.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Hashable, Iterable, Sequence
from typing import TYPE_CHECKING, TypeVar

import numpy as np

if TYPE_CHECKING:
    from scipy import sparse

NGRAM_SIZES = (3, 4, 5)
# Average cosine distance up to which groups merge. Tuned on tests/lib/insight/test_themes.py's corpus:
# there, every theme is found whole or in two parts, and no text joins a group of another theme below
# 0.92; a person confirms each group, so a theme split in two is the safer error.
DISTANCE_THRESHOLD = 0.85
# A later text counts as the same theme when its average distance to the theme's members is at most
# this: stricter than grouping, because a match is shown without a person confirming it. On the corpus
# of the tests, true repeats are at ≤ 0.66 and a text sharing one word with a theme at ≥ 0.82.
MATCH_THRESHOLD = 0.7
MIN_WORD_LENGTH = 2

# Dutch function words (after the usual Snowball list) and words that every obstacle in this domain
# uses without saying what it is about.
_STOP_WORDS = """
aan aangezien achter af al alle alleen alles als altijd andere anders ben bent bij bijna binnen boven
daar daarna daarom dan dat de deze die dik dit doch doen door dus echter een eens elk elke elkaar en
er erg ge geen geweest gewoon had heb hebben heeft hem het hier hij hoe hoewel hun iedere iemand iets
ik in is ja je jij jou jouw kan kon kunnen laat maar me meer men met mij mijn moet moeten na naar
niet niets nog nu of om omdat onder ons onze ook op over reeds te tegen toch toen tot u uit uw van
veel voor vooral waar wanneer want waren was wat we wel welk welke werd weer wie wij wil worden
wordt zal ze zei zelf zich zij zijn zo zoals zonder zou zouden zullen via per ieder iedereen
twee drie vier vijf zes zeven acht negen tien eerst eerste soms vaak nooit heel echt best
gaat gaan gaan komt komen krijgen krijgt weten weet staat staan blijft blijven gebeurt
hierdoor daardoor waardoor hun hen haar zijn ze dan toe mee daarmee waarmee ermee
"""
STOP_WORDS = frozenset(_STOP_WORDS.split())
_WORD = re.compile(r"[^\W\d_]+")  # runs of letters (accented letters included), no digits or emoji

K = TypeVar("K", bound=Hashable)


def fold(word: str) -> str:
    """Without accents: privé and prive, coördinatie and coordinatie compare equal."""
    return "".join(ch for ch in unicodedata.normalize("NFKD", word) if not unicodedata.combining(ch))


def words(text: str) -> list[str]:
    """The meaningful words of `text`: lower case, stop words and one-letter words left out."""
    return [w for w in _WORD.findall(text.lower()) if len(w) >= MIN_WORD_LENGTH and fold(w) not in STOP_WORDS]


def _ngrams(word: str) -> list[str]:
    """char_wb n-grams of one word: padded with a space on both sides; a short word counts once."""
    padded = f" {word} "
    found = []
    for size in NGRAM_SIZES:
        if len(padded) <= size:
            found.append(padded)
            break
        found.extend(padded[i : i + size] for i in range(len(padded) - size + 1))
    return found


def vectors(texts: Sequence[str]) -> sparse.csr_matrix:
    """Rows of L2-normalised TF-IDF weights (smooth idf, as scikit-learn's default); a text without a
    meaningful word gets a row of zeros."""
    # scipy is imported where it is used: it costs a process ~100 MB and 0.6 s of start-up, which the
    # phones' and the projector's pages should not pay before anyone groups contributions.
    from scipy import sparse

    vocabulary: dict[str, int] = {}
    per_word: dict[str, list[int]] = {}  # the same words recur: their n-gram ids once
    indptr: list[int] = [0]
    indices: list[int] = []
    values: list[int] = []
    for text in texts:
        counts: Counter[int] = Counter()
        for word in words(text):
            ids = per_word.get(word)
            if ids is None:
                ids = [vocabulary.setdefault(gram, len(vocabulary)) for gram in _ngrams(fold(word))]
                per_word[word] = ids
            counts.update(ids)
        indices.extend(counts)
        values.extend(counts.values())
        indptr.append(len(indices))
    shape = (len(texts), max(len(vocabulary), 1))
    matrix = sparse.csr_matrix(
        (np.asarray(values, dtype=np.float64), np.asarray(indices, dtype=np.int64), np.asarray(indptr)), shape=shape
    )
    document_frequency = np.bincount(matrix.indices, minlength=shape[1])
    idf = np.log((1 + shape[0]) / (1 + document_frequency)) + 1.0
    matrix = matrix @ sparse.diags(idf)
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sparse.csr_matrix(sparse.diags(1.0 / norms) @ matrix)


def similarities(texts: Sequence[str]) -> np.ndarray:
    """The cosine similarity of every pair of texts (a dense square float32 matrix: BLAS does it)."""
    matrix = vectors(texts).astype(np.float32).toarray()
    return matrix @ matrix.T


def _groups_of(similarity: np.ndarray, threshold: float) -> list[list[int]]:
    """Average-linkage clusters (positions into `similarity`) of at least two, cut at `threshold`.

    Two clusters whose every pair is further apart than `threshold` can never merge (their average
    distance is too), so the linkage runs per connected component of the 'close enough' graph, and a
    text close to nothing is left out at once: the same clusters, far less work on real rounds."""
    from scipy import sparse
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.sparse.csgraph import connected_components
    from scipy.spatial.distance import squareform

    close = similarity >= np.float32(1.0 - threshold)
    np.fill_diagonal(close, False)
    _count, component = connected_components(sparse.csr_matrix(close), directed=False)
    members: dict[int, list[int]] = {}
    for position, label in enumerate(component.tolist()):
        members.setdefault(label, []).append(position)
    found: list[list[int]] = []
    for positions in members.values():
        if len(positions) < 2:
            continue
        if len(positions) == 2:
            found.append(positions)
            continue
        index = np.asarray(positions)
        distance = 1.0 - similarity[np.ix_(index, index)]
        np.clip(distance, 0.0, 2.0, out=distance)
        np.fill_diagonal(distance, 0.0)
        tree = linkage(squareform(distance, checks=False).astype(np.float64), method="average")
        labels = fcluster(tree, t=threshold, criterion="distance")
        clusters: dict[int, list[int]] = {}
        for position, label in zip(positions, labels.tolist(), strict=True):
            clusters.setdefault(label, []).append(position)
        found.extend(group for group in clusters.values() if len(group) >= 2)
    return found


def suggest_themes(texts: list[str], *, threshold: float = DISTANCE_THRESHOLD) -> list[list[int]]:
    """Groups of indices into `texts` that say the same thing: each group has at least two texts,
    texts like no other are left out, and texts without a meaningful word (only stop words, emoji or
    digits) never join a group. Deterministic: indices sorted within a group, groups by first index."""
    usable = [i for i, text in enumerate(texts) if words(text)]
    if len(usable) < 2:
        return []
    groups = _groups_of(similarities([texts[i] for i in usable]), threshold)
    return sorted(sorted(usable[position] for position in group) for group in groups)


def match_themes(
    texts: Sequence[str], themes: Sequence[Sequence[str]], *, threshold: float = MATCH_THRESHOLD
) -> list[int | None]:
    """For each text, the index of the theme (given by its member texts) it matches best, or None.

    A text matches a theme when its average similarity to the theme's members is at least
    1 − `threshold`: the test average linkage applies before it merges a text into a group, with the
    stricter MATCH_THRESHOLD.
    """
    members = [text for theme in themes for text in theme]
    if not texts or not members:
        return [None] * len(texts)
    matrix = vectors([*texts, *members])
    similarity = np.asarray((matrix[: len(texts)] @ matrix[len(texts) :].T).toarray())
    found: list[int | None] = []
    start = 0
    averages = np.full((len(texts), len(themes)), -1.0)
    for index, theme in enumerate(themes):
        if theme:
            averages[:, index] = similarity[:, start : start + len(theme)].mean(axis=1)
        start += len(theme)
    for row, text in enumerate(texts):
        best = int(np.argmax(averages[row])) if themes else 0
        meaningful = bool(words(text))
        found.append(best if meaningful and averages[row, best] >= 1.0 - threshold else None)
    return found


def by_perspective_and_kind(items: Iterable[tuple[K, str, str, str]]) -> list[tuple[str, str, list[list[K]]]]:
    """Suggestions for a session's contributions: `items` are (key, perspective, kind, text); the
    groups (of keys) are made within each perspective and kind only. Sorted by perspective, kind."""
    buckets: dict[tuple[str, str], list[tuple[K, str]]] = {}
    for key, perspective, kind, text in items:
        buckets.setdefault((perspective, kind), []).append((key, text))
    found = []
    for (perspective, kind), rows in sorted(buckets.items()):
        groups = suggest_themes([text for _key, text in rows])
        if groups:
            found.append((perspective, kind, [[rows[i][0] for i in group] for group in groups]))
    return found


def name_hint(texts: Iterable[str]) -> str:
    """A first name for a group: the meaningful word most of its texts share (ties: the longest, then
    alphabetical), capitalised; '' when there is none."""
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(set(words(text)))
    if not counts:
        return ""
    word = min(counts, key=lambda w: (-counts[w], -len(w), w))
    return word.capitalize()
