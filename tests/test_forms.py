"""Every form of the app answers a bad submission in the page's language (Chinese by default,
English with the language cookie), with the error next to its field and what was typed kept in
the form sent back (issue 14). The forms are discovered (every subclass of app.forms.Form), so
a new form without a case here fails `test_every_form_has_a_case`."""
from __future__ import annotations

import html as html_lib
import importlib
import pkgutil
import re
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
import sqlalchemy as sa

import app as app_package
from app.activities.services import create_activity
from app.certificates.services import issue
from app.clock import local_today, utcnow
from app.extensions import db
from app.forms import Form
from app.honours.services import decide, nominate
from app.orders import services as orders
from app.points.models import ScoringRule
from app.projects.services import create_project
from app.registrations.services import register
from app.service.services import create_household, create_record
from app.teams.services import create_team
from tests import factories as f
from tests.conftest import settle

CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
LONG = "长" * 600  # longer than any reason or note column (500)


@dataclass(frozen=True)
class Case:
    who: str | None  # an attribute of the arranged world, None: signed out
    path: str  # may name the arranged ids: {order}, {claimed}, {completed}, {record}, {member}, {comm}…
    data: dict
    error_field: str  # the field (with its prefix) the error must stand next to
    typed: tuple[str, ...] = field(default=())  # what must come back in the form


def _all_form_classes() -> set[type]:
    for module in pkgutil.walk_packages(app_package.__path__, "app."):
        if module.name.endswith(".forms"):
            importlib.import_module(module.name)
    found, todo = set(), [Form]
    while todo:
        for sub in todo.pop().__subclasses__():
            if sub.__module__.startswith("app.") and sub not in found:
                found.add(sub)
                todo.append(sub)
    return found


def _name(cls: type) -> str:
    return f"{cls.__module__.removeprefix('app.').removesuffix('.forms')}.{cls.__name__}"


