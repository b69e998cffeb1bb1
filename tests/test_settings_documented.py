"""Every operator setting is documented in the README (STYLE §5)."""

from pathlib import Path

from sanad.settings import Settings

README = (Path(__file__).parent.parent / "README.md").read_text()


def test_every_settings_field_is_in_readme() -> None:
    missing = [name for name in Settings.model_fields if f"SANAD_{name.upper()}" not in README]

    assert missing == []


def test_readme_quick_start_has_the_two_commands() -> None:
    assert "./dev run" in README and "./dev test" in README
