"""The README documents every setting, so the configuration table cannot drift."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_every_setting_of_the_defaults_is_in_the_readme_table():
    settings = re.findall(r"^([A-Z][A-Z0-9_]+) = ", (ROOT / "webinar/config.py").read_text(), re.M)
    readme = (ROOT / "README.md").read_text()
    missing = [name for name in settings if f"| `{name}` |" not in readme]
    assert settings, "no settings found in webinar/config.py"
    assert missing == []


def test_the_readme_shows_the_two_commands():
    readme = (ROOT / "README.md").read_text()
    assert "make run" in readme
    assert "make test" in readme
