"""Languages: the UI is Chinese (zh_CN, the msgids) with English from app/translations/en.

- the English catalog is complete (every msgid translated, placeholders intact, nothing fuzzy)
  and current (re-extracting the sources with the Makefile's keywords finds nothing it lacks),
  and the compiled .mo the app reads is the .po's;
- with the `lang=en` cookie the key pages of every role are English: no Chinese left outside
  the data (names, places, units, titles people typed, stored messages);
- without a cookie the pages stay Chinese; `?lang=en` and the /lang/<code> link switch, and
  <html lang> follows;
- messages in the code (domain errors, validation errors, HTTP errors, flashes) are gettext
  calls with a Chinese msgid: no literal message, no "中文 / English" pair (an AST scan of app/);
- the API answers in the request's language: Accept-Language: en gives English messages, no
  header (or another language) Chinese, for service errors, validation errors, 404, 413, 429.
"""
from __future__ import annotations

import ast
import io
import re
import shlex
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest
import sqlalchemy as sa
from babel.messages.frontend import CommandLineInterface
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from app.activities.services import create_activity
from app.clock import local_today, utcnow
from app.extensions import db
from app.notifications.services import notify
from app.orders.services import claim, create_order, dispatch
from app.points.services import adjust
from app.ratings.services import publish
from tests.conftest import settle

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "app" / "translations"
PO = TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.po"
MO = PO.with_suffix(".mo")
CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")
# What a translation must keep: %(name)s placeholders, %% (a literal % in a template) and a lone %.
FORMAT_TOKEN = re.compile(r"%\(\w+\)[sdfr]|%%|%")
UPDATE_HINT = "run `make translations-update`, then translate the new entries in " + str(
    PO.relative_to(ROOT))


def _catalog():
    with PO.open("rb") as fh:
        return read_po(fh, locale="en")


def _messages(catalog):
    return [m for m in catalog if m.id]


def _strings(message) -> list[tuple[str, str]]:
    """(msgid, msgstr) pairs of a message; a plural message gives one pair per form."""
    if isinstance(message.id, tuple):
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        return [(message.id[min(i, 1)], s) for i, s in enumerate(strings)]
    return [(message.id, message.string)]


# ---- the catalog ---------------------------------------------------------------------------------

def test_every_msgid_has_an_english_translation_with_its_placeholders():
    catalog = _catalog()
    messages = _messages(catalog)
    assert len(messages) > 600
    assert not catalog.fuzzy, "the .po header is marked fuzzy: pybabel compile would skip the catalog"
    problems = []
    for message in messages:
        where = f"{message.context + ' | ' if message.context else ''}{message.id!r}"
        if message.fuzzy:
            problems.append(f"{where}: marked fuzzy (check the translation, then remove the flag)")
        for msgid, msgstr in _strings(message):
            if not msgstr.strip():
                problems.append(f"{where}: no translation")
                continue
            if sorted(FORMAT_TOKEN.findall(msgid)) != sorted(FORMAT_TOKEN.findall(msgstr)):
                problems.append(f"{where}: placeholders differ in {msgstr!r}")
            if CJK.search(msgstr):
                problems.append(f"{where}: Chinese left in {msgstr!r}")
    assert not problems, f"{len(problems)} problems in {PO.name}:\n" + "\n".join(problems)


def _extract_args() -> list[str]:
    """The extraction options of the Makefile (BABEL_EXTRACT), so the test and
    `make translations-update` cannot disagree on the keywords."""
    text = (ROOT / "Makefile").read_text().replace("\\\n", " ")
    match = re.search(r"^BABEL_EXTRACT\s*:=\s*(.+)$", text, flags=re.M)
    assert match, "Makefile defines no BABEL_EXTRACT"
    return shlex.split(match.group(1))


def test_catalog_is_current_with_the_sources(tmp_path, monkeypatch):
    """A string marked in the code or a template but missing from the .po fails here (it would
    show in Chinese on an English page)."""
    monkeypatch.chdir(ROOT)
    pot = tmp_path / "messages.pot"
    CommandLineInterface().run(["pybabel", "-q", "extract", *_extract_args(), "-o", str(pot), "."])
    with pot.open("rb") as fh:
        extracted = {(m.context, m.id) for m in read_po(fh) if m.id}
    assert len(extracted) > 600
    translated = {(m.context, m.id) for m in _messages(_catalog())}
    missing = sorted(extracted - translated, key=str)
    assert not missing, (f"{len(missing)} marked strings are not in the catalog ({UPDATE_HINT}):\n"
                         + "\n".join(f"{ctx + ' | ' if ctx else ''}{mid!r}" for ctx, mid in missing))


