import sqlalchemy as sa

from app.activities.models import Activity
from app.demo import activities, service
from app.extensions import db
from app.points.models import ChecklistEvidence, LedgerEntry, PointsTotal
from app.service.models import Household, ServiceRecord
from tests.conftest import count


def test_demo_activities_and_service_are_consistent_and_idempotent(world):
    assert activities.seed({}) and service.seed({})
    assert count(Activity) == 6  # comm1 and comm3 have staff and members
    assert count(ServiceRecord) > 0 and count(Household) == 4
    assert count(ChecklistEvidence) > 0
    ledger = db.session.scalar(sa.select(sa.func.sum(LedgerEntry.points)))
    totals = db.session.scalar(sa.select(sa.func.sum(PointsTotal.total)))
    assert ledger == totals and ledger > 0
    assert activities.seed({}) == [] and service.seed({}) == []
    assert count(Activity) == 6 and count(Household) == 4
