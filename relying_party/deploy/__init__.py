"""Deploying Mule applications to CloudHub with the delegated token (``/deploy``)."""


from .views import bp

__all__ = ["bp"]
