"""The API explorer (``/explore``): any Anypoint API path called with the delegated token, and
the raw request and answer, as Google's OAuth 2.0 Playground shows them. :mod:`.form` checks
what the user typed, :mod:`.presets` holds the common calls and which scope a path needs,
:mod:`.answer` shapes the exchange for the page, :mod:`.views` is the blueprint ``bp``."""

from .views import bp

__all__ = ["bp"]
