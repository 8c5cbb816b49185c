"""Entry point for ``flask --app app run``: the relying party, configured from the environment."""

from relying_party import create_app

app = create_app()
