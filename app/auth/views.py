"""Sign-in, sign-out, member sign-up, the password pages and the account actions of admins
and staff (reset a password, disable and re-enable an account)."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth import accounts, services, sessions
from app.auth.forms import LoginForm, PasswordChangeForm, SignupForm
from app.auth.permissions import login_required, roles_required
from app.auth.roles import ADMINS, STAFF_LIKE
from app.auth.signals import units_asked
from app.auth.throttling import sign_in_throttled, sign_up_throttled
from app.errors import DomainError, refuse_form
from app.redirects import redirect_back, redirect_to
from app.signals import ask

bp = Blueprint("auth", __name__)




@bp.route("/login", methods=["GET", "POST"])
@sign_in_throttled
def login():
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.username.data, form.password.data)
        if user is not None:
            sessions.sign_in(user)
            if user.must_change_password:
                flash(_("请先修改密码后再继续"), "error")
                return redirect(url_for("auth.change_password"))
            return redirect_to(request.args.get("next"), url_for("main.home"))
        flash(_("用户名或密码错误"), "error")
        return render_template("auth/login.html", form=form), 401
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
def logout():
    sessions.sign_out()
    return redirect(url_for("main.home"))


@bp.post("/logout/all")
@login_required
def logout_everywhere():
    """Signs the user out on every device: all his page sessions and API tokens end."""
    sessions.end_sessions(current_user)
    sessions.sign_out()
    flash(_("已在所有设备上退出登录"), "success")
    return redirect(url_for("auth.login"))


@bp.route("/me/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = PasswordChangeForm()
    if not current_user.has_password:  # signed in by phone: his first password, nothing to confirm
        del form.current_password
    if form.validate_on_submit():
        try:
            current = form.current_password.data if form.current_password else ""
            accounts.change_password(current_user, current, form.new_password.data,
                                     keep_session_id=sessions.current_session_id())
        except DomainError as err:
            status = refuse_form(form, err)
            return render_template("auth/change_password.html", form=form), status
        flash(_("密码已修改，其他设备上的登录已退出"), "success")
        return redirect(url_for("main.home"))
    return render_template("auth/change_password.html", form=form), 422 if form.errors else 200


# ---- account actions of admins and staff ----------------------------------------------------

@bp.post("/accounts/<int:user_id>/password-reset")
@roles_required(*STAFF_LIKE)
def reset_password(user_id):
    """Shows the temporary password once, on this page (never in a cookie or a link)."""
    user, password = accounts.reset_password_by(current_user, user_id)
    return render_template("auth/temporary_password.html", user=user, password=password)


@bp.post("/accounts/<int:user_id>/<any(disable, enable):action>")
@roles_required(*ADMINS)
def set_active(user_id, action):
    user = accounts.set_active_by(current_user, user_id, action == "enable")
    flash(_("已启用账号 %(name)s", name=user.username) if user.is_active
          else _("已停用账号 %(name)s，其登录已全部退出", name=user.username), "success")
    return redirect_back(url_for("main.home"))


@bp.route("/signup", methods=["GET", "POST"])
@sign_up_throttled
def signup():
    form = SignupForm()
    units = ask(units_asked, "auth") or []  # the unit list lives above auth (app/places)
    form.unit_id.choices = [(0, _("请选择工作单位"))] + [(u.id, u.name) for u in units]
    if form.validate_on_submit():
        try:
            user = services.signup_member(
                username=form.username.data, password=form.password.data, name=form.name.data,
                phone=form.phone.data, unit_id=form.unit_id.data,
            )
        except DomainError as err:
            status = refuse_form(form, err)
            return render_template("auth/signup.html", form=form), status
        sessions.sign_in(user)
        flash(_("注册成功，请向居住地社区报到"), "success")
        return redirect(url_for("registrations.register_page"))
    return render_template("auth/signup.html", form=form), 422 if form.errors else 200