def test_compiled_catalog_is_the_po():
    """The app reads the .mo; a missing or stale one shows the previous English."""
    assert MO.exists(), "no compiled catalog: run `make translations`"
    expected = io.BytesIO()
    write_mo(expected, _catalog())
    assert MO.read_bytes() == expected.getvalue(), (
        f"{MO.name} is not {PO.name} compiled (stale): run `make translations`")


def test_confirm_texts_are_not_pasted_into_javascript():
    """A translation with an apostrophe must not break an onclick: the text is a data attribute."""
    offenders = [str(p.relative_to(ROOT)) for p in (ROOT / "app" / "templates").rglob("*.html")
                 if re.search(r"confirm\(\s*['\"]?\s*\{\{", p.read_text())]
    assert not offenders, offenders


# ---- the pages -------------------------------------------------------------------------------------

class _Page(HTMLParser):
    """The text a person sees (text nodes and the attributes shown as text), split into the
    menu, the headings and the rest; the language switcher (`.lang`, the words 中文 | EN) is left
    out on purpose: each language is offered in its own words."""

    SHOWN = ("title", "placeholder", "aria-label", "data-confirm", "alt")

    def __init__(self):
        super().__init__()
        self.menu, self.headings, self.texts = [], [], []
        self.html_lang = None
        self._open: list[tuple[str, str]] = []  # (tag, role) of open elements that matter
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.html_lang = a.get("lang")
        role = ""
        if tag == "nav" and "menu" in (a.get("class") or "").split():
            role = "menu"
        elif tag in ("h1", "h2", "h3", "title", "summary"):
            role = "heading"
        elif tag in ("script", "style") or "lang" in (a.get("class") or "").split():
            role = "skip"
        if role:
            self._open.append((tag, role))
            self._skip += role == "skip"
        if not self._skip:
            self.texts += [a[k] for k in self.SHOWN if a.get(k)]

    def handle_endtag(self, tag):
        for i in range(len(self._open) - 1, -1, -1):
            if self._open[i][0] == tag:
                self._skip -= self._open[i][1] == "skip"
                del self._open[i]
                break

    def handle_data(self, data):
        text = data.strip()
        if not text or self._skip:
            return
        roles = {role for _, role in self._open}
        self.texts.append(text)
        if "menu" in roles:
            self.menu.append(text)
        if "heading" in roles:
            self.headings.append(text)


def _data_strings() -> list[str]:
    """Every Chinese string stored in the database (names, places, units, titles, stored
    messages), longest first: what may stay Chinese on an English page."""
    found: set[str] = set()

    def walk(value):
        if isinstance(value, str):
            if CJK.search(value):
                found.add(value)
                found.update(line.strip() for line in value.splitlines() if line.strip())
        elif isinstance(value, list | tuple):
            for item in value:
                walk(item)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)

    for table in db.metadata.sorted_tables:
        for row in db.session.execute(sa.select(table)):
            walk(list(row))
    return sorted(found, key=len, reverse=True)


def _chinese_outside_data(texts: list[str], data: list[str]) -> list[str]:
    left = []
    for text in texts:
        rest = text
        for value in data:
            rest = rest.replace(value, "")
        if CJK.search(rest):
            left.append(text)
    return left


@pytest.fixture
def lived_in(world):
    """The small world with something on the key pages: an order dispatched to the members'
    pool and claimed (its detail shows the give-up prompt), an activity, points, the
    community's published ratings (the unit view), notifications (the resident's inbox)."""
    now = utcnow()
    order = create_order(world.resident1, title="楼道灯坏了", category="守护平安",
                         description="三楼楼道的灯一直不亮", now=now - timedelta(days=2))
    dispatch(world.staff1, order.id, to_pool=True, now=now - timedelta(days=2))
    claim(world.member1, order.id, now=now - timedelta(days=1))
    create_activity(world.staff1, community_id=world.comm1.id, title="夜间平安巡逻",
                    category="守护平安", starts_at=now + timedelta(days=1),
                    ends_at=now + timedelta(days=1, hours=2), capacity=20)
    adjust(world.staff1, world.member1.id, 3, "补录积分")
    publish(world.staff1, world.comm1.id, local_today().year)
    notify([world.member1.id], kind="service_record_verified", title="服务记录已审核通过",
           body="网格巡查", link="/me/points")
    settle()
    world.order_id = order.id
    return world


