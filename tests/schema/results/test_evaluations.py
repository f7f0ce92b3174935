"""Self- and manager evaluations through the API: drafts, submission, who may write and read
which, per-field validation, and messages in both languages."""

from __future__ import annotations

from schema.ids import decode
from server.models import AuditEntry, Evaluation
from server.scoring import recompute
from tests.schema.plans.planning import step
from tests.schema.results.support import active_plan
from tests.schema.results.test_evaluations_support import (
    READ,
    SAVE_MANAGER,
    SAVE_SELF,
    assign,
    error,
    evaluating_plan,
    keys,
    open_dates,
    today,
)


async def test_the_employee_drafts_then_submits_his_self_evaluation(api, make_company, db):
    s = await make_company()
    plan, assignment = await evaluating_plan(api, s)
    revenue, customers, teamwork = keys(plan)
    staff = s.user("staff")
    draft = await api.gql(
        SAVE_SELF,
        {
            "a": assignment,
            "i": {
                "items": [{"indicatorKey": customers, "value": "5", "comment": "两个大客户"}],
                "overallComment": "本月达成目标",
            },
        },
        as_user=staff,
    )
    saved = draft["data"]["saveSelfEvaluation"]
    assert (saved["kind"], saved["state"], saved["submittedAt"]) == ("SELF", "DRAFT", None)
    assert saved["author"]["username"] == staff
    assert saved["deadline"] == open_dates()["deadlines"]["selfEvaluation"]
    items = {i["indicatorKey"]: i for i in saved["items"]}
    assert list(items) == [revenue, customers, teamwork]  # every indicator, in order
    assert (items[customers]["value"], items[customers]["comment"]) == ("5", "两个大客户")
    assert items[revenue] == {
        "indicatorKey": revenue,
        "indicatorName": "销售额 Revenue",
        "comment": "",
        "value": None,
        "rating": None,
        "ratingLabel": None,
    }

    # A patch: the item's value and the overall comment stay, the new comment is added.
    patched = await api.gql(
        SAVE_SELF,
        {"a": assignment, "i": {"items": [{"indicatorKey": revenue, "comment": "回款慢"}]}},
        as_user=staff,
    )
    body = patched["data"]["saveSelfEvaluation"]
    items = {i["indicatorKey"]: i for i in body["items"]}
    assert (items[customers]["value"], items[revenue]["comment"]) == ("5", "回款慢")
    assert body["overallComment"] == "本月达成目标"

    submitted = await api.gql(SAVE_SELF, {"a": assignment, "i": {}, "s": True}, as_user=staff)
    body = submitted["data"]["saveSelfEvaluation"]
    assert body["state"] == "SUBMITTED" and body["submittedAt"]

    again = await api.gql(
        SAVE_SELF, {"a": assignment, "i": {"overallComment": "改一下"}}, as_user=staff
    )
    assert error(again)["extensions"]["reason"] == "EVALUATION_SUBMITTED"
    read = await api.gql(READ, {"a": assignment, "k": "SELF"}, as_user=staff)
    assert read["data"]["evaluation"]["overallComment"] == "本月达成目标"

    row = await Evaluation.get(id=decode(body["id"], "Evaluation"))
    assert (row.kind, row.state, row.items[customers]["value"]) == ("self", "submitted", "5")
    actions = await AuditEntry.filter(object_id=str(row.id)).values_list("action", flat=True)
    assert sorted(actions) == ["evaluation.save", "evaluation.save", "evaluation.submit"]


async def test_nobody_writes_another_persons_self_evaluation(api, make_company):
    s = await make_company()
    _, assignment = await evaluating_plan(api, s)
    for user, code in (("worker", "NOT_FOUND"), ("mgr", "FORBIDDEN")):
        result = await api.gql(
            SAVE_SELF, {"a": assignment, "i": {"overallComment": "x"}}, as_user=s.user(user)
        )
        assert error(result)["extensions"]["code"] == code, user
        read = await api.gql(READ, {"a": assignment, "k": "SELF"}, as_user=s.user("worker"))
        assert error(read)["extensions"]["code"] == "NOT_FOUND"


