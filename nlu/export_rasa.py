"""Write the training data as a Rasa 3.x project: nlu.yml, domain.yml and config.yml.

For operators who run a Rasa server (`SANAD_NLU_BACKEND=rasa`): `rasa train nlu` in the exported
folder trains a model with the same intents. The pipeline is Rasa's standard one for a language
without a dedicated tokenizer: whitespace tokens, word and char_wb count vectors, DIET, and the
FallbackClassifier at our own data-chosen threshold (so both backends fall back alike).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import yaml

from nlu.training_data import TrainingData
from nlu.types import TRAINABLE_INTENTS, RiskSignal

RASA_VERSION = "3.1"
DEFAULT_FALLBACK_THRESHOLD = 0.3


def _block(kind: str, name: str, lines: Iterable[str], *, risk: RiskSignal | None = None) -> str:
    items = "".join(f"    - {line}\n" for line in lines)
    metadata = f"  metadata:\n    risk: {risk.value}\n" if risk is not None else ""
    return f"- {kind}: {name}\n{metadata}  examples: |\n{items}"


def nlu_yaml(data: TrainingData) -> str:
    """Rasa NLU YAML with every example, synonym, regex and lookup (intents in SPEC order); examples
    with a risk of their own (`metadata: {risk: ...}`) keep it in a block of their own."""
    risks: list[RiskSignal | None] = [None, *RiskSignal]
    parts = [f'version: "{RASA_VERSION}"\nnlu:\n']
    for intent in TRAINABLE_INTENTS:
        for risk in risks:
            texts = [e.text for e in data.examples if e.intent is intent and e.risk is risk]
            if texts:
                parts.append(_block("intent", intent.value, texts, risk=risk))
    canonical = sorted(set(data.synonyms.values()))
    parts += [_block("synonym", c, sorted(v for v, t in data.synonyms.items() if t == c)) for c in canonical]
    parts += [_block(f.kind, f.name, f.patterns) for f in data.features]
    return "".join(parts)


def domain_yaml(data: TrainingData) -> str:
    present = {e.intent for e in data.examples}
    domain = {
        "version": RASA_VERSION,
        "intents": [i.value for i in TRAINABLE_INTENTS if i in present],
        "session_config": {"session_expiration_time": 60, "carry_over_slots_to_new_session": True},
    }
    return str(yaml.safe_dump(domain, allow_unicode=True, sort_keys=False))


def config_yaml(fallback_threshold: float) -> str:
    config = {
        "recipe": "default.v1",
        "assistant_id": "sanad_nlu",
        "language": "ar",
        "pipeline": [
            {"name": "WhitespaceTokenizer"},
            {"name": "RegexFeaturizer"},
            {"name": "LexicalSyntacticFeaturizer"},
            {"name": "CountVectorsFeaturizer"},
            {"name": "CountVectorsFeaturizer", "analyzer": "char_wb", "min_ngram": 2, "max_ngram": 5},
            {"name": "DIETClassifier", "epochs": 100, "constrain_similarities": True, "random_seed": 42},
            {"name": "EntitySynonymMapper"},
            {
                "name": "FallbackClassifier",
                "threshold": round(fallback_threshold, 3),
                "ambiguity_threshold": 0.1,
            },
        ],
        "policies": [{"name": "RulePolicy"}],
    }
    return str(yaml.safe_dump(config, allow_unicode=True, sort_keys=False))


def export_rasa(
    data: TrainingData, target: Path, *, fallback_threshold: float = DEFAULT_FALLBACK_THRESHOLD
) -> list[Path]:
    """Write the three files into `target` (created if needed); returns their paths."""
    target.mkdir(parents=True, exist_ok=True)
    files = {
        target / "nlu.yml": nlu_yaml(data),
        target / "domain.yml": domain_yaml(data),
        target / "config.yml": config_yaml(fallback_threshold),
    }
    for path, content in files.items():
        path.write_text(content, encoding="utf-8")
    return list(files)
