"""Ratings registers with the domains below it: the words the audit page shows for levels."""
from app.audit.labels import register_value_labels
from app.ratings.models import LEVEL_LABELS

register_value_labels(("level", "old_level", "new_level"), LEVEL_LABELS)
