"""The citizen portal (submit with photos, track, 回访 by link) and the taxonomy, time-limit and
knowledge admin pages: success, every refused input with its Chinese message, and nothing written."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from support.accounts import login, make_user
from support.cases import WANGJING, act, intake, staff
from zhili.app import create_app
from zhili.audit.models import AuditEntry
from zhili.auth.models import Role
from zhili.cases.context import CaseContext
from zhili.cases.models import Attachment, Case
from zhili.cases.tracking.visit_link import visit_token
from zhili.settings import Settings
from zhili.taxonomy.models import Category, TimeLimitPolicy

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000105fe02fea7d4a1d80000000049454e44ae426082"
)
DEMAND = {
    "demand_type": "help",
    "title": "路灯不亮",
    "description": "小区门口两盏路灯坏了一周。",
    "address": "北京市朝阳区望京街道望京西园三区",
    "phone": "13900005678",
}


def _count(session: Session, model: Any) -> int:
    return int(session.execute(select(func.count()).select_from(model)).scalar_one())


def _citizen(app: Any, page: str = "/portal") -> TestClient:
    client = TestClient(app)
    html = client.get(page).text
    client.headers["X-CSRF-Token"] = re.search(r'name="csrf-token" content="([^"]+)"', html).group(1)  # type: ignore[union-attr]
    return client


def _code(html: str) -> str:
    return html.split('data-testid="tracking-code">')[1].split("<")[0]


def test_citizen_submits_with_a_photo_and_tracks_it(app: Any, session: Session, settings: Settings) -> None:
    s = staff(app, session)  # staff accounts first: they are committed through their own connection
    citizen = _citizen(app)
    done = citizen.post("/portal", data=DEMAND, files=[("photos", ("lamp.png", PNG, "image/png"))])
    assert done.status_code == 201, done.text
    code = _code(done.text)
    case = session.execute(select(Case).where(Case.code == code)).scalar_one()
    assert case.channel.value == "web" and case.street_code == "110105026"
    photo = session.execute(select(Attachment).where(Attachment.case_id == case.id)).scalar_one()
    assert photo.content_type == "image/png" and photo.size == len(PNG)
    assert (Path(settings.data_dir) / "attachments" / photo.storage_key).read_bytes() == PNG

    wrong = citizen.get("/portal/track", params={"code": code, "phone_tail": "1111"})
    assert wrong.status_code == 404 and "未找到该诉求" in wrong.text
    bad_tail = citizen.get("/portal/track", params={"code": code, "phone_tail": "12"})
    assert bad_tail.status_code == 422 and "后四位" in bad_tail.text
    right = citizen.get("/portal/track", params={"code": code, "phone_tail": "5678"})
    assert right.status_code == 200 and "已受理" in right.text
    assert "13900005678" not in right.text and "望京西园" not in right.text

    assert s.operator.get(f"/cases/{code}/photos/{photo.id}").content == PNG
    assert s.other_street.get(f"/cases/{code}/photos/{photo.id}").status_code == 404


@pytest.mark.parametrize(
    ("data", "files", "message"),
    [
        ({"phone": ""}, [], "请填写联系电话"),
        ({"phone": "123"}, [], "电话号码格式不正确"),
        ({"title": ""}, [], "此项必填"),
        ({"address": ""}, [], "请填写地址"),
        ({}, [("photos", ("a.jpg", b"not an image", "image/jpeg"))], "不是支持的图片"),
        ({}, [("photos", (f"p{i}.png", PNG, "image/png")) for i in range(4)], "最多上传 3 张"),
        ({}, [("photos", ("big.jpg", b"\xff\xd8\xff" + b"0" * (1024 * 1024), "image/jpeg"))], "超过 1 MB"),
    ],
)
def test_portal_refuses_bad_input_and_writes_nothing(
    db: Any, settings: Settings, session: Session, data: dict[str, str], files: list[Any], message: str
) -> None:
    app = create_app(settings.model_copy(update={"max_upload_mb": 1}), database=db)
    before = (_count(session, Case), _count(session, Attachment))
    page = _citizen(app).post("/portal", data={**DEMAND, **data}, files=files or None)
    assert page.status_code == 422
    assert message in page.text and "Traceback" not in page.text
    assert (_count(session, Case), _count(session, Attachment)) == before
    assert not (Path(settings.data_dir) / "attachments").exists()


def test_portal_post_without_csrf_token_is_refused(app: Any, session: Session) -> None:
    before = _count(session, Case)
    page = TestClient(app).post("/portal", data=DEMAND)
    assert page.status_code == 403 and "CSRF" in page.text
    assert _count(session, Case) == before


def test_citizen_answers_the_visit_through_the_link(app: Any, session: Session, settings: Settings) -> None:
    s = staff(app, session)
    code = intake(s.operator)
    act(s.dispatcher, code, "dispatch", lead_unit=WANGJING)
    act(s.street, code, "sign")
    act(s.street, code, "contact")
    act(s.street, code, "report", reply="路灯已修复。")
    token = visit_token(CaseContext.for_settings(settings).cipher, code)
    citizen = _citizen(app, f"/portal/visit/{code}/{token}")
    assert "路灯已修复" in citizen.get(f"/portal/visit/{code}/{token}").text
    missing = citizen.post(f"/portal/visit/{code}", data={"token": token, "solved": "1"})
    assert missing.status_code == 422 and "请选择满意度" in missing.text
    assert s.operator.get(f"/api/cases/{code}").json()["state"] == "reported"
    page = citizen.get(f"/portal/visit/{code}/{token}").text
    assert f'action="/portal/visit/{code}/{token}"' in page  # the form posts back to the link itself
    done = citizen.post(f"/portal/visit/{code}/{token}", data={"solved": "1", "satisfaction": "satisfied"})
    assert done.status_code == 200 and "感谢您的评价" in done.text
    assert s.operator.get(f"/api/cases/{code}").json()["state"] == "closed"
    again = citizen.post(
        f"/portal/visit/{code}", data={"token": token, "solved": "1", "satisfaction": "satisfied"}
    )
    assert again.status_code == 409 and "无需再次评价" in again.text
    forged = citizen.get(f"/portal/visit/{code}/forged")
    assert forged.status_code == 404 and "评价链接无效" in forged.text
    # A link of the old format (token in the query string) answers a clear page that shows nothing.
    for old in (f"/portal/visit/{code}?token={token}", f"/visit/{code}?token={token}"):
        retired = citizen.get(old)
        assert retired.status_code == 410 and "链接格式已停用" in retired.text
        assert "路灯已修复" not in retired.text and token not in retired.text


@pytest.fixture
def admin(app: Any, session: Session) -> TestClient:
    make_user(session, "admin_w", Role.admin)
    client = TestClient(app)
    login(client, "admin_w")
    return client


def test_admin_edits_a_category_with_audit(admin: TestClient, session: Session) -> None:
    assert "诉求分类" in admin.get("/admin/categories").text
    audits = _count(session, AuditEntry)
    bad = admin.post("/admin/categories/020201", data={"name": "", "default_unit_type": "Bad Type!"})
    assert bad.status_code == 422
    assert "请填写分类名称" in bad.text and "小写字母和下划线" in bad.text
    assert _count(session, AuditEntry) == audits
    good = admin.post(
        "/admin/categories/020201",
        data={
            "name": "噪声扰民",
            "default_unit_type": "urban_management",
            "keywords": "噪音;广场舞",
            "active": "1",
        },
        follow_redirects=False,
    )
    assert good.status_code == 303
    session.expire_all()
    category = session.execute(select(Category).where(Category.code == "020201")).scalar_one()
    assert category.name == "噪声扰民" and category.keywords == "噪音;广场舞"
    assert _count(session, AuditEntry) == audits + 1


@pytest.mark.parametrize(
    ("code", "message"), [("0", "2、4 或 6 位数字"), ("0201", "已存在"), ("9901", "上级分类 99 不存在")]
)
def test_admin_category_creation_refusals(
    admin: TestClient, session: Session, code: str, message: str
) -> None:
    before = _count(session, Category)
    page = admin.post("/admin/categories", data={"code": code, "name": "新分类"})
    assert page.status_code == 422 and message in page.text
    assert _count(session, Category) == before


def test_admin_time_limits(admin: TestClient, session: Session) -> None:
    assert "默认时限" in admin.get("/admin/time-limits").text
    before = _count(session, TimeLimitPolicy)
    bad = admin.post("/admin/time-limits", data={"name": "夜间", "feedback_limit": "3 weeks", "active": "1"})
    assert bad.status_code == 422 and "反馈时限" in bad.text
    wrong_type = admin.post("/admin/time-limits", data={"name": "夜间", "urgency": "panic"})
    assert wrong_type.status_code == 422 and "请从列表中选择" in wrong_type.text
    assert _count(session, TimeLimitPolicy) == before
    good = admin.post(
        "/admin/time-limits",
        data={
            "name": "举报",
            "priority": "50",
            "demand_type": "report",
            "feedback_limit": "10wd",
            "active": "1",
        },
        follow_redirects=False,
    )
    assert good.status_code == 303
    assert _count(session, TimeLimitPolicy) == before + 1


def test_knowledge_pages_for_dispatchers(app: Any, session: Session) -> None:
    s = staff(app, session)
    empty = s.dispatcher.post("/admin/knowledge", data={"question": "如何办理居住证", "answer": ""})
    assert empty.status_code == 422 and "请填写标准答复" in empty.text and "如何办理居住证" in empty.text
    unknown = s.dispatcher.post(
        "/admin/knowledge", data={"question": "问", "answer": "答", "category": "999999"}
    )
    assert unknown.status_code == 422 and "未知的诉求分类" in unknown.text
    made = s.dispatcher.post(
        "/admin/knowledge",
        data={"question": "如何办理居住证", "answer": "到社区服务站登记。", "keywords": "居住证"},
        follow_redirects=False,
    )
    assert made.status_code == 303
    assert "如何办理居住证" in s.dispatcher.get("/admin/knowledge", params={"q": "居住证"}).text
    assert s.operator.get("/admin/knowledge").status_code == 403
