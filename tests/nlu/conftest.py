"""NLU fixtures: a small two-file Rasa data set trained once per session (fast), and its engine."""

from __future__ import annotations

from pathlib import Path

import pytest

from nlu.classifier import NluModel, train_model
from nlu.parse import NluEngine
from nlu.training_data import TrainingData, load_training_data

FIXTURE_DIR = Path(__file__).parent / "fixture_data"


@pytest.fixture(scope="session")
def fixture_data() -> TrainingData:
    return load_training_data(FIXTURE_DIR)


@pytest.fixture(scope="session")
def fixture_model(fixture_data: TrainingData) -> NluModel:
    return train_model(fixture_data)


@pytest.fixture(scope="session")
def fixture_engine(fixture_model: NluModel) -> NluEngine:
    return NluEngine(fixture_model)
