"""Bulk import of places, units, members, residents and needy households from .xlsx / .csv."""
