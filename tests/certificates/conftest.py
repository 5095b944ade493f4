from tests.ratings.helpers import rated  # noqa: F401  (fixture: last year's figures)
