from tests.points.fixtures import api, now, page, world  # noqa: F401
