"""What service tells the domains above it (see app/signals.py)."""
from app.signals import signals

uploads_posted = signals.signal("service.uploads_posted")
"""Sent by the member's service form with `member`, `owner_type` ("service_record"), `owner_id`
and `uploads` (the form's files) right after the record was written, in its transaction:
photos checks and stores them; a refused file raises a DomainError, and the page undoes the
whole submission."""