CASES: dict[str, Case] = {
    "places.PlaceForm": Case("admin", "/admin/places", {
        "p-kind": "community", "p-name": "新社区甲", "p-parent_id": "999999"}, "p-parent_id", ("新社区甲",)),
    "places.UnitForm": Case("admin", "/admin/units", {"u-name": "新单位乙", "u-kind": "火星"}, "u-kind",
                            ("新单位乙",)),
    "places.AccountForm": Case("admin", "/admin/accounts", {
        "a-username": "newstaff9", "a-password": "secret-pass-1", "a-name": "周九", "a-phone": "12ab",
        "a-role": "staff", "a-place_id": "{comm}"}, "a-phone", ("newstaff9", "周九", "12ab")),
    "auth.LoginForm": Case(None, "/login", {"username": "someone9", "password": ""}, "password",
                           ("someone9",)),
    "auth.SignupForm": Case(None, "/signup", {"username": "newmember9", "password": "long-enough-1",
                                              "name": "吴十", "phone": "12ab", "unit_id": "{unit}"},
                            "phone", ("newmember9", "吴十", "12ab")),
    "auth.PasswordChangeForm": Case("member1", "/me/password", {
        "current_password": "", "new_password": "another-pass-2", "confirm": "another-pass-2"},
        "current_password"),
    "phone_signin.PhoneForm": Case(None, "/login/phone/code", {"phone": "12ab"}, "phone", ("12ab",)),
    "phone_signin.CodeForm": Case(None, "/login/phone", {"phone": "13800138000", "code": "12"}, "code",
                                  ("13800138000",)),
    "orders.OrderForm": Case("resident1", "/orders/new", {
        "title": "修水管", "category": "维修服务", "urgency": "normal", "address": "仓边路8号",
        "contact_phone": "12ab"}, "contact_phone", ("修水管", "仓边路8号", "12ab")),
    "orders.DispatchForm": Case("staff1", "/orders/{order}/dispatch", {"target": "", "note": "请尽快处理"},
                                "target", ("请尽快处理",)),
    "orders.ReasonForm": Case("resident1", "/orders/{order}/cancel", {"reason": LONG}, "reason", (LONG,)),
    "orders.NoteForm": Case("unit_admin1", "/orders/{dispatched}/accept", {"note": LONG}, "note", (LONG,)),
    "orders.CompleteForm": Case("member1", "/orders/{claimed}/complete", {"note": LONG}, "note", (LONG,)),
    "orders.ReleaseForm": Case("member1", "/orders/{claimed}/release", {"reason": LONG}, "reason", (LONG,)),
    "orders.RateForm": Case("resident1", "/orders/{completed}/rate", {"comment": "上门很及时"}, "score",
                            ("上门很及时",)),
    "registrations.TransferForm": Case("member1", "/me/transfer", {
        "community_id": "0", "address": "新家路1号"}, "community_id", ("新家路1号",)),
    "registrations.RegistrationForm": Case("newbie", "/register", {
        "community_id": "0", "address": "中山路1号", "skills": "修电脑", "availability": "周末"},
        "community_id", ("中山路1号", "修电脑", "周末")),
    "registrations.RejectForm": Case("staff1", "/staff/registrations/{registration}/reject", {"reason": LONG},
                                     "reason", (LONG,)),
    "registrations.UnitRegistrationForm": Case("staff1", "/staff/unit-registrations", {
        "unit_id": "0", "community_id": "{comm}", "resources-0-kind": "", "resources-0-name": "会议室",
        "resources-1-kind": "", "resources-1-name": "志愿者"}, "unit_id", ("会议室", "志愿者")),
    "points.AdjustmentForm": Case("staff1", "/staff/points/adjust", {
        "member_id": "{member}", "points": "0", "reason": "补录积分甲"}, "points", ("补录积分甲",)),
    "points.RuleForm": Case("admin", "/admin/scoring-rules/{rule}", {
        "{rule}-title": "参加活动甲", "{rule}-points": "abc"}, "{rule}-points", ("参加活动甲", "abc")),
    "activities.ActivityForm": Case("staff1", "/activities/new", {
        "community_id": "{comm}", "title": "夜间巡逻甲", "category": "守护平安", "starts_at": "明天",
        "ends_at": "2030-01-01T12:00", "capacity": "20", "points": "5"}, "starts_at", ("夜间巡逻甲",)),
    "activities.AttendanceForm": Case("staff1", "/activities/{activity}/attendance", {"member_id": "abc"},
                                      "member_id", ("abc",)),
    "service.RecordForm": Case("member1", "/service/records/new", {
        "category": "守护平安", "started_at": "昨天", "hours": "2", "description": "打扫楼道甲"},
        "started_at", ("打扫楼道甲",)),
    "service.SuggestionForm": Case("member1", "/service/suggestions/new", {"title": "", "body": "增设路灯甲"},
                                   "title", ("增设路灯甲",)),
    "service.DecisionForm": Case("staff1", "/staff/verify/records/{record}", {
        "decision": "reject", "reason": LONG}, "reason", (LONG,)),
    "service.HouseholdForm": Case("staff1", "/staff/households", {
        "community_id": "{comm}", "name": "", "address": "仓边路2号甲"}, "name", ("仓边路2号甲",)),
    "service.PairingForm": Case("staff1", "/staff/pairings", {
        "household_id": "{household}", "member_id": "abc"}, "member_id", ("abc",)),
    "residents.ResidentSignupForm": Case(None, "/residents/signup", {
        "phone": "12ab", "code": "123456", "name": "赵六甲", "community_id": "{comm}",
        "address": "解放路3号"}, "phone", ("赵六甲", "解放路3号", "12ab")),
    "ratings.RatingForm": Case("staff1", "/members/{member}/rating", {
        "level": "火星", "comment": "表现良好甲"}, "level", ("表现良好甲",)),
    "ratings.ThresholdsForm": Case("admin", "/admin/rating-thresholds", {
        "place_id": "{street}", "year": "2026", "excellent-min_points": "abc"}, "excellent-min_points",
        ("abc",)),
    "announcements.AnnouncementForm": Case("staff1", "/announcements/new", {
        "place_id": "{comm}", "title": "", "body": "停水通知甲"}, "title", ("停水通知甲",)),
    "honours.NominationForm": Case("staff1", "/honours/new", {
        "kind": "team", "team_name": "志愿服务队甲", "community_id": "{comm}", "reasons": ""}, "reasons",
        ("志愿服务队甲",)),
    "honours.DecisionForm": Case("street_admin", "/honours/{nominated}/approve", {"note": LONG}, "note",
                                 (LONG,)),
    "honours.ObjectionForm": Case("member2", "/honours/{publicity}/object", {"reason": LONG}, "reason",
                                  (LONG,)),
    "rewards.RewardForm": Case("staff1", "/rewards/new", {
        "place_id": "{comm}", "name": "保温杯甲", "points": "abc", "stock": "5"}, "points", ("保温杯甲",)),
    "projects.ProjectForm": Case("staff1", "/projects/new", {
        "community_id": "{comm}", "title": "共建项目甲", "kind": "党建联建", "goals": "美化楼道甲",
        "starts_on": "明天", "ends_on": "2030-01-31", "places": "1", "slots": "10"}, "starts_on",
        ("共建项目甲", "美化楼道甲")),
    "projects.AgreementForm": Case("staff1", "/agreements/new", {
        "community_id": "{comm}", "unit_id": "{unit}", "title": "共建协议甲", "content": "共建内容甲",
        "starts_on": "明天", "ends_on": "2030-01-31"}, "starts_on", ("共建协议甲", "共建内容甲")),
    "teams.TeamForm": Case("staff1", "/teams/new", {
        "name": "服务队甲", "home": "community:{comm}", "leader_id": "abc"}, "leader_id",
        ("服务队甲", "abc")),
    "registrations.ResourceItemForm": Case("unit_admin1", "/unit/resources", {
        "kind": "", "name": "会议室甲", "quantity": "abc"}, "quantity", ("会议室甲", "abc")),
    "projects.ClaimForm": Case("unit_admin1", "/projects/{project}/claim", {"note": LONG}, "note", (LONG,)),
    "projects.NoteForm": Case("staff1", "/projects/{project}/update", {"note": LONG * 2}, "note",
                              (LONG * 2,)),
    "projects.CloseForm": Case("staff1", "/projects/{project}/close", {"outcome": LONG * 4}, "outcome",
                               (LONG * 4,)),
    "projects.ReasonForm": Case("staff1", "/projects/{project}/cancel", {"reason": LONG}, "reason", (LONG,)),
    "projects.SessionForm": Case("staff1", "/projects/{project}/sessions/new", {
        "title": "场次甲", "day": "明天", "starts_at": "09:00", "ends_at": "11:00", "location": "活动室甲",
        "slots": "5"}, "day", ("场次甲", "活动室甲")),
    "teams.MemberForm": Case("member1", "/teams/{team}/members", {"member_id": "abc"}, "member_id", ("abc",)),
    "teams.ClaimForm": Case("member1", "/teams/{team}/claims/project", {"target_id": "abc"}, "target_id",
                            ("abc",)),
    "certificates.RevokeForm": Case("staff1", "/certificates/{certificate}/revoke", {"reason": LONG},
                                    "reason", (LONG,)),
}
# Forms a person types nothing into: hidden fields, a file, a tick box (checked below).
NOTHING_TYPED = {
    "orders.InviteForm", "orders.ConfirmForm", "activities.CheckinForm", "imports.ConfirmForm",
    "imports.UploadForm", "ratings.PublishForm", "ratings.PublicityForm", "rewards.RedeemForm",
    "orders.board.BoardDispatchForm",
}


