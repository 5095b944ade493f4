from tests.points.fixtures import api, now, page, world  # noqa: F401
from tests.ratings.helpers import rated  # noqa: F401
