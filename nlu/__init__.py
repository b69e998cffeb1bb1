"""Sanad's understanding of a child's message: text in, `ParseResult` out (SPEC §2, §3, §5).

Design notes (decisions other packages rely on):

* **One path for every message.** `normalize` → `detect_language` → `to_arabic` (the Arabizi
  view) → intent classifier → risk. `NluEngine.parse` is synchronous, pure and ~1 ms; the async
  `NluBackend`s (`EmbeddedNlu`, `RasaNlu`) wrap it.
* **Normalisation is idempotent and never raises**, for any Unicode string (hypothesis checks it).
  Digits stay inside words because in Arabizi they are letters ("3am", "7abibi"); emoji become
  their own tokens because 😭 and 💔 carry meaning.
* **Two views.** Arabizi is transliterated to Arabic script and both views feed the classifier
  and the lexicon, so an Arabizi example teaches the Arabic one and the reverse.
* **The model may raise risk, never lower what the lexicon found.** Risk = lexicon signals ∪ the
  signal of the top intent when it is a risk intent above the confidence learned for its level
  (out-of-fold precision ≥ 0.9, never below the fallback threshold; lower targets flooded
  out-of-domain text with false alarms, see `classifier.SIGNAL_PRECISION`). The lexicon runs on every
  message and under every backend, including Rasa; a model cannot remove its signals.
* **The model belongs to its data.** The artifact stores the format version, scikit-learn version
  and the sha256 of the training data; `load_engine` refuses a mismatching file and retrains.
  Training is deterministic (fixed seeds, data sorted before fitting).
* **Thresholds come from data.** `nlu_fallback` below the confidence that keeps 97% of correct
  out-of-fold predictions; reported metrics come from a fixed-seed stratified 20% split that
  training for the report never sees.
* **Never log what a child wrote.** Logs carry intents, levels, counts and error types only.
* **Errors.** `nlu.errors` draws the tree; the CLI prints them on stderr and exits 2.
"""
