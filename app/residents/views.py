"""/residents/signup: a resident signs up with his phone and a code, no password."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.auth import sessions
from app.errors import DomainError, refuse_form
from app.places.models import PlaceKind
from app.places.services import place_choices
from app.residents import services
from app.residents.forms import ResidentSignupForm

bp = Blueprint("residents", __name__)


@bp.route("/residents/signup", methods=["GET", "POST"])
def signup():
    form = ResidentSignupForm(phone=request.args.get("phone", ""))
    form.community_id.choices = place_choices((PlaceKind.COMMUNITY,), blank=_("请选择社区"))
    form.grid_id.choices = place_choices((PlaceKind.GRID,), blank=_("不清楚"))
    if form.validate_on_submit():
        try:
            user = services.signup(phone=form.phone.data, code=form.code.data, name=form.name.data,
                                   community_id=form.community_id.data, grid_id=form.grid_id.data or None,
                                   address=form.address.data)
        except DomainError as err:
            status = refuse_form(form, err)
            return render_template("residents/signup.html", form=form), status
        sessions.sign_in(user)
        flash(_("注册成功"), "success")
        return redirect(url_for("main.home"))
    return render_template("residents/signup.html", form=form), 422 if form.errors else 200
