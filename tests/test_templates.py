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


GETTEXT_NAMES = {"_", "gettext", "pgettext", "ngettext", "npgettext"}


def _non_constant_translations(env, name: str) -> list[str]:
    """Calls of `_()`/`gettext()`/... in template `name` whose message argument is not a
    string constant: gettext output is trusted markup, so stored data must never reach it
    (a stored key is shown through the `label` filter, which escapes)."""
    from jinja2 import nodes

    source = env.loader.get_source(env, name)[0]
    found = []
    for call in env.parse(source).find_all(nodes.Call):
        if isinstance(call.node, nodes.Name) and call.node.name in GETTEXT_NAMES:
            messages = call.args
            if not messages or not all(isinstance(a, nodes.Const) and isinstance(a.value, str)
                                       for a in messages):
                found.append(f"{name}:{call.lineno}: {call.node.name}() of a non-constant")
    return found


def test_no_template_translates_a_non_constant(app):
    names = app.jinja_env.list_templates(extensions=["html"])
    found = [hit for name in names for hit in _non_constant_translations(app.jinja_env, name)]
    assert not found, "\n".join(found)


def test_the_translation_check_catches_data(app):
    """The check above can fail: a template that translates a variable is reported."""
    from jinja2 import DictLoader, Environment

    env = Environment(loader=DictLoader({
        "bad.html": "{{ _('常量') }}{{ _(note.title) }}{{ pgettext('menu', label) }}"
                    "{{ _('计入“%(item)s”', item=_(titles[key])) }}",
        "good.html": "{{ _('常量') }}{{ _('%(n)s 条', n=count) }}{{ note.title|label(TITLES) }}",
    }), extensions=["jinja2.ext.i18n"])
    assert len(_non_constant_translations(env, "bad.html")) == 3
    assert _non_constant_translations(env, "good.html") == []


def test_label_translates_known_keys_and_shows_stored_text_escaped(app):
    """app.i18n.label / the `label` filter: a key of the table in the reader's language; stored
    text the table does not know as it is, escaped, never through gettext."""
    from flask import render_template_string
    from flask_babel import refresh

    from app.i18n import label
    from app.orders.models import CATEGORIES
    from app.orders.states import STATUS_LABELS

    hostile = '<img src=x onerror=alert(1)>'
    with app.test_request_context(headers={"Cookie": "lang=en"}):
        refresh()
        assert label("claimed", STATUS_LABELS) == "Claimed"
        assert label("守护平安", CATEGORIES) == "Safety watch"
        assert label("不在表里", CATEGORIES) == "不在表里" and label(None, CATEGORIES) == ""
        html = render_template_string("{{ a|label(T) }}|{{ b|label(T) }}|{{ c|label(S) }}",
                                      a="守护平安", b=hostile, c="claimed", T=CATEGORIES, S=STATUS_LABELS)
        assert html == "Safety watch|&lt;img src=x onerror=alert(1)&gt;|Claimed"
    with app.test_request_context():
        refresh()  # the tests share one app context, where Flask-Babel keeps the locale
        assert label("守护平安", CATEGORIES) == "守护平安"  # Chinese by default