async def test_the_manager_rates_and_submits(api, make_company, db, monkeypatch):
    recomputed: list[tuple[object, ...]] = []
    real = recompute.recompute

    async def recording(company_id, plan_id, employee_ids=None):
        recomputed.append((plan_id, tuple(employee_ids or ())))
        return await real(company_id, plan_id, employee_ids)

    monkeypatch.setattr(recompute, "recompute", recording)
    s = await make_company()
    plan, assignment = await evaluating_plan(api, s)
    revenue, _, teamwork = keys(plan)
    mgr = s.user("mgr")
    draft = await api.gql(
        SAVE_MANAGER,
        {"a": assignment, "i": {"items": [{"indicatorKey": revenue, "comment": "稳定"}]}},
        as_user=mgr,
    )
    assert draft["data"]["saveManagerEvaluation"]["state"] == "DRAFT"
    # Submitting needs every qualitative indicator rated, then the overall rating.
    early = await api.gql(SAVE_MANAGER, {"a": assignment, "i": {}, "s": True}, as_user=mgr)
    found = error(early)["extensions"]
    assert (found["reason"], found["field"]) == ("RATING_MISSING", "items")
    assert "团队协作 Teamwork" in error(early)["message"]
    rated = {"items": [{"indicatorKey": teamwork, "rating": 4}]}
    unrated = await api.gql(SAVE_MANAGER, {"a": assignment, "i": rated, "s": True}, as_user=mgr)
    assert (error(unrated)["extensions"]["reason"], error(unrated)["extensions"]["field"]) == (
        "REQUIRED",
        "overallRating",
    )
    done = await api.gql(
        SAVE_MANAGER,
        {"a": assignment, "i": {**rated, "overallRating": 5, "overallComment": "优秀"}, "s": True},
        as_user=mgr,
    )
    body = done["data"]["saveManagerEvaluation"]
    items = {i["indicatorKey"]: i for i in body["items"]}
    assert (body["state"], body["overallRating"], body["overallRatingLabel"]) == (
        "SUBMITTED",
        5,
        "Outstanding",
    )
    assert (items[teamwork]["rating"], items[teamwork]["ratingLabel"]) == (
        4,
        "Exceeds expectations",
    )
    assert items[revenue]["comment"] == "稳定"  # the draft's comment was kept
    zh = await api.gql(READ, {"a": assignment, "k": "MANAGER"}, as_user=mgr, lang="zh")
    assert zh["data"]["evaluation"]["overallRatingLabel"] == "卓越"
    row = await Evaluation.get(id=decode(body["id"], "Evaluation"))
    assert (row.kind, row.overall_rating, row.items[teamwork]["rating"]) == ("manager", 5, 4)
    # Drafts and refused submissions change no score; the submission does, once.
    assert recomputed == [(row.plan_id, (row.employee_id,))]


async def test_fields_are_checked_one_by_one(api, make_company):
    s = await make_company()
    plan, assignment = await evaluating_plan(api, s)
    revenue, customers, teamwork = keys(plan)
    cases = [
        (SAVE_SELF, "staff", {"items": [{"indicatorKey": "nope"}]}, "UNKNOWN_INDICATOR", "items[0].indicatorKey"),
        (SAVE_SELF, "staff", {"items": [{"indicatorKey": revenue, "value": "3"}]}, "VALUE_FROM_CONNECTOR", "items[0].value"),
        (SAVE_SELF, "staff", {"items": [{"indicatorKey": teamwork, "value": "3"}]}, "VALUE_ON_RATED", "items[0].value"),
        (SAVE_SELF, "staff", {"items": [{"indicatorKey": customers, "value": "1e99"}]}, "INVALID_FORMAT", "items[0].value"),
        (SAVE_SELF, "staff", {"overallComment": "长" * 2001}, "TOO_LONG", "overallComment"),
        (SAVE_SELF, "staff", {"items": [{"indicatorKey": customers, "comment": "a\x07"}]}, "INVALID_FORMAT", "items[0].comment"),
        (SAVE_SELF, "staff", {"items": [{"indicatorKey": customers}, {"indicatorKey": customers}]}, "DUPLICATE_KEY", "items[1].indicatorKey"),
        (SAVE_MANAGER, "mgr", {"items": [{"indicatorKey": teamwork, "rating": 6}]}, "RATING_RANGE", "items[0].rating"),
        (SAVE_MANAGER, "mgr", {"items": [{"indicatorKey": teamwork, "rating": 0}]}, "RATING_RANGE", "items[0].rating"),
        (SAVE_MANAGER, "mgr", {"items": [{"indicatorKey": customers, "rating": 3}]}, "RATING_ON_QUANTITATIVE", "items[0].rating"),
        (SAVE_MANAGER, "mgr", {"overallRating": 9}, "RATING_RANGE", "overallRating"),
        (SAVE_MANAGER, "mgr", {"items": [{"indicatorKey": revenue, "comment": "x" * 2001}]}, "TOO_LONG", "items[0].comment"),
    ]  # fmt: skip
    for document, user, given, reason, field in cases:
        result = await api.gql(document, {"a": assignment, "i": given}, as_user=s.user(user))
        found = error(result)["extensions"]
        assert (found["code"], found["reason"], found["field"]) == (
            "BAD_USER_INPUT",
            reason,
            field,
        ), given
    # A comment may run over several lines; nothing above was saved.
    fine = await api.gql(
        SAVE_SELF,
        {"a": assignment, "i": {"items": [{"indicatorKey": customers, "comment": "一\n二"}]}},
        as_user=s.user("staff"),
    )
    items = fine["data"]["saveSelfEvaluation"]["items"]
    assert [i["comment"] for i in items] == ["", "一\n二", ""]
    assert fine["data"]["saveSelfEvaluation"]["overallComment"] == ""


