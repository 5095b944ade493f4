"""Publication racing a staff draft, with real transactions (threads with their own app
context, session and connection): what is published is the draft as it stands when the
publication runs, never a copy read before a change that then commits."""
from __future__ import annotations

import threading
import time
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from app.auth.models import User
from app.extensions import db
from app.ratings import services
from app.ratings.models import Rating
from tests import factories as f

pytestmark = pytest.mark.commits


def test_a_draft_changed_while_the_community_publishes_is_published_as_changed(app):
    year = datetime.now(UTC).year
    district = f.place("district", "并发区")
    street = f.place("street", "并发街道", district)
    community = f.place("community", "并发社区", street)
    staff_ids = [f.UserFactory(role="staff", place_id=community.id).id for _ in range(2)]
    member_id = f.member_in(community).id
    community_id = community.id
    db.session.commit()
    services.set_rating(db.session.get(User, staff_ids[0]), member_id, year, level="basic",
                        comment="初稿")
    db.session.commit()
    db.session.close()
    drafted, errors = threading.Event(), []

    def change_draft():  # holds its change uncommitted while the publication starts
        with app.app_context():
            try:
                services.set_rating(db.session.get(User, staff_ids[0]), member_id, year,
                                    level="excellent", comment="全年表现突出")
                drafted.set()
                time.sleep(0.6)
                db.session.commit()
            except Exception as exc:  # pragma: no cover - reported below
                drafted.set()
                errors.append(repr(exc))
            finally:
                db.session.remove()

    def publish():
        with app.app_context():
            try:
                drafted.wait(5)
                services.publish(db.session.get(User, staff_ids[1]), community_id, year)
                db.session.commit()
            except Exception as exc:  # pragma: no cover - reported below
                errors.append(repr(exc))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=change_draft), threading.Thread(target=publish)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    rating = db.session.scalar(sa.select(Rating).where(Rating.member_id == member_id))
    assert rating.published_at is not None
    assert (rating.published_level, rating.published_comment) == ("excellent", "全年表现突出")
    assert (rating.level, rating.comment) == ("excellent", "全年表现突出")
