"""Errors the NLU raises; each edge (CLI, app start-up) translates them in one place.

NluError
├── TrainingDataError    the Rasa YAML cannot be loaded (file, line and what is wrong)
├── ModelMismatchError   a saved model does not belong to this code or this training data
└── EvalFileError        an evaluation CSV has the wrong header or an unknown label
"""

from __future__ import annotations

from pathlib import Path


class NluError(Exception):
    """Base of every NLU error; `code` is stable for logs and tests."""

    code = "nlu_error"


class TrainingDataError(NluError):
    code = "training_data_invalid"

    def __init__(self, path: Path | str, line: int | None, message: str) -> None:
        self.path = Path(path)
        self.line = line
        self.message = message
        where = f"{self.path}:{line}" if line is not None else str(self.path)
        super().__init__(f"{where}: {message}")


class ModelMismatchError(NluError):
    code = "model_mismatch"


class EvalFileError(NluError):
    code = "eval_file_invalid"