# (who signs in, path, words the English page shows); {order} is the lived-in order's id.
KEY_PAGES = [
    (None, "/login", ["Sign in", "Username", "Password", "No account? Sign up as a member"]),
    ("member1", "/me", ["My home", "My points", "Registration history", "Approved", "Sign out"]),
    ("staff1", "/staff/orders", ["Dispatch board", "Request for a resident", "Claimed", "Safety watch"]),
    ("member1", "/orders/{order}", ["Deadline", "Claiming members", "History", "Give up claim"]),
    ("unit_admin1", "/unit/ratings", ["Members' ratings", "Export to Excel", "Grade", "Published"]),
    ("member1", "/leaderboard", ["Leaderboard", "Rank", "My rank"]),
    ("member1", "/notifications", ["Messages", "Service record approved", "Mark all as read"]),
    ("resident1", "/notifications", ["Messages", "My requests"]),
    ("admin", "/admin", ["Administration · Places", "Places", "Units", "Accounts", "Add a place"]),
    ("admin", "/admin/audit", ["Audit log", "Publish annual ratings"]),
    ("street_admin", "/stats", ["Statistics", "Registered members", "Requests by status"]),
    ("member1", "/activities", ["Community activities", "Safety watch"]),
]


def _get(page, lived_in, who, path, **kw):
    client = page(getattr(lived_in, who) if who else None)
    return client, client.get(path.format(order=lived_in.order_id), **kw)


@pytest.mark.parametrize(("who", "path", "words"), KEY_PAGES, ids=lambda v: v if isinstance(v, str) else None)
def test_key_pages_are_english_with_the_cookie(lived_in, page, who, path, words):
    client = page(getattr(lived_in, who) if who else None)
    client.set_cookie("lang", "en")
    res = client.get(path.format(order=lived_in.order_id))
    assert res.status_code == 200, path
    html = res.get_data(as_text=True)
    seen = _Page()
    seen.feed(html)
    assert seen.html_lang == "en"
    for word in words:
        assert word in html.replace("&#39;", "'"), f"{path}: no {word!r}"
    data = _data_strings()
    assert seen.headings and not _chinese_outside_data(seen.headings, data), seen.headings
    if who:
        assert seen.menu and not _chinese_outside_data(seen.menu, data), seen.menu
    left = _chinese_outside_data(seen.texts, data)
    assert not left, f"{path} ({who}) shows Chinese that is no data: {left}"


def test_prompts_are_english_and_kept_out_of_the_script(lived_in, page):
    client = page(lived_in.member1)
    client.set_cookie("lang", "en")
    html = client.get(f"/orders/{lived_in.order_id}").get_data(as_text=True)
    assert 'data-confirm="Giving up a claim costs points. Are you sure?"' in html
    assert "onclick" not in html  # static/site.js asks (the CSP allows no inline handler)
    assert '<script src="/static/site.js" defer></script>' in html


@pytest.mark.parametrize(("who", "path", "words"), [
    (None, "/login", ["登录", "用户名", "密码"]),
    ("member1", "/me", ["我的主页", "报到记录", "退出"]),
    ("staff1", "/staff/orders", ["派单台", "代居民点单", "守护平安"]),
    ("member1", "/orders/{order}", ["办理期限：", "领单党员", "放弃领单会扣减积分，确定吗？"]),
    ("admin", "/admin", ["系统管理 · 地区", "添加地区"]),
])
def test_without_a_cookie_the_pages_stay_chinese(lived_in, page, who, path, words):
    _, res = _get(page, lived_in, who, path)
    html = res.get_data(as_text=True)
    assert res.status_code == 200 and '<html lang="zh-CN">' in html
    for word in words:
        assert word in html, f"{path}: no {word!r}"
    assert "Sign out" not in html and "Dispatch board" not in html


