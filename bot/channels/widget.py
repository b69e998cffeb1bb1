"""The web widget channel: the embeddable script, the demo host page and the child's WebSocket."""

from __future__ import annotations

from fastapi import FastAPI


def install_widget(app: FastAPI) -> None:
    """Mount the widget's routes on the app (issue 2)."""
