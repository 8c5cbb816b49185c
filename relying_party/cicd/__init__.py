"""``/cicd``: deploying from a pipeline with a client-credentials connected app."""


from .views import bp

__all__ = ["bp"]