def test_lang_query_parameter_switches_one_request(client):
    html = client.get("/login?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in html and "Sign in" in html and "登录</h1>" not in html
    assert '<html lang="zh-CN">' in client.get("/login").get_data(as_text=True)  # no cookie left


def test_language_link_sets_the_cookie_and_comes_back(client):
    res = client.get("/lang/en", headers={"Referer": "http://localhost/login"})
    assert res.status_code == 302 and res.headers["Location"].endswith("/login")
    assert "lang=en" in res.headers["Set-Cookie"]
    html = client.get("/login").get_data(as_text=True)
    assert '<html lang="en">' in html and "<h1>Sign in</h1>" in html
    client.get("/lang/zh_CN")
    html = client.get("/login").get_data(as_text=True)
    assert '<html lang="zh-CN">' in html and "<h1>登录</h1>" in html


def test_unknown_language_changes_nothing(client):
    res = client.get("/lang/fr")
    assert res.status_code == 302 and "Set-Cookie" not in res.headers
    client.set_cookie("lang", "fr")
    assert '<html lang="zh-CN">' in client.get("/login").get_data(as_text=True)


def test_flash_and_error_pages_follow_the_language(client, lived_in):
    client.set_cookie("lang", "en")
    res = client.post("/login", data={"username": lived_in.member1.username, "password": "wrong-one"},
                      follow_redirects=True)
    assert "Wrong username or password" in res.get_data(as_text=True)
    html = client.get("/no-such-page").get_data(as_text=True)
    assert "Page not found" in html and "页面不存在" not in html


def test_unit_export_headers_follow_the_language(lived_in, page):
    from openpyxl import load_workbook

    client = page(lived_in.unit_admin1)
    client.set_cookie("lang", "en")
    res = client.get(f"/units/{lived_in.unit1.id}/ratings.xlsx")
    assert res.status_code == 200
    sheet = load_workbook(io.BytesIO(res.data)).active
    title, header = ([c.value for c in row] for row in sheet.iter_rows(max_row=2))
    assert title[0] == f"{lived_in.unit1.name} · {local_today().year} ratings"  # the unit name is data
    assert header[:6] == ["No.", "Member number", "Name", "Mobile", "Community", "Grade"]
    assert not any(CJK.search(str(v)) for v in header)


@pytest.mark.parametrize(("lang", "required"), [
    ("en", "This field is required."), ("zh_CN", "该字段是必填字段。")])
def test_form_errors_follow_the_language(client, lang, required):
    client.set_cookie("lang", lang)
    html = client.post("/signup", data={"username": "", "password": "x"}).get_data(as_text=True)
    assert required in html


# ---- messages in the code ------------------------------------------------------------------------

APP = ROOT / "app"
GETTEXT = {"_", "gettext", "lazy_gettext", "_l", "ngettext", "lazy_ngettext", "pgettext",
           "lazy_pgettext", "N_", "NP_"}
# What shows its message to a person; the domain errors (DomainError and every subclass in app/,
# found below) and werkzeug's HTTP exceptions are added.
SHOWN = {"ValidationError", "flash", "abort", "DomainError", "Invalid", "BadParameter", "Conflict",
         "NotFound", "Forbidden", "Unauthorized"}
# Which positional arguments are the message: Invalid(field, msg), flash(msg, category), ...
MESSAGE_ARGS = {"Invalid": slice(1, None), "BadParameter": slice(1, None), "TooLarge": slice(1, None),
                "abort": slice(1, None),
                "ValidationError": slice(0, 1), "flash": slice(0, 1)}
MESSAGE_KEYWORDS = {"message", "description", "errors"}
# Machine-readable codes a client acts on, not messages: (file, literal).
CODES = {("app/auth/sessions.py", "must_change_password")}
# A "中文 / English" pair: CJK text, " / ", then ASCII words (the habit before Flask-Babel).
PAIR = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\u3000-\u303f\uff00-\uffef][^/\n]* / [A-Za-z0-9_{][ -~]*$",
                  re.M)


def _name(func) -> str | None:
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None


def _error_names(trees) -> set[str]:
    """SHOWN, werkzeug's HTTP exceptions and every class in app/ derived from one of them."""
    from werkzeug import exceptions

    names = SHOWN | {n for n, obj in vars(exceptions).items()
                     if isinstance(obj, type) and issubclass(obj, exceptions.HTTPException)}
    classes = [(node.name, {_name(b) for b in node.bases})
               for tree in trees for node in ast.walk(tree) if isinstance(node, ast.ClassDef)]
    grown = True
    while grown:
        more = {name for name, bases in classes if bases & names} - names
        names |= more
        grown = bool(more)
    return names


