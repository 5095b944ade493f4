"""Every template compiles (a syntax error would otherwise only show as a 500 on that page)."""
import pytest


def test_every_template_compiles(app):
    names = app.jinja_env.list_templates(extensions=["html"])
    assert len(names) > 30
    failures = []
    for name in names:
        try:
            app.jinja_env.get_template(name)
        except Exception as exc:  # noqa: BLE001  (collect them all)
            failures.append(f"{name}: {exc}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("path", ["/", "/login", "/signup", "/healthz"])
def test_public_pages_render(client, path):
    assert client.get(path).status_code == 200


def test_error_pages_say_what_happened_in_chinese(app, client):
    res = client.get("/no-such-page")
    body = res.get_data(as_text=True)
    assert res.status_code == 404 and "页面不存在" in body and "返回首页" in body
