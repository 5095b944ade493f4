"""Sign-in, sign-out and member sign-up pages."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_user, logout_user

from app.auth import services
from app.auth.forms import LoginForm, SignupForm
from app.auth.throttling import sign_in_throttled, sign_up_throttled
from app.errors import DomainError, attach_to_form
from app.extensions import db
from app.places.services import list_units

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    """A path on this site only: browsers read "//host" and "/\\host" as another site."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")) and "\\" not in target:
        return target
    return url_for("main.home")


@bp.route("/login", methods=["GET", "POST"])
@sign_in_throttled
def login():
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.username.data, form.password.data)
        if user is not None:
            login_user(user)
            return redirect(_safe_next(request.args.get("next")))
        flash(_("用户名或密码错误"), "error")
        return render_template("auth/login.html", form=form), 401
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
def logout():
    logout_user()
    return redirect(url_for("main.home"))


@bp.route("/signup", methods=["GET", "POST"])
@sign_up_throttled
def signup():
    form = SignupForm()
    form.unit_id.choices = [(0, _("请选择工作单位"))] + [(u.id, u.name) for u in list_units()]
    if form.validate_on_submit():
        try:
            user = services.signup_member(
                username=form.username.data, password=form.password.data, name=form.name.data,
                phone=form.phone.data, unit_id=form.unit_id.data,
            )
        except DomainError as err:
            db.session.rollback()
            attach_to_form(form, err)
            return render_template("auth/signup.html", form=form), err.status_code
        db.session.commit()
        login_user(user)
        flash(_("注册成功，请向居住地社区报到"), "success")
        return redirect(url_for("registrations.register_page"))
    return render_template("auth/signup.html", form=form), 422 if form.errors else 200
