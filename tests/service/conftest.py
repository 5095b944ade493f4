from tests.points.fixtures import api, now, world  # noqa: F401
