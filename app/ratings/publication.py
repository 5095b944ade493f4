"""The publication machinery shared by member ratings and unit ratings (models with
PublishedColumns and a RevisionColumns table): a change before publication (the draft and an
audit record), the revisions of a published rating, a change after publication (a revision row
plus an audit record; the published columns stay), and the snapshot writes of a publication
(new rows inserted, drafts updated unless someone published them meanwhile)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _

from app.audit.services import record
from app.auth.models import User
from app.database import savepoint
from app.errors import Conflict
from app.extensions import db


def revisions(revision_model, rating_id: int | None) -> list[dict]:
    """The changes after publication, oldest first, each with its author's name."""
    if rating_id is None:
        return []
    parent = getattr(revision_model, revision_model.parent)
    rows = db.session.execute(
        sa.select(revision_model, User.name)
        .outerjoin(User, User.id == revision_model.created_by_id)
        .where(parent == rating_id)
        .order_by(revision_model.id)
    )
    return [
        {**{c.key: getattr(r, c.key) for c in revision_model.__table__.columns}, "created_by": name}
        for r, name in rows
    ]


def write_draft(
    staff: User, rating, level: str | None, comment: str, now: datetime, *, action: str, detail: dict
) -> None:
    """Staff's level (None: keep following the computed one) and comment on an unpublished
    rating, audited (`action`, `detail` plus before and after)."""
    before = {"level": rating.level, "comment": rating.comment}
    if level is not None:
        rating.level = level
    rating.comment = comment
    rating.updated_at, rating.updated_by_id = now, staff.id
    db.session.flush()
    record(staff, action, rating, {**detail, "before": before, "level": rating.level, "comment": comment},
           now=now)


def revise(
    staff: User, rating, revision_model, level: str, comment: str, now: datetime, *, action: str, detail: dict
) -> bool:
    """Moves a published rating to `level` / `comment`: a revision row and an audit record
    (`action`, `detail` plus before and after); the published columns stay. Same level and
    comment again: no change (False)."""
    if level == rating.level and comment == rating.comment:
        return False
    db.session.add(
        revision_model(
            **{revision_model.parent: rating.id},
            created_at=now,
            created_by_id=staff.id,
            old_level=rating.level,
            new_level=level,
            old_comment=rating.comment,
            new_comment=comment,
        )
    )
    record(
        staff,
        action,
        rating,
        {**detail, "old_level": rating.level, "new_level": level, "comment": comment},
        now=now,
    )
    rating.level, rating.comment = level, comment
    rating.revision_count += 1
    rating.updated_at, rating.updated_by_id = now, staff.id
    return True


def lock_drafts(model, *where) -> None:
    """Locks the unpublished rows about to be published: a staff change in flight commits first
    and is what gets published (read before it, the snapshot would overwrite it)."""
    db.session.execute(sa.select(model.id).where(model.published_at.is_(None), *where).with_for_update())


def write_snapshots(model, new: list[dict], drafts: list[tuple[int, dict]]) -> None:
    """Inserts the `new` published rows and publishes the `drafts` ((id, values)) unless
    someone published them meanwhile, in a savepoint; a concurrent publication (a unique key
    taken) is a 409. Rows loaded earlier are expired (stale now)."""
    table = model.__table__
    settable = sorted({k for _unused, values in drafts for k in values})
    with savepoint(Conflict(_("评议正在被他人公布，请刷新后重试"))):
        if new:
            db.session.execute(table.insert(), new)
        if drafts:
            db.session.execute(
                table.update()
                .where(table.c.id == sa.bindparam("rid"), table.c.published_at.is_(None))
                .values({k: sa.bindparam(f"v_{k}") for k in settable}),
                [{"rid": rid, **{f"v_{k}": values[k] for k in settable}} for rid, values in drafts],
            )
    for obj in list(db.session.identity_map.values()):
        if isinstance(obj, model):
            db.session.expire(obj)


def published_total(model, *where) -> int:
    return (
        db.session.scalar(
            sa.select(sa.func.count()).select_from(model).where(model.published_at.is_not(None), *where)
        )
        or 0
    )
