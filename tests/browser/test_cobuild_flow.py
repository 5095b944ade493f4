"""项目清单 end to end in phone-sized chromium, CSRF on: staff post a co-building project, a unit's
admin claims it committing two items of the unit's resource list, staff accept the claim, two
members sign up, staff close the project with its outcome, and the members see the points and
hours credited; then the community's staff rate the unit for the year and publish, and the unit's
admin sees its yearly rating with the delivered project counted. Everyone on his own phone."""

import re

from playwright.sync_api import expect

from app.extensions import db
from app.points.models import LedgerEntry
from app.projects.models import Project, ProjectClaim
from app.ratings.models import LEVEL_LABELS, UnitRating
from app.registrations.units import register_unit

VENUE = {"kind": "venue", "name": "二楼会议室", "quantity": 40, "available": "工作日白天"}
LAWYERS = {"kind": "professional", "name": "法律咨询", "description": "三名律师轮值"}


def test_a_project_from_posting_to_points(world, page, new_page, sign_in, committed):
    with committed():
        register_unit(
            unit=world.unit1, community_id=world.comm1.id, resources=[VENUE, LAWYERS], actor=world.admin
        )

    # Staff post the project from the project list.
    sign_in(page, world.staff1.username)
    page.goto("/projects")
    page.get_by_role("link", name="发布项目").click()
    page.get_by_label("项目名称").fill("社区法律服务月")
    page.get_by_label("项目类别").select_option(label="专业服务")
    page.get_by_label("项目目标").fill("每周六上午为居民提供法律咨询")
    page.get_by_label("开始日期").fill("2026-11-01")
    page.get_by_label("结束日期").fill("2026-12-31")
    page.get_by_label("党员名额").fill("5")
    page.get_by_label("参与积分").fill("12")
    page.get_by_label("每人服务时长（小时）").fill("3")
    page.get_by_role("button", name="发布").click()
    expect(page.get_by_role("alert")).to_contain_text("已发布共建项目")
    expect(page.get_by_test_id("project-status")).to_have_text("招募中")
    project_id = int(re.search(r"/projects/(\d+)$", page.url).group(1))

    # The unit's admin finds it and claims it with two items of the unit's resource list.
    unit = new_page()
    sign_in(unit, world.unit_admin1.username)
    unit.goto("/projects")
    unit.get_by_role("link", name="社区法律服务月").click()
    unit.get_by_label("二楼会议室").check()
    unit.get_by_label("法律咨询").check()
    unit.get_by_label("认领说明").fill("周六上午可用")
    unit.get_by_role("button", name="认领项目").click()
    expect(unit.get_by_role("alert")).to_contain_text("已认领，等待社区确认")
    expect(unit.get_by_test_id("claims")).to_contain_text("二楼会议室")

    # Staff accept the claim; the project is fully claimed.
    page.reload()
    page.get_by_role("button", name="确认认领").click()
    expect(page.get_by_role("alert")).to_contain_text("已确认认领")
    expect(page.get_by_test_id("project-status")).to_have_text("认领已满")

    # Two members of the community sign up on their phones.
    for member in (world.member1, world.member2):
        phone = new_page()
        sign_in(phone, member.username)
        phone.goto(f"/projects/{project_id}")
        phone.get_by_test_id("signup").click()
        expect(phone.get_by_role("alert")).to_contain_text("报名成功")
        phone.close()

    # Staff close it with the outcome.
    page.reload()
    page.get_by_label("项目成效").fill("共解答咨询46人次，调解纠纷3起")
    page.get_by_role("button", name="结项并记入积分").click()
    expect(page.get_by_role("alert")).to_contain_text("项目已结项")
    expect(page.get_by_test_id("outcome")).to_contain_text("共解答咨询46人次")
    expect(page.get_by_test_id("signups")).to_contain_text("3 小时 · 12 积分")

    # Each member sees the hours and points credited, and the points on his points page.
    member = new_page()
    sign_in(member, world.member1.username)
    member.goto("/me/projects")
    expect(member.get_by_test_id(f"my-project-{project_id}")).to_contain_text("服务时长 3 小时 · 积分 12")
    member.goto("/me/points")
    expect(member.locator("body")).to_contain_text("共建项目：社区法律服务月")
    with committed():
        assert db.session.get(Project, project_id).status == "closed"
        assert db.session.query(ProjectClaim).one().status == "delivered"
        paid = db.session.query(LedgerEntry).filter_by(source_type="project").all()
        assert sorted((e.member_id, e.points) for e in paid) == sorted(
            [(world.member1.id, 12), (world.member2.id, 12)]
        )

    unit.goto(f"/projects/{project_id}")
    expect(unit.get_by_test_id("claims")).to_contain_text("已完成")

    # The community's staff rate the unit for the year: the suggested level comes from its
    # figures, the delivered project among them; staff write the comment and publish.
    page.goto(f"/staff/unit-ratings?community_id={world.comm1.id}")
    row = page.get_by_test_id(f"unit-{world.unit1.id}")
    expect(row).to_contain_text("草稿")
    row.get_by_role("link", name=world.unit1.name).click()
    expect(page.get_by_test_id("projects-delivered")).to_have_text("1")
    suggested = page.get_by_test_id("level").inner_text().strip()
    score = page.get_by_test_id("score").inner_text().strip()
    # member1, the unit's only member in the community, served (the project): 100%, 优秀.
    assert (suggested, score) == ("优秀", "100.0")
    page.get_by_label("评语（必填）").fill("认领并完成社区法律服务月，党员全部参与服务")
    page.get_by_role("button", name="保存评议").click()
    expect(page.get_by_role("alert")).to_contain_text("评议已保存")
    page.goto(f"/staff/unit-ratings?community_id={world.comm1.id}")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="公布本年度单位评议").click()
    expect(page.get_by_role("alert")).to_contain_text("已公布 1 个单位")
    expect(page.get_by_test_id(f"unit-{world.unit1.id}")).to_contain_text("已公布")

    # The unit's admin sees the published yearly rating (双公示 at the unit) and its figures.
    unit.goto("/unit/community-ratings")
    published = unit.get_by_test_id(f"published-{world.comm1.id}")
    expect(published).to_contain_text(world.comm1.name)
    expect(published).to_contain_text(suggested)
    published.get_by_role("link", name=world.comm1.name).click()
    expect(unit.get_by_test_id("level")).to_have_text(suggested)
    expect(unit.get_by_test_id("score")).to_have_text(score)
    expect(unit.get_by_test_id("projects-delivered")).to_have_text("1")
    expect(unit.get_by_test_id("comment")).to_contain_text("认领并完成社区法律服务月")
    expect(unit.locator("body")).to_contain_text("已公布")
    with committed():
        rating = db.session.query(UnitRating).one()
        assert (rating.unit_id, rating.community_id) == (world.unit1.id, world.comm1.id)
        assert rating.published_at is not None and rating.figures["projects_delivered"] == 1
        assert LEVEL_LABELS[rating.level] == suggested