def _literal_messages(expr, constants: dict) -> list[ast.AST]:
    """Literal text in a message argument that no gettext call wraps: a string, an f-string,
    or a module constant holding one (dict keys, the field names, are not messages)."""
    found, pending = [], [expr]
    while pending:
        node = pending.pop()
        if isinstance(node, ast.Call) and _name(node.func) in GETTEXT:
            continue
        if isinstance(node, ast.JoinedStr) or isinstance(node, ast.Constant) and isinstance(node.value, str):
            found.append(node)
        elif isinstance(node, ast.Name) and node.id in constants:
            found.append(constants[node.id])
        elif isinstance(node, ast.Dict):
            pending.extend(node.values)
        elif isinstance(node, ast.IfExp):  # the condition is no message
            pending.extend((node.body, node.orelse))
        elif isinstance(node, ast.Subscript):  # neither is the key
            pending.append(node.value)
        elif not isinstance(node, ast.Compare):
            pending.extend(ast.iter_child_nodes(node))
    return found


def untranslated_messages(sources: dict[str, str]) -> list[str]:
    """`file:line: call` for each message given as literal text (or an f-string in a gettext
    call, whose msgid would be the formatted text) in `sources` ({file: source})."""
    trees = {path: ast.parse(text) for path, text in sources.items()}
    shown = _error_names(trees.values())
    problems = []
    for path, tree in trees.items():
        constants = {n.targets[0].id: n.value for n in tree.body
                     if isinstance(n, ast.Assign) and len(n.targets) == 1
                     and isinstance(n.targets[0], ast.Name)
                     and isinstance(n.value, ast.Constant | ast.JoinedStr)
                     and isinstance(getattr(n.value, "value", ""), str)}
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = _name(node.func)
            if name in GETTEXT and node.args and not isinstance(node.args[0], ast.Constant):
                if isinstance(node.args[0], ast.JoinedStr | ast.BinOp) or (
                        isinstance(node.args[0], ast.Call) and _name(node.args[0].func) == "format"):
                    problems.append(f"{path}:{node.lineno}: {name}() of a formatted string (use %(name)s)")
                continue
            if name not in shown:
                continue
            args = node.args[MESSAGE_ARGS.get(name, slice(None))]
            args += [k.value for k in node.keywords if k.arg in MESSAGE_KEYWORDS]
            for arg in args:
                for literal in _literal_messages(arg, constants):
                    text = literal.value if isinstance(literal, ast.Constant) else ast.unparse(literal)
                    if (path, text) not in CODES:
                        problems.append(f"{path}:{node.lineno}: {name}({text!r})")
    return problems


EAGER = {"_", "gettext", "ngettext", "pgettext"}


def eager_gettext(sources: dict[str, str]) -> list[str]:
    """`file:line` of each gettext call run at import time (a module or class constant, a
    default argument, a decorator argument): outside a request it returns the msgid, Chinese
    for good. Those must be lazy (_l) or N_ with the translation where they are used."""
    problems = []
    for path, text in sources.items():
        pending = [ast.parse(text)]
        while pending:
            node = pending.pop()
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                arguments = node.args
                pending.extend(arguments.defaults + [d for d in arguments.kw_defaults if d is not None])
                pending.extend(getattr(node, "decorator_list", []))
                continue  # the body runs when called
            if isinstance(node, ast.Call) and _name(node.func) in EAGER:
                problems.append(f"{path}:{node.lineno}: {_name(node.func)}()")
            pending.extend(ast.iter_child_nodes(node))
    return problems


def rebound_underscores(sources: dict[str, str]) -> list[str]:
    """`file:function` for each function that calls _() and also binds `_` (`order, _ = ...`):
    the call would then call whatever `_` holds."""
    problems = []
    for path, text in sources.items():
        for fn in ast.walk(ast.parse(text)):
            if not isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            nodes = list(ast.walk(fn))
            binds = any(isinstance(n, ast.Name) and n.id == "_" and isinstance(n.ctx, ast.Store)
                        for n in nodes)
            calls = any(isinstance(n, ast.Call) and _name(n.func) == "_" for n in nodes)
            if binds and calls:
                problems.append(f"{path}:{fn.lineno}: {fn.name}")
    return problems


def _docstrings(tree) -> set[int]:
    return {id(node.body[0].value) for node in ast.walk(tree)
            if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
            and node.body and isinstance(node.body[0], ast.Expr)
            and isinstance(node.body[0].value, ast.Constant)}


