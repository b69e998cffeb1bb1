"""What an operator can set, as SANAD_<FIELD> environment variables (all described in README)."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Every field is read from SANAD_<FIELD>; README lists them all (a test checks)."""

    model_config = SettingsConfigDict(env_prefix="SANAD_", extra="ignore")

    database_url: str = "sqlite+aiosqlite:///var/sanad.db"
    redis_url: str | None = None
    host: str = "127.0.0.1"
    port: int = 8000
    public_url: str = "http://127.0.0.1:8000"
    secret_key: str | None = None  # signs sessions and pseudonymises ids; generated into var/ when unset
    data_dir: Path = Path("var")
    nlu_backend: str = "embedded"  # "embedded" or "rasa"
    rasa_url: str | None = None
    rasa_timeout_secs: float = 2.0
    nlu_model_path: Path | None = None  # default: <data_dir>/nlu-model.joblib
    content_path: Path | None = None  # default: the bundled bot/content/responses.yml
    telegram_token: str | None = None
    telegram_api_url: str | None = None  # a Bot API server other than Telegram's (tests, local servers)
    telegram_webhook_secret: str | None = None
    counselor_hours: str = "08:00-22:00"
    timezone: str = "Asia/Hebron"
    expected_wait_minutes: int = 5
    imminent_alert_secs: int = Field(default=60, ge=5)
    retention_days: int = Field(default=90, ge=1)
    max_message_chars: int = 2000
    login_max_failures: int = 5
    login_lockout_secs: int = 900
    session_max_age_secs: int = 43200
    cookie_secure: bool = False
    log_level: str = "INFO"

    @property
    def model_path(self) -> Path:
        return self.nlu_model_path or self.data_dir / "nlu-model.joblib"
