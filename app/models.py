"""Imports every domain's models so SQLAlchemy and Alembic know all tables."""
import importlib

MODEL_MODULES = ("auth", "places", "registrations", "audit", "points", "reminders",
                 "activities", "service", "orders", "ratings")

for _domain in MODEL_MODULES:
    try:
        importlib.import_module(f"app.{_domain}.models")
    except ModuleNotFoundError as exc:  # a domain without tables
        if exc.name not in (f"app.{_domain}", f"app.{_domain}.models"):
            raise
