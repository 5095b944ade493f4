"""/login/phone: ask for a code, then sign in with it (every role)."""
from urllib.parse import urlencode

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.auth import sessions, sms
from app.errors import DomainError, refuse_form
from app.extensions import limiter
from app.phone_signin import services
from app.phone_signin.forms import CodeForm, PhoneForm
from app.redirects import safe_path
from app.transaction import commit

bp = Blueprint("phone_signin", __name__)


def _target(arg: str) -> str | None:
    """The page named by the query argument (`next`, `back`) if it is on this site; None if absent."""
    target = request.args.get(arg)
    return safe_path(target)


def _page(phone_form=None, code_form=None, shown_code=None, status=200):
    return render_template("phone_signin/login.html", phone_form=phone_form or PhoneForm(),
                           code_form=code_form or CodeForm(), shown_code=shown_code,
                           next=_target("next")), status


@bp.route("/login/phone")
def login():
    return _page()


@bp.post("/login/phone/code")
def send_code():
    """Step one: a code by SMS (shown on the page outside production)."""
    form = PhoneForm()
    if not form.validate_on_submit():
        return _page(phone_form=form, status=422)
    try:
        code = services.send_code(form.phone.data, request.remote_addr or "")
    except DomainError as err:
        status = refuse_form(form, err)
        return _page(phone_form=form, status=status)
    flash(_("验证码已发送，5分钟内有效"), "success")
    back = _target("back")
    if back:  # another page's form asked for the code (resident sign-up)
        if current_app.config["SMS_CODE_SHOWN"]:
            flash(_("非生产环境：验证码为 %(code)s", code=code), "info")
        return redirect(f"{back}?{urlencode({'phone': form.phone.data})}")
    shown = code if current_app.config["SMS_CODE_SHOWN"] else None
    return _page(code_form=CodeForm(phone=form.phone.data), shown_code=shown)


@bp.post("/login/phone")
@limiter.limit(lambda: current_app.config["LOGIN_FAILURE_LIMIT"], key_func=lambda: request.remote_addr or "",
               deduct_when=lambda r: r.status_code == 401)
def sign_in():
    """Step two: the code signs in the phone's account."""
    form = CodeForm()
    if not form.validate_on_submit():
        return _page(code_form=form, status=422)
    try:
        user = sms.sign_in_with_code(form.phone.data, form.code.data)
    except DomainError as err:
        status = refuse_form(form, err)
        return _page(code_form=form, status=status)
    commit()  # a wrong code's try counts, though a 401 answer rolls back the rest
    if user is None:
        form.code.errors = [_("验证码错误或已失效")]
        return _page(code_form=form, status=401)
    sessions.sign_in(user)
    return redirect(_target("next") or url_for("main.home"))