def test_every_form_has_a_case():
    names = {_name(cls) for cls in _all_form_classes()}
    assert names == set(CASES) | NOTHING_TYPED, (names - set(CASES) - NOTHING_TYPED, set(CASES) - names)


@pytest.mark.parametrize("name", sorted(NOTHING_TYPED))
def test_forms_without_a_case_have_nothing_to_type(app, name):
    from wtforms import FileField, HiddenField, StringField, TextAreaField

    cls = next(c for c in _all_form_classes() if _name(c) == name)
    with app.test_request_context():
        form = cls(formdata=None)
        typed = [fld.name for fld in form if isinstance(fld, StringField | TextAreaField)
                 and not isinstance(fld, HiddenField | FileField)]
    assert typed == [], typed


@pytest.fixture
def arranged(world):
    """The world with something for each form to act on."""
    w, now = world, utcnow()
    from app.registrations.units import register_unit

    register_unit(unit=w.unit1, community_id=w.comm1.id, resources=["志愿服务"], actor=w.admin)
    ids = {"comm": w.comm1.id, "unit": w.unit1.id, "member": w.member1.id, "street": w.street1.id}
    ids["order"] = orders.create_order(w.resident1, title="楼道灯坏了", category="守护平安").id
    dispatched = orders.create_order(w.resident1, title="换灯泡", category="维修服务")
    orders.dispatch(w.staff1, dispatched.id, unit_id=w.unit1.id)
    ids["dispatched"] = dispatched.id
    claimed = orders.create_order(w.resident1, title="修门锁", category="维修服务")
    orders.dispatch(w.staff1, claimed.id, to_pool=True)
    orders.claim(w.member1, claimed.id)
    ids["claimed"] = claimed.id
    completed = orders.create_order(w.resident1, title="买药", category="关爱老人")
    orders.dispatch(w.staff1, completed.id, to_pool=True)
    orders.claim(w.member2, completed.id)
    orders.complete(w.member2, completed.id, "已送到")
    ids["completed"] = completed.id
    pending = f.MemberFactory(unit=w.unit1, username="pending_w")
    ids["registration"] = register(pending, community_id=w.comm1.id, grid_id=None, address="仓边路9号",
                                   skills=[], availability="").id
    ids["record"] = create_record(w.member1, community_id=w.comm1.id, category="守护平安",
                                  started_at=now - timedelta(days=1), hours=2, description="巡查").id
    ids["household"] = create_household(w.staff1, community_id=w.comm1.id, name="李大爷",
                                        address="仓边路1号").id
    ids["activity"] = create_activity(
        w.staff1, community_id=w.comm1.id, title="夜间巡逻", category="守护平安",
        starts_at=now + timedelta(days=1), ends_at=now + timedelta(days=1, hours=2), capacity=20).id
    ids["nominated"] = nominate(w.staff1, kind="service_star", reasons="热心服务", member_id=w.member1.id).id
    publicity = nominate(w.staff1, kind="team", reasons="巡逻队", team_name="平安队", community_id=w.comm1.id)
    decide(w.street_admin, publicity.id, "approve")
    ids["publicity"] = publicity.id
    ids["project"] = create_project(
        w.staff1, community_id=w.comm1.id, title="楼道微改造", kind="党建联建", goals="美化三栋楼道",
        starts_on=local_today(), ends_on=local_today() + timedelta(days=30), slots=5, points=10).id
    ids["team"] = create_team(w.staff1, name="仓边服务队", leader_id=w.member1.id, community_id=w.comm1.id).id
    ids["certificate"] = issue(w.staff1, w.member1.id).certificate.id
    rule = db.session.scalars(sa.select(ScoringRule).order_by(ScoringRule.id)).first()
    ids["rule"] = rule.key if rule else "attendance"
    settle()
    return w, ids


