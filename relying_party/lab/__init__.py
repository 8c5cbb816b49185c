"""The revocation lab (``/access/lab``): scenario cards, probes and their history."""


from .views import bp

__all__ = ["bp"]
