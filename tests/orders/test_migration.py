"""Migration 0003 builds exactly what app/orders/models.py declares (tables, columns, types,
indexes — the partial ones included — and constraints), on the backend under test."""
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from app.extensions import db

ORDER_TABLES = {"service_order", "order_claim", "order_event", "order_invitation"}


def _ours(obj, name, type_, reflected, compare_to) -> bool:
    table = obj if type_ == "table" else getattr(obj, "table", None)
    return getattr(table, "name", name) in ORDER_TABLES


def differences(metadata) -> list:
    context = MigrationContext.configure(db.engine, opts={  # the test's connection
        "compare_type": True, "include_object": _ours})
    return compare_metadata(context, metadata)


def test_the_orders_migration_matches_the_models(app):
    assert differences(db.metadata) == []


def test_the_comparison_would_see_a_difference(app):
    metadata = sa.MetaData()
    for table in db.metadata.sorted_tables:
        table.to_metadata(metadata)
    sa.Index("ix_not_migrated", metadata.tables["order_claim"].c.released_at)
    assert [d[0] for d in differences(metadata)] == ["add_index"]
