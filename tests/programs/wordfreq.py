"""Word frequencies of a text: a dict keyed by strings, then the most common words
and the vocabulary as a set."""
from _backend import numba

TEXT = """It was the best of times, it was the worst of times, it was the age of
wisdom, it was the age of foolishness, it was the epoch of belief, it was the epoch
of incredulity, it was the season of Light, it was the season of Darkness, it was
the spring of hope, it was the winter of despair."""


@numba.njit
def count(words):
    counts = {}
    for w in words:
        counts[w] = counts.get(w, 0) + 1
    return counts


@numba.njit
def normalise(text):
    words = []
    for raw in text.split():
        w = raw.strip(",.").lower()
        if len(w) > 0:
            words.append(w)
    return words


@numba.njit
def top(counts, k):
    items = [(v, w) for w, v in counts.items()]
    items.sort(reverse=True)
    return items[:k]


@numba.njit
def vocabulary_size(words):
    return len(set(words))


def main():
    words = normalise(TEXT * 20)
    counts = count(words)
    return {"counts": sorted(dict(counts).items()), "top": top(counts, 5),
            "vocabulary": vocabulary_size(words), "n": len(words)}