def pair_strings(sources: dict[str, str]) -> list[str]:
    """`file:line: text` of each string literal (docstrings aside) holding a "中文 / English"
    pair; an f-string is read with {} for its values."""
    problems = []
    for path, text in sources.items():
        tree = ast.parse(text)
        skip = _docstrings(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.JoinedStr):
                skip.update(id(v) for v in node.values)
                value = "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)
            elif isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip:
                value = node.value
            else:
                continue
            if PAIR.search(value):
                problems.append(f"{path}:{node.lineno}: {value!r}")
    return problems


def _app_sources() -> dict[str, str]:
    return {str(p.relative_to(ROOT)): p.read_text() for p in sorted(APP.rglob("*.py"))}


def test_messages_in_the_code_are_gettext_calls():
    sources = _app_sources()
    assert len(sources) > 100
    problems = untranslated_messages(sources)
    assert not problems, (f"{len(problems)} messages outside Flask-Babel (wrap them in _()/_l() with a "
                          f"Chinese msgid and %(name)s placeholders, then {UPDATE_HINT}):\n"
                          + "\n".join(problems))


def test_no_gettext_call_runs_at_import_time():
    problems = eager_gettext(_app_sources())
    assert not problems, ("gettext at import time (use _l, or N_ and _() where shown):\n"
                          + "\n".join(problems))


def test_no_function_rebinds_the_gettext_underscore():
    problems = rebound_underscores(_app_sources())
    assert not problems, "functions that call _() but bind `_` (name it `_unused`):\n" + "\n".join(problems)


def test_no_chinese_english_pairs_in_the_code():
    problems = pair_strings(_app_sources())
    assert not problems, ("Chinese / English pairs (the Chinese is the msgid, the English goes in "
                          f"{PO.name}):\n" + "\n".join(problems))


SAMPLE = '''
from flask import flash
from flask_babel import gettext as _
from app.errors import DomainError, Invalid, NotFound
MESSAGE = "a constant"
class TooMany(DomainError):
    pass
def f(x):
    raise Invalid("title", "title is required")
    raise NotFound(f"{x} not found")
    raise TooMany(MESSAGE)
    raise DomainError(_("好的"), {"body": ["too deep"]})
    flash("Saved", "success")
    raise Invalid("title", _(f"{x}不存在"))
    raise Invalid("title", _("%(x)s不存在", x=x))
    flash(_("已保存"), "success")
    flash(_("已领取") if x == "fulfil" else "Cancelled", "success")
    raise Forbidden(_("无权操作"), {"password": ["must_change_password"]})
    message = "手机号应为11位数字 / phone must be 11 digits"
    other = f"请求体过大（上限 {x}） / request body too large (limit {x})"
    fine = "邀请 {x} 领单"
    """Not a docstring: an expression."""
'''


def test_the_scans_find_what_they_look_for():
    """Each check can fail: on a sample with every kind of offence, each is reported once."""
    problems = untranslated_messages({"app/auth/sessions.py": SAMPLE})
    assert [p.split(": ", 1)[1] for p in problems] == [
        "Invalid('title is required')", "NotFound(\"f'{x} not found'\")", "TooMany('a constant')",
        "DomainError('too deep')", "flash('Saved')", "flash('Cancelled')",
        "_() of a formatted string (use %(name)s)"], problems
    eager = ("A = _('好')\nclass C:\n    b = gettext('好')\n"
             "def f(x=_('好'), y=_l('好')):\n    return _('好')\n")
    assert sorted(eager_gettext({"sample.py": eager})) == [
        "sample.py:1: _()", "sample.py:3: gettext()", "sample.py:4: _()"]
    rebinding = "def f(x):\n    a, _ = x\n    return _('好')\n"
    assert rebound_underscores({"sample.py": rebinding}) == ["sample.py:1: f"]
    pairs = pair_strings({"sample.py": SAMPLE})
    assert [p.split(": ", 1)[1] for p in pairs] == [
        "'手机号应为11位数字 / phone must be 11 digits'",
        "'请求体过大（上限 {}） / request body too large (limit {})'"], pairs


# ---- the API answers in the request's language ---------------------------------------------------

def _ends_before_start(world, api, headers):
    now = utcnow()
    return api(world.staff1).post("/activities", {
        "community_id": world.comm1.id, "title": "敬老院探访", "category": "关爱老人",
        "starts_at": (now + timedelta(days=2)).isoformat(), "ends_at": now.isoformat(), "capacity": 10},
        headers=headers)


