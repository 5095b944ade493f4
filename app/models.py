"""Imports every domain's models, bottom layer first, so SQLAlchemy and Alembic know all tables."""
from app.activities import models as activities  # noqa: F401
from app.audit import models as audit  # noqa: F401
from app.auth import models as auth  # noqa: F401
from app.imports import models as imports  # noqa: F401
from app.notifications import models as notifications  # noqa: F401
from app.orders import models as orders  # noqa: F401
from app.places import models as places  # noqa: F401
from app.points import models as points  # noqa: F401
from app.projects import models as projects  # noqa: F401
from app.ratings import models as ratings  # noqa: F401
from app.registrations import models as registrations  # noqa: F401
from app.reminders import models as reminders  # noqa: F401
from app.residents import models as residents  # noqa: F401
from app.service import models as service  # noqa: F401
from app.teams import models as teams  # noqa: F401