def _fill(value: str, ids: dict) -> str:
    return value.format(**ids) if "{" in value else value


def _error_text(body: str, field_name: str) -> str:
    found = re.search(rf'data-testid="error-{re.escape(field_name)}"[^>]*>(.*?)</(small|p)>', body, re.S)
    assert found, f"no error shown at {field_name}"
    return html_lib.unescape(re.sub(r"<[^>]+>", " ", found.group(1))).strip()


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
@pytest.mark.parametrize("name", sorted(CASES))
def test_a_bad_submission_comes_back_in_the_page_language_with_what_was_typed(arranged, page, name, lang):
    w, ids = arranged
    case = CASES[name]
    client = page(getattr(w, case.who) if case.who else None)
    client.set_cookie("lang", lang)
    data = {_fill(k, ids): _fill(v, ids) for k, v in case.data.items()}
    res = client.post(_fill(case.path, ids), data=data)
    body = res.get_data(as_text=True)
    assert 400 <= res.status_code < 500, (res.status_code, res.headers.get("Location"))
    error = _error_text(body, _fill(case.error_field, ids))
    if lang == "en":
        assert not CJK.search(error), error
    else:
        assert CJK.search(error) and not re.search(r"[A-Za-z]{3,}", error), error
    for value in case.typed:
        assert html_lib.escape(value, quote=True) in body or value in body, f"{value!r} not kept"
