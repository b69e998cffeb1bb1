"""How familiar a message is to the model's risk examples: a gate on the classifier's risk signals.

The classifier always answers with one of its intents, also for text unlike anything it was trained
on: adult hate speech, football insults, news about a suicide. Some of that lands on a risk intent
with a confidence the training data never showed on benign text, and raised false alarms on the
public sets (MLMA 5.2%, MPOLD 3.7%, suicide-news tweets 10%). Children who disclose write, by
contrast, much like *some* risk example: their nearest risk example is about as close as the risk
examples are to each other.

So the model may add a risk signal only when the message's nearest risk training example (cosine
similarity of char_wb 2–4-gram TF-IDF on the Arabic-script view) is at least as close as for
99% of the risk examples themselves (leave-one-out, `FAMILIAR_QUANTILE`). Measured in session 3
(7,000 examples): on the dev sets v1–v7 the gate cost 1 row of self-harm and 1 of sextortion out of
1,400 risk rows, and took public false alarms to MLMA 3.3%, MPOLD 2.0%, NArabizi 0.7%, tweets 6.3%.
The lexicon is never gated: it is the safety net (SPEC §3).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

FAMILIAR_QUANTILE = 0.01
_CHUNK = 512  # rows per block of the leave-one-out similarity product (bounds memory)


class Familiarity:
    """Fitted on the Arabic-script views of the risk examples; `familiar(view)` for a new message."""

    def __init__(self) -> None:
        self._vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True)
        self._examples: sparse.csr_matrix | None = None
        self.threshold = 0.0

    def fit(self, all_views: Sequence[str], risk_views: Sequence[str]) -> Familiarity:
        """Vocabulary from every example, neighbours from the risk examples only."""
        self._vectorizer.fit(all_views)
        if len(risk_views) < 2:  # nothing to compare with: the gate stays open
            self.threshold = 0.0
            return self
        examples = self._vectorizer.transform(risk_views).tocsr()
        self._examples = examples.T.tocsr()  # features × examples: one product per message, no transpose
        nearest = np.zeros(examples.shape[0])
        for start in range(0, examples.shape[0], _CHUNK):
            block = (examples[start : start + _CHUNK] @ self._examples).toarray()
            for offset in range(block.shape[0]):
                block[offset, start + offset] = 0.0  # leave the example itself out
            nearest[start : start + block.shape[0]] = block.max(axis=1)
        self.threshold = float(np.quantile(nearest, FAMILIAR_QUANTILE))
        return self

    def similarity(self, view: str) -> float:
        """Cosine similarity of `view` to its nearest risk example (0 when nothing was fitted)."""
        if self._examples is None or self._examples.shape[1] == 0:
            return 0.0
        vector = self._vectorizer.transform([view])
        return float((vector @ self._examples).max()) if vector.nnz else 0.0

    def familiar(self, view: str) -> bool:
        return self._examples is None or self.similarity(view) >= self.threshold
