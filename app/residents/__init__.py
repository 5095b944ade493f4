"""Residents without staff-made accounts: sign-up by phone, walk-in residents filed by staff."""
