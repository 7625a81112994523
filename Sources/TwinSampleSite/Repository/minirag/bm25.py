"""Okapi BM25 over a fixed list of texts."""

import math
import re
from collections import Counter

TOKEN = re.compile(r"[a-z0-9]+")


def tokenize(text: str) -> list[str]:
    return TOKEN.findall(text.lower())


class BM25:
    def __init__(self, texts: list[str], k1: float = 1.5, b: float = 0.75):
        self.k1, self.b = k1, b
        self.docs = [Counter(tokenize(t)) for t in texts]
        self.lengths = [sum(d.values()) for d in self.docs]
        self.average = sum(self.lengths) / max(len(self.docs), 1)
        frequency = Counter(term for d in self.docs for term in d)
        n = len(self.docs)
        # The "plus one" form keeps idf positive for terms in most documents.
        self.idf = {t: math.log(1 + (n - f + 0.5) / (f + 0.5)) for t, f in frequency.items()}

    def score(self, query: str, i: int) -> float:
        doc, length = self.docs[i], self.lengths[i]
        total = 0.0
        for term in tokenize(query):
            tf = doc.get(term, 0)
            if tf:
                norm = tf + self.k1 * (1 - self.b + self.b * length / self.average)
                total += self.idf[term] * tf * (self.k1 + 1) / norm
        return total

    def top(self, query: str, k: int = 5) -> list[tuple[int, float]]:
        scores = [(i, self.score(query, i)) for i in range(len(self.docs))]
        return sorted(scores, key=lambda pair: -pair[1])[:k]
