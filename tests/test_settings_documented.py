""".env.example documents every setting the app, the pipeline command and the sandbox read."""

import pathlib
import re

from anypoint_sandbox.settings import NAMES as SANDBOX_SETTINGS
from relying_party.settings import CiSettings, Settings

EXAMPLE = pathlib.Path(__file__).resolve().parent.parent / ".env.example"


def test_every_setting_is_in_env_example():
    documented = set(re.findall(r"^#?([A-Z][A-Z0-9_]+)=", EXAMPLE.read_text(), flags=re.M))
    read = {field.alias for model in (Settings, CiSettings)
            for field in model.model_fields.values()} | set(SANDBOX_SETTINGS)
    assert read - documented == set()
