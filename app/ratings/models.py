"""Ratings (双评议): thresholds per street/district and year, the yearly rating of a member,
the yearly rating of a unit by a community (the other half of 双评议), their revisions after
publication, and each community's 双公示 switch. Both ratings share the publication columns
(PublishedColumns) and the revision columns (RevisionColumns); app/ratings/publication.py is
the one machinery that writes them."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.clock import utcnow
from app.database import UTCDateTime
from app.extensions import db
from app.i18n import N_


class RatingLevel(StrEnum):
    EXCELLENT = "excellent"      # 优秀
    GOOD = "good"                # 良好
    QUALIFIED = "qualified"      # 合格
    BASIC = "basic"              # 基本合格
    UNQUALIFIED = "unqualified"  # 不合格


# Best first. Every level but the last has thresholds; the last is what is left.
LEVEL_ORDER = tuple(RatingLevel)
GRADED_LEVELS = LEVEL_ORDER[:-1]
LEVEL_LABELS = {
    RatingLevel.EXCELLENT: N_("优秀"), RatingLevel.GOOD: N_("良好"), RatingLevel.QUALIFIED: N_("合格"),
    RatingLevel.BASIC: N_("基本合格"), RatingLevel.UNQUALIFIED: N_("不合格"),
}
LEVEL_RANK = {level: n for n, level in enumerate(LEVEL_ORDER)}


class RatingThreshold(db.Model):
    """What a member needs for one level in one year, configured for a street or a district,
    and the least score a unit needs for it (单位评议 of the communities below).
    A member's thresholds are his street's, else his district's, else the defaults; a place's
    set always holds every graded level (written together)."""

    __tablename__ = "rating_threshold"
    __table_args__ = (sa.UniqueConstraint("place_id", "year", "level"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    place_id: Mapped[int] = mapped_column(sa.ForeignKey("place.id"))
    year: Mapped[int] = mapped_column()
    level: Mapped[str] = mapped_column(sa.String(16))
    min_points: Mapped[int] = mapped_column()
    min_checklist_percent: Mapped[int] = mapped_column()  # share of the year's 五个一 list done
    min_satisfaction: Mapped[float | None] = mapped_column(sa.Float)  # None: not required
    max_abandoned: Mapped[int | None] = mapped_column()  # None: no limit
    min_unit_score: Mapped[float] = mapped_column(sa.Float)  # 单位评议: a unit's least score (0-100)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PublishedColumns:
    """A rating's state and its publication snapshot. Before publication it is a draft
    (`level` None = follow the computed level); publication fills `computed_level`,
    `published_*` and freezes them; a later change appends a revision row and moves only
    `level` / `comment` (the current state)."""

    level: Mapped[str | None] = mapped_column(sa.String(16))
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    computed_level: Mapped[str | None] = mapped_column(sa.String(16))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    published_level: Mapped[str | None] = mapped_column(sa.String(16))
    published_comment: Mapped[str | None] = mapped_column(sa.Text)
    revision_count: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class RevisionColumns:
    """A change to a published rating: who, when, the level and comment before and after.
    `parent` names the column holding the rating's id."""

    parent = "rating_id"
    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    old_level: Mapped[str] = mapped_column(sa.String(16))
    new_level: Mapped[str] = mapped_column(sa.String(16))
    old_comment: Mapped[str] = mapped_column(sa.Text, default="")
    new_comment: Mapped[str] = mapped_column(sa.Text, default="")