async def test_drafts_while_active_submission_once_evaluating(api, make_company):
    s = await make_company()
    plan = await active_plan(api, s, **open_dates())
    assignment = await assign(api, s, plan)
    staff = s.user("staff")
    draft = await api.gql(
        SAVE_SELF, {"a": assignment, "i": {"overallComment": "草稿"}}, as_user=staff
    )
    assert draft["data"]["saveSelfEvaluation"]["state"] == "DRAFT"
    early = await api.gql(SAVE_SELF, {"a": assignment, "i": {}, "s": True}, as_user=staff)
    assert error(early)["extensions"]["reason"] == "EVALUATION_NOT_STARTED"
    await step(api, plan["id"], "START_EVALUATION", s.user("perf"))
    done = await api.gql(SAVE_SELF, {"a": assignment, "i": {}, "s": True}, as_user=staff)
    assert done["data"]["saveSelfEvaluation"]["state"] == "SUBMITTED"


async def test_nobody_writes_the_manager_evaluation_of_himself(api, make_company):
    s = await make_company()
    plan = await active_plan(api, s, **open_dates())
    own = await assign(api, s, plan, who="mgr")  # the department manager is in his own scope
    result = await api.gql(
        SAVE_MANAGER, {"a": own, "i": {"overallComment": "自评"}}, as_user=s.user("mgr")
    )
    assert error(result)["extensions"]["reason"] == "OWN_EVALUATION"


async def test_messages_in_chinese(api, make_company):
    s = await make_company()
    plan, assignment = await evaluating_plan(api, s)
    revenue, _, teamwork = keys(plan)
    cases = [
        (SAVE_SELF, "staff", {"items": [{"indicatorKey": revenue, "value": "3"}]}, "数据来自 sales.revenue"),
        (SAVE_MANAGER, "mgr", {"items": [{"indicatorKey": teamwork, "rating": 7}]}, "1 至 5 的整数"),
        (SAVE_MANAGER, "mgr", {"items": [{"indicatorKey": revenue, "rating": 3}]}, "只有定性指标才能评分"),
    ]  # fmt: skip
    for document, user, given, expected in cases:
        result = await api.gql(
            document, {"a": assignment, "i": given}, as_user=s.user(user), lang="zh"
        )
        assert expected in error(result)["message"], result
    submitted = await api.gql(
        SAVE_SELF, {"a": assignment, "i": {}, "s": True}, as_user=s.user("staff")
    )
    assert "errors" not in submitted
    again = await api.gql(SAVE_SELF, {"a": assignment, "i": {}}, as_user=s.user("staff"), lang="zh")
    assert f"该评估已于 {today().isoformat()} 提交" in error(again)["message"]


async def test_a_self_evaluation_draft_is_the_employees_own_until_submitted(api, make_company):
    s = await make_company()
    plan, assignment = await evaluating_plan(api, s)
    staff, mgr = s.user("staff"), s.user("mgr")
    listed = """query($p: ID!) { evaluations(planId: $p) { edges { node { kind state } } } }"""
    saved = await api.gql(
        SAVE_SELF, {"a": assignment, "i": {"overallComment": "还在想"}}, as_user=staff
    )
    assert saved["data"]["saveSelfEvaluation"]["state"] == "DRAFT"
    # The manager neither reads the draft nor finds it in the plan's list; the author does.
    unseen = await api.gql(READ, {"a": assignment, "k": "SELF"}, as_user=mgr)
    assert unseen["data"]["evaluation"] is None
    page = await api.gql(listed, {"p": plan["id"]}, as_user=mgr)
    assert page["data"]["evaluations"]["edges"] == []
    own = await api.gql(READ, {"a": assignment, "k": "SELF"}, as_user=staff)
    assert own["data"]["evaluation"]["overallComment"] == "还在想"

    await api.gql(SAVE_SELF, {"a": assignment, "i": {}, "s": True}, as_user=staff)
    seen = await api.gql(READ, {"a": assignment, "k": "SELF"}, as_user=mgr)
    assert seen["data"]["evaluation"]["state"] == "SUBMITTED"
    page = await api.gql(listed, {"p": plan["id"]}, as_user=mgr)
    assert [e["node"] for e in page["data"]["evaluations"]["edges"]] == [
        {"kind": "SELF", "state": "SUBMITTED"}
    ]


async def test_the_person_one_reports_to_evaluates_him(api, make_company):
    """A department manager is evaluated by his VP (``team``), not by himself."""
    s = await make_company()
    plan, _ = await evaluating_plan(api, s)
    _, _, teamwork = keys(plan)
    managers_own = await assign(api, s, plan, who="mgr")
    rating = {"items": [{"indicatorKey": teamwork, "rating": 4}], "overallRating": 4}
    himself = await api.gql(
        SAVE_MANAGER, {"a": managers_own, "i": rating, "s": True}, as_user=s.user("mgr")
    )
    assert error(himself)["extensions"]["reason"] == "OWN_EVALUATION"
    by_vp = await api.gql(
        SAVE_MANAGER, {"a": managers_own, "i": rating, "s": True}, as_user=s.user("vpa")
    )
    assert by_vp["data"]["saveManagerEvaluation"]["state"] == "SUBMITTED", by_vp
    other_vp = await api.gql(
        SAVE_MANAGER, {"a": managers_own, "i": rating, "s": True}, as_user=s.user("vpb")
    )
    assert error(other_vp)["extensions"]["code"] == "NOT_FOUND"
