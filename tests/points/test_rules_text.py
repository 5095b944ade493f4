"""Rules an admin may read but not change are shown as text, not as a greyed-out form."""
from __future__ import annotations


def html(res) -> str:
    return res.get_data(as_text=True)


def test_read_only_rules_are_text(world, page):
    body = html(page(world.street_admin).get("/admin/scoring-rules"))  # a street admin reads them
    assert 'data-testid="rules-text"' in body
    assert "disabled" not in body and "<form method=\"post\" action=\"/admin/scoring-rules" not in body
    assert "每小时 2 分" in body and "每月 最多 80 分" in body and "不设上限" in body


def test_editable_rules_are_a_form(world, page):
    body = html(page(world.admin).get("/admin/scoring-rules"))
    assert 'data-testid="rules-text"' not in body and "disabled" not in body
    assert 'action="/admin/scoring-rules/service_hour"' in body
