from tests.ratings.helpers import rated  # noqa: F401
from tests.ratings.unit_world import unit_year  # noqa: F401, E402
