"""Throwaway: a lower layer importing a higher one, to show that make test fails on it."""
from app.ratings import services  # noqa: F401
