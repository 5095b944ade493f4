"""Points follow what registrations announce (registrations never imports points)."""
from app.points.services import sync_member_place
from app.registrations.signals import registration_approved


@registration_approved.connect
def _registration_approved(_sender, registration, now) -> None:
    sync_member_place(registration.member_id, now=now)  # leaderboards follow the member's community
