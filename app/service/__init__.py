"""Service records, suggestions, needy households and pairings."""
