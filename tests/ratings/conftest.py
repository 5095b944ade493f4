from tests.ratings.helpers import rated  # noqa: F401