def _not_an_integer(world, api, headers):
    return api(world.member1).post("/registrations", {"community_id": "abc", "address": "x"}, headers=headers)


def _unknown_order(world, api, headers):
    return api(world.staff1).get("/orders/999999", headers=headers)


def _unknown_path(world, api, headers):
    return api(world.staff1).get("/no-such-thing", headers=headers)


def _too_large(world, api, headers):
    client = api().client
    limit = client.application.config["MAX_CONTENT_LENGTH"]
    return client.post("/api/v1/auth/token", data=b"x" * (limit + 1), content_type="application/json",
                       headers=headers)


def _no_token(world, api, headers):
    return api().get("/me", headers=headers)


def _wrong_method(world, api, headers):
    return api(world.staff1).delete("/me", headers=headers)


def _too_deep(world, api, headers):
    return api().post("/auth/token", _nested(100), headers=headers)


def _nested(depth: int):
    body: list = []
    for _n in range(depth):
        body = [body]
    return body


def _throttled(world, api, headers):
    wrong = {"username": world.staff1.username, "password": "wrong-password"}
    for _n in range(5):
        assert api().post("/auth/token", wrong).status_code == 401
    return api().post("/auth/token", wrong, headers=headers)


# (what, request, status, (message, a field's message), the same in English): the message starts
# with the text given; the field's message too where one is given.
API_ERRORS = [
    ("service error", _ends_before_start, 422, ("结束时间须晚于开始时间", "结束时间须晚于开始时间"),
     ("ends_at must be after starts_at", "ends_at must be after starts_at")),
    ("schema error", _not_an_integer, 422, ("输入有误：community_id", "须为整数"),
     ("Invalid input: community_id", "Not a valid integer")),
    ("unknown id", _unknown_order, 404, ("工单不存在", None), ("Order not found", None)),
    ("unknown path", _unknown_path, 404, ("未找到", None), ("Not found", None)),
    ("body too large", _too_large, 413, ("请求体过大（上限 ", None),
     ("Request body too large (limit ", None)),
    ("no token", _no_token, 401, ("需要登录", None), ("Authentication required", None)),
    ("wrong method", _wrong_method, 405, ("不支持该请求方法", None), ("Method not allowed", None)),
    ("nested too deep", _too_deep, 400, ("JSON 嵌套过深（最多 64 层）", "JSON 嵌套过深"),
     ("JSON body nested deeper than 64 levels", "JSON body nested deeper than 64 levels")),
    ("throttled", _throttled, 429, ("操作太频繁，请稍后再试", None),
     ("Too many attempts; please try again later", None)),
]
# Accept-Language → the language of the answer (Chinese unless English comes first).
LANGUAGES = [(None, "zh"), ("en", "en"), ("en-US,en;q=0.9", "en"), ("fr", "zh"),
             ("zh-CN,zh;q=0.9,en;q=0.8", "zh"), ("en;q=0.5, zh;q=0.9", "zh")]


@pytest.mark.parametrize(("what", "call", "status", "chinese", "english"), API_ERRORS,
                         ids=[e[0] for e in API_ERRORS])
@pytest.mark.parametrize(("header", "lang"), LANGUAGES, ids=[str(h) for h, _ in LANGUAGES])
def test_api_errors_answer_in_the_request_language(world, api, what, call, status, chinese, english,
                                                   header, lang):
    res = call(world, api, {"Accept-Language": header} if header else {})
    assert res.status_code == status, res.json
    message, field_message = english if lang == "en" else chinese
    assert res.json["message"].startswith(message), res.json
    assert bool(CJK.search(res.json["message"])) == (lang == "zh"), res.json
    if field_message:
        first = next(iter(res.json["errors"].values()))[0]
        assert first.startswith(field_message), res.json
    assert res.json["status"].isascii()  # the HTTP reason phrase: a token like `code`


def test_the_lang_cookie_and_parameter_win_over_the_header(world, api):
    client = api(world.staff1)
    res = client.get("/orders/999999?lang=zh_CN", headers={"Accept-Language": "en"})
    assert res.json["message"] == "工单不存在"
    client.client.set_cookie("lang", "en")
    assert client.get("/orders/999999").json["message"] == "Order not found"
    client.client.delete_cookie("lang")


def test_pages_ignore_the_header(client):
    html = client.get("/login", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="zh-CN">' in html