class Rating(PublishedColumns, db.Model):
    """A member's rating for a year by the community he served; the figures are read live
    before publication and kept in the snapshot columns after it."""

    __tablename__ = "rating"
    __table_args__ = (
        sa.UniqueConstraint("member_id", "year"),
        sa.Index("ix_rating_community_year", "community_id", "year", "published_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    year: Mapped[int] = mapped_column()
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("place.id"))
    points: Mapped[int | None] = mapped_column()
    checklist_completed: Mapped[int | None] = mapped_column()
    checklist_total: Mapped[int | None] = mapped_column()
    hours: Mapped[float | None] = mapped_column(sa.Float)
    avg_satisfaction: Mapped[float | None] = mapped_column(sa.Float)
    satisfaction_count: Mapped[int | None] = mapped_column()
    abandoned_claims: Mapped[int | None] = mapped_column()


class RatingRevision(RevisionColumns, db.Model):
    __tablename__ = "rating_revision"
    __table_args__ = (sa.Index("ix_rating_revision_rating", "rating_id", "id"),)

    rating_id: Mapped[int] = mapped_column(sa.ForeignKey("rating.id"))


class UnitRating(PublishedColumns, db.Model):
    """A unit's rating for a year by one community it serves (单位评议): the figures (its
    members' registration and service there, the needs sent to it, projects delivered,
    satisfaction) are read live before publication and frozen in `figures` by it."""

    __tablename__ = "unit_rating"
    __table_args__ = (
        sa.UniqueConstraint("unit_id", "community_id", "year"),
        sa.Index("ix_unit_rating_community_year", "community_id", "year", "published_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("unit.id"))
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("place.id"))
    year: Mapped[int] = mapped_column()
    figures: Mapped[dict | None] = mapped_column(sa.JSON)


class UnitRatingRevision(RevisionColumns, db.Model):
    __tablename__ = "unit_rating_revision"
    __table_args__ = (sa.Index("ix_unit_rating_revision_rating", "unit_rating_id", "id"),)
    parent = "unit_rating_id"

    unit_rating_id: Mapped[int] = mapped_column(sa.ForeignKey("unit_rating.id"))
class ShownLevels(StrEnum):
    """What a community's 双公示 page shows: every level, or 合格 and above only."""

    ALL = "all"
    QUALIFIED_UP = "qualified_up"


SHOWN_LEVELS = {ShownLevels.ALL: LEVEL_ORDER,
                ShownLevels.QUALIFIED_UP: (RatingLevel.EXCELLENT, RatingLevel.GOOD, RatingLevel.QUALIFIED)}
SHOWN_LABELS = {ShownLevels.ALL: N_("公示全部等次"), ShownLevels.QUALIFIED_UP: N_("只公示合格及以上等次")}


class RatingPublicity(db.Model):
    """双公示: whether a community's published ratings page is shown (off unless switched on),
    and which levels it shows (the community's choice)."""

    __tablename__ = "rating_publicity"

    community_id: Mapped[int] = mapped_column(sa.ForeignKey("place.id"), primary_key=True)
    is_public: Mapped[bool] = mapped_column(default=False)
    shown_levels: Mapped[str] = mapped_column(sa.String(16), default=ShownLevels.ALL,
                                              server_default=ShownLevels.ALL.value)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))


class UnitNeedTally(db.Model):
    """The needs a unit was sent by one community in one category and year, summed (a read
    model of the orders, kept by app/ratings/need_tally.py on every order transition, rebuilt
    by `flask ratings rebuild-tally`): what 绩效评估 and 单位评议 read instead of scanning every
    order. Only which open needs are past their deadline depends on the clock: the open ones
    not yet due are read live (the current backlog, not the year's needs)."""

    __tablename__ = "unit_need_tally"
    __table_args__ = (sa.Index("ix_unit_need_tally_year_community", "year", "community_id"),)

    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("unit.id"), primary_key=True)
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("place.id"), primary_key=True)
    category: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True)
    received_now: Mapped[int] = mapped_column(default=0)  # dispatched that year, still with the unit
    accepted: Mapped[int] = mapped_column(default=0)
    response_seconds: Mapped[float] = mapped_column(sa.Float, default=0.0)
    completed: Mapped[int] = mapped_column(default=0)
    on_time: Mapped[int] = mapped_column(default=0)
    finished: Mapped[int] = mapped_column(default=0)
    reopened: Mapped[int] = mapped_column(default=0)
    score_sum: Mapped[int] = mapped_column(default=0)
    score_count: Mapped[int] = mapped_column(default=0)
    declined: Mapped[int] = mapped_column(default=0)  # by the event's year
    open_now: Mapped[int] = mapped_column(default=0)  # still open (its deadline counts)
