"""知识库: editing with validation and audit, ranked Chinese search, and 直接办结 of a consultation."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from support.accounts import login, make_user
from support.cases import act, intake, staff
from zhili import migrate
from zhili.audit.models import AuditEntry
from zhili.auth.models import Role
from zhili.cases.models import Case, CaseEvent
from zhili.db import Database
from zhili.knowledge import service
from zhili.knowledge.models import KnowledgeEntry
from zhili.knowledge.search import KnowledgeIndex, terms
from zhili.taxonomy.service import load_default_categories

ENTRIES: list[dict[str, Any]] = [
    {
        "question": "公租房申请需要什么条件？",
        "answer": "申请公租房须具有本市户籍或持有效居住证，家庭收入和住房面积符合规定标准，"
        "向户籍所在地街道提交申请。",
        "category": "010101",
        "keywords": "公租房；申请条件 保障房",
        "source": "北京市公共租赁住房管理办法",
    },
    {
        "question": "公租房轮候一般需要多长时间？",
        "answer": "公租房实行轮候配租，轮候时间视房源情况而定，可登录住房保障网站查询轮候序号。",
        "category": "010101",
        "keywords": ["公租房", "轮候", "配租"],
    },
    {
        "question": "医保异地就医如何备案？",
        "answer": "可通过国家医保服务平台或到参保地医保经办机构办理异地就医备案，备案后可直接结算。",
        "category": "0504",
        "keywords": "医保;异地就医;备案;报销",
    },
    {
        "question": "孩子入学需要准备哪些材料？",
        "answer": "一般需要户口簿、房产证明或租赁证明、监护人身份证件等，具体以所在区教委公布为准。",
        "category": "040101",
        "keywords": "入学;材料;户口簿",
    },
    {
        "question": "供暖期从什么时候开始？",
        "answer": "本市供暖期一般为每年11月15日至次年3月15日，遇极端天气可提前或延后。",
        "category": "120502",
        "keywords": "供暖;暖气;供暖期",
    },
    {
        "question": "垃圾分类投放时间是怎样规定的？",
        "answer": "各小区根据实际情况确定厨余垃圾定时定点投放时间，可咨询物业或居委会。",
        "category": "020402",
        "keywords": "垃圾分类;投放时间",
    },
]


@pytest.fixture
def s(app: Any, session: Session) -> Any:
    return staff(app, session)


def _create(client: TestClient, body: dict[str, Any], expect: int = 201) -> dict[str, Any]:
    response = client.post("/api/knowledge", json=body)
    assert response.status_code == expect, response.text
    return dict(response.json())


def _seed(client: TestClient) -> list[int]:
    return [_create(client, body)["id"] for body in ENTRIES]


def _counts(session: Session) -> tuple[int, int]:
    session.expire_all()
    entries = session.execute(select(func.count()).select_from(KnowledgeEntry)).scalar_one()
    audits = session.execute(select(func.count()).select_from(AuditEntry)).scalar_one()
    return entries, audits


def _search(client: TestClient, q: str, **params: Any) -> list[dict[str, Any]]:
    response = client.get("/api/knowledge/search", params={"q": q, **params})
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


# -- editing ---------------------------------------------------------------------------------------


def test_dispatcher_creates_an_entry_and_it_is_audited(s: Any, session: Session) -> None:
    created = _create(s.dispatcher, ENTRIES[0])
    assert created["question"] == "公租房申请需要什么条件？"
    assert created["category"] == "010101"
    assert created["category_name"] == "公租房申请与配租"
    assert created["keywords"] == ["公租房", "申请条件", "保障房"]
    assert created["source"] == "北京市公共租赁住房管理办法"
    assert created["active"] is True
    assert created["created_by"] == "disp_a"

    fetched = s.operator.get(f"/api/knowledge/{created['id']}")
    assert fetched.status_code == 200
    assert fetched.json() == created
    audit = session.execute(
        select(AuditEntry).where(
            AuditEntry.action == "knowledge.create", AuditEntry.target_id == str(created["id"])
        )
    ).scalar_one()
    assert audit.actor == "disp_a"


def test_admin_may_edit_but_operators_and_units_may_not(app: Any, s: Any, session: Session) -> None:
    make_user(session, "admin_k", Role.admin)
    admin = TestClient(app)
    login(admin, "admin_k")
    _create(admin, ENTRIES[1])
    before = _counts(session)
    for client in (s.operator, s.street):
        response = client.post("/api/knowledge", json=ENTRIES[2])
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "forbidden"
    assert TestClient(app).get("/api/knowledge").status_code == 401
    assert _counts(session) == before


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"question": ""}, "question"),
        ({"question": "   "}, "question"),
        ({"answer": ""}, "answer"),
        ({"answer": None}, "answer"),
        ({"category": "999999"}, "category"),
        ({"question": "问" * 301}, "question"),
        ({"unknown": "x"}, "unknown"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(
    s: Any, session: Session, change: dict[str, Any], field: str
) -> None:
    before = _counts(session)
    response = s.dispatcher.post("/api/knowledge", json={**ENTRIES[0], **change})
    assert response.status_code == 422, response.text
    assert response.json()["error"]["field"] == field
    assert response.json()["error"]["message"]
    assert _counts(session) == before


def test_missing_answer_is_refused(s: Any, session: Session) -> None:
    before = _counts(session)
    response = s.dispatcher.post("/api/knowledge", json={"question": "没有答复的问题"})
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "answer"
    assert _counts(session) == before


def test_patch_changes_only_what_is_sent(s: Any, session: Session) -> None:
    entry = _create(s.dispatcher, ENTRIES[0])
    response = s.dispatcher.patch(
        f"/api/knowledge/{entry['id']}", json={"answer": "新的答复口径。", "category": None}
    )
    assert response.status_code == 200, response.text
    patched = response.json()
    assert patched["answer"] == "新的答复口径。"
    assert patched["category"] is None
    assert patched["question"] == entry["question"]
    assert patched["keywords"] == entry["keywords"]
    audit = session.execute(
        select(AuditEntry).where(
            AuditEntry.action == "knowledge.update", AuditEntry.target_id == str(entry["id"])
        )
    ).scalar_one()
    assert '"answer"' in audit.detail and '"category"' in audit.detail


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"question": ""}, "question"),
        ({"question": None}, "question"),
        ({"answer": "  "}, "answer"),
        ({"category": "0000"}, "category"),
        ({"active": None}, "active"),
    ],
)
def test_bad_patch_names_the_field_and_changes_nothing(
    s: Any, session: Session, change: dict[str, Any], field: str
) -> None:
    entry = _create(s.dispatcher, ENTRIES[0])
    before = _counts(session)
    response = s.dispatcher.patch(f"/api/knowledge/{entry['id']}", json=change)
    assert response.status_code == 422, response.text
    assert response.json()["error"]["field"] == field
    assert _counts(session) == before
    assert s.operator.get(f"/api/knowledge/{entry['id']}").json() == entry


def test_unknown_entry_is_404(s: Any) -> None:
    assert s.operator.get("/api/knowledge/987654").status_code == 404
    assert s.dispatcher.patch("/api/knowledge/987654", json={"answer": "x"}).status_code == 404
    assert s.dispatcher.delete("/api/knowledge/987654").status_code == 404


def test_delete_deactivates_and_hides_from_lists_and_search(s: Any, session: Session) -> None:
    ids = _seed(s.dispatcher)
    assert _search(s.operator, "公租房申请条件")[0]["id"] == ids[0]
    response = s.dispatcher.delete(f"/api/knowledge/{ids[0]}")
    assert response.status_code == 200
    assert response.json()["active"] is False
    assert session.get(KnowledgeEntry, ids[0]) is not None  # kept, not deleted
    listed = s.operator.get("/api/knowledge").json()
    assert ids[0] not in [e["id"] for e in listed["items"]]
    everything = s.operator.get("/api/knowledge", params={"include_inactive": True}).json()
    assert ids[0] in [e["id"] for e in everything["items"]]
    assert ids[0] not in [e["id"] for e in _search(s.operator, "公租房申请条件")]
    assert session.execute(
        select(AuditEntry).where(
            AuditEntry.action == "knowledge.deactivate", AuditEntry.target_id == str(ids[0])
        )
    ).scalar_one()
    # Reactivating brings it back.
    s.dispatcher.patch(f"/api/knowledge/{ids[0]}", json={"active": True})
    assert _search(s.operator, "公租房申请条件")[0]["id"] == ids[0]


def test_list_filters_by_text_and_category_and_pages(s: Any) -> None:
    ids = _seed(s.dispatcher)
    housing = s.operator.get("/api/knowledge", params={"category": "0101"}).json()
    assert housing["total"] == 2
    assert {e["id"] for e in housing["items"]} == {ids[0], ids[1]}
    text = s.operator.get("/api/knowledge", params={"q": "异地就医"}).json()
    assert [e["id"] for e in text["items"]] == [ids[2]]
    page = s.operator.get("/api/knowledge", params={"page": 2, "page_size": 4}).json()
    assert page["total"] == len(ids) == 6
    assert len(page["items"]) == 2


# -- search ----------------------------------------------------------------------------------------


def test_chinese_text_is_cut_into_bigrams() -> None:
    assert terms("公租房申请") == {"公租", "租房", "房申", "申请"}
    assert terms("WiFi 12345热线") == {"wifi", "12345", "热线"}
    assert terms("水") == {"水"}


def test_search_ranks_the_matching_question_first(s: Any) -> None:
    ids = _seed(s.dispatcher)
    hits = _search(s.operator, "请问公租房申请条件是什么")
    assert [h["id"] for h in hits[:2]] == [ids[0], ids[1]]
    assert hits[0]["score"] > hits[1]["score"] > 0
    assert all(0 < h["score"] <= 1 for h in hits)
    assert hits[0]["answer"] == ENTRIES[0]["answer"]

    assert _search(s.operator, "异地看病医保怎么报销")[0]["id"] == ids[2]
    assert _search(s.operator, "暖气什么时候开始供")[0]["id"] == ids[4]
    assert _search(s.operator, "孩子上学要带什么材料")[0]["id"] == ids[3]
    assert _search(s.operator, "厨余垃圾几点投放")[0]["id"] == ids[5]
    assert _search(s.operator, "学")[0]["id"] == ids[3]  # one character still finds something
    assert _search(s.operator, "区块链") == []


def test_search_limit_and_category(s: Any) -> None:
    ids = _seed(s.dispatcher)
    assert len(_search(s.operator, "公租房", limit=1)) == 1
    assert [h["id"] for h in _search(s.operator, "申请", category="0504")] in ([], [ids[2]])
    assert {h["id"] for h in _search(s.operator, "公租房", category="0101")} == {ids[0], ids[1]}
    response = s.operator.get("/api/knowledge/search", params={"q": ""})
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "q"


def test_search_sees_edits_at_once(s: Any) -> None:
    ids = _seed(s.dispatcher)
    assert _search(s.operator, "共享单车") == []
    s.dispatcher.patch(f"/api/knowledge/{ids[5]}", json={"question": "共享单车乱停放找谁？"})
    assert _search(s.operator, "共享单车")[0]["id"] == ids[5]
    added = _create(s.dispatcher, {"question": "共享单车押金怎么退？", "answer": "请联系运营企业客服。"})
    assert {h["id"] for h in _search(s.operator, "共享单车")} == {ids[5], added["id"]}


def test_index_ranks_by_rarity() -> None:
    index = KnowledgeIndex(
        [
            (1, "请问公积金怎么提取", "", "请问", None),
            (2, "请问护照怎么办理", "", "请问", None),
            (3, "请问居住证怎么办理", "", "请问", None),
        ]
    )
    # 公积 is rare, 请问 is everywhere: the entry about 公积金 must win.
    assert index.search("请问公积金", 3)[0].entry_id == 1
    assert [h.entry_id for h in index.search("居住证", 3)] == [3]


# -- 直接办结 through the case API ---------------------------------------------------------------------


def test_operator_answers_a_consultation_from_the_knowledge_base(s: Any) -> None:
    ids = _seed(s.dispatcher)
    code = intake(
        s.operator,
        demand_type="咨询",
        category="010101",
        title="咨询公租房申请条件",
        description="市民想了解申请公租房需要满足什么条件。",
    )
    entry = _search(s.operator, "公租房申请需要满足什么条件")[0]
    assert entry["id"] == ids[0]
    closed = act(s.operator, code, "direct_close", knowledge_entry_id=entry["id"])
    assert closed["state"] == "closed"
    assert closed["closure_kind"] == "direct"
    assert closed["reply"] == ENTRIES[0]["answer"]
    assert [e["action"] for e in closed["events"]] == ["intake", "direct_close"]


def test_direct_close_is_refused_for_other_types_and_unknown_entries(s: Any, session: Session) -> None:
    ids = _seed(s.dispatcher)
    complaint = intake(s.operator)  # 投诉
    refused = s.operator.post(f"/api/cases/{complaint}/direct_close", json={"knowledge_entry_id": ids[0]})
    assert refused.status_code == 409
    assert "咨询" in refused.json()["error"]["message"]

    consultation = intake(s.operator, demand_type="咨询", category="010101")
    s.dispatcher.delete(f"/api/knowledge/{ids[1]}")
    for entry_id in (987654, ids[1]):
        response = s.operator.post(
            f"/api/cases/{consultation}/direct_close", json={"knowledge_entry_id": entry_id}
        )
        assert response.status_code == 422, response.text
        assert response.json()["error"]["field"] == "knowledge_entry_id"
    missing = s.operator.post(f"/api/cases/{consultation}/direct_close", json={})
    assert missing.status_code == 422
    assert missing.json()["error"]["field"] == "knowledge_entry_id"

    session.expire_all()
    for code in (complaint, consultation):
        case = session.execute(select(Case).where(Case.code == code)).scalar_one()
        assert case.state == "received"
        assert case.reply is None and case.knowledge_entry_id is None
        events = session.execute(select(func.count()).where(CaseEvent.case_id == case.id)).scalar_one()
        assert events == 1


# -- CSV import (service and command) ----------------------------------------------------------------

CSV_OK = (
    "question,answer,category,keywords,source\n"
    "公租房申请需要什么条件？,须具有本市户籍或有效居住证。,010101,公租房;申请条件,公租房管理办法\n"
    "医保异地就医如何备案？,可通过国家医保服务平台办理。,0504,医保;异地就医,\n"
    "供暖期从什么时候开始？,一般为11月15日至次年3月15日。,,供暖,\n"
)


def test_csv_rows_are_checked_before_anything_is_written(session: Session) -> None:
    bad = (
        CSV_OK
        + ",没有问题的答复,,,\n没有答复的问题,,,,\n"
        + "分类不存在,答复,999999,,\n公租房申请需要什么条件？,重复,,,\n"
    )
    rows, errors = service.parse_csv(bad)
    assert errors == [
        "第 5 行：问题（question）不能为空",
        "第 6 行：答复（answer）不能为空",
        "第 8 行：问题与第 2 行重复",
    ]
    before = _counts(session)
    report = service.import_entries(session, "cli", rows)
    assert report.errors == ["第 7 行：未知的诉求分类：999999"]
    assert (report.added, report.updated) == (0, 0)
    assert _counts(session) == before
    assert service.parse_csv("问题,分类\n你好,01\n")[1] == ["表头缺少必需的列：answer（答复）"]


def test_csv_import_adds_then_updates_by_question(session: Session) -> None:
    rows, errors = service.parse_csv(service.decode(CSV_OK.encode("gb18030")))
    assert errors == []
    first = service.import_entries(session, "cli", rows)
    assert (first.added, first.updated, first.unchanged) == (3, 0, 0)
    again = service.import_entries(session, "cli", rows)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 3)
    changed, _ = service.parse_csv(CSV_OK.replace("可通过国家医保服务平台办理。", "请到医保经办机构办理。"))
    third = service.import_entries(session, "cli", changed)
    assert (third.added, third.updated, third.unchanged) == (0, 1, 2)
    entry = session.execute(
        select(KnowledgeEntry).where(KnowledgeEntry.question == "医保异地就医如何备案？")
    ).scalar_one()
    assert entry.answer == "请到医保经办机构办理。"
    assert entry.keywords == "医保;异地就医"
    assert entry.created_by == "cli"


KNOWLEDGE_CLI = [sys.executable, "-c", "from zhili.knowledge.cli import app; app()"]


def test_the_knowledge_command_imports_lists_and_searches(tmp_path: Path) -> None:
    database = Database(f"sqlite:///{tmp_path / 'zhili.sqlite3'}")
    migrate.upgrade(database.engine)
    with database.session() as session:
        load_default_categories(session)
    environ = {**os.environ, "ZHILI_DATA_DIR": str(tmp_path), "ZHILI_ENVIRONMENT": "test", "COLUMNS": "200"}
    environ.pop("ZHILI_DATABASE_URL", None)

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*KNOWLEDGE_CLI, *args], capture_output=True, text=True, env=environ, timeout=120
        )

    good = tmp_path / "good.csv"
    good.write_text(CSV_OK, encoding="utf-8-sig")
    bad = tmp_path / "bad.csv"
    bad.write_text(CSV_OK + "分类不存在,答复,999999,,\n", encoding="utf-8")

    refused = run("import", str(bad))
    assert refused.returncode == 1
    assert "第 5 行：未知的诉求分类：999999" in refused.stderr
    assert "未导入任何条目" in refused.stderr
    with database.session(write=False) as session:
        assert session.execute(select(func.count()).select_from(KnowledgeEntry)).scalar_one() == 0

    imported = run("import", str(good))
    assert imported.returncode == 0, imported.stderr
    assert "新增 3 条" in imported.stdout
    assert "未变 3 条" in run("import", str(good)).stdout

    listed = run("list")
    assert listed.returncode == 0, listed.stderr
    assert "公租房申请需要什么条件？" in listed.stdout and "共 3 条" in listed.stdout
    found = run("search", "异地就医怎么备案", "--limit", "1")
    assert found.returncode == 0, found.stderr
    assert "医保异地就医如何备案？" in found.stdout
    assert "公租房" not in found.stdout
    database.dispose()


def test_every_knowledge_command_has_chinese_help() -> None:
    from zhili.knowledge.cli import app

    assert app.info.help and "知识库" in app.info.help
    for command in app.registered_commands:
        assert (command.callback.__doc__ or "").strip(), command.name
