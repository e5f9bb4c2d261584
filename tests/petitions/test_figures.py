"""信访 figures by month × district × office (按期受理率, 按期办结率, 重复信访率, 积案化解数, 群众满意率),
the satisfaction they count (the office after a 回访, or the petitioner on the tracking page), and the
written notices as PDF — over HTTP, on both backends. The matters are dated in 2024 so that no other
test's matters fall in the year."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from petitions.accounts import ONLINE, citizen, client, register, step
from support.pdf_text import pdf_lines
from zhili.petitions.models import PetitionMatter

YEAR = 2024


def _at(day: str, hour: int = 10) -> str:
    return f"{YEAR}-{day}T{hour:02d}:00:00+08:00"


def _figures(reader: Any) -> dict[str, Any]:
    response = reader.get("/api/petitions/figures/monthly", params={"year": YEAR})
    assert response.status_code == 200, response.text
    return dict(response.json())


def _month(report: dict[str, Any], month: str) -> dict[str, Any]:
    return next(r for r in report["months"] if r["month"] == f"{YEAR}-{month}")


def test_the_five_figures_count_matters_in_the_month_each_event_happened(app: Any) -> None:
    office, body = client(app, "office"), client(app, "body")
    # A: registered 8 Jan, accepted on time, answered on time, rated 满意 after a 回访.
    a = register(office, received_at=_at("01-08"), title="甲事项：占道经营")["matter_code"]
    step(office, a, "accept", at=_at("01-10"))
    step(office, a, "reply", text="已依法处理。", at=_at("02-20"))
    rated = office.post(
        f"/api/petitions/matters/{a}/satisfaction", json={"satisfaction": "satisfied", "at": _at("02-22")}
    )
    assert rated.status_code == 201 and rated.json()["satisfaction_label"] == "满意"
    # The same petitioner again on the same matter: a repeat, one matter with two petitions.
    again = register(office, received_at=_at("01-20"), title="甲事项：占道经营", matter_code=a)
    assert again["repeat"] is True and again["matter_code"] == a
    # B: registered 9 Jan, decided late (after 15 working days), referred, answered late, rated 不满意.
    b = register(
        office,
        received_at=_at("01-09"),
        title="乙事项：噪声扰民",
        petitioner={"name": "赵六", "phone": "13600002222"},
        content="夜间施工噪声扰民，请求依法查处并限定施工时间。",
    )["matter_code"]
    step(office, b, "refer", unit="D110105-urban_management", mode="交办", at=_at("02-20"))
    step(body, b, "take", at=_at("02-21"))
    step(body, b, "reply", text="已责令整改。", at=_at("06-28"))
    step(office, b, "request_review", unit="G110105", at=_at("07-01"))
    bad = office.post(
        f"/api/petitions/matters/{b}/satisfaction", json={"satisfaction": "unsatisfied", "at": _at("07-02")}
    )
    assert bad.status_code == 201
    # C: a 积案: registered 10 Jan, still unanswered on 1 May (over 90 days), answered late on 6 May.
    c = register(
        office,
        received_at=_at("01-10"),
        title="丙事项：拆迁补偿",
        petitioner={"name": "钱七", "phone": "13500003333"},
        content="房屋征收补偿标准争议，多年未解决，请求重新核定补偿。",
    )["matter_code"]
    step(office, c, "accept", at=_at("01-11"))
    step(office, c, "reply", text="补偿已按标准核定。", at=_at("05-06"))

    report = _figures(client(app, "office"))
    jan, feb = _month(report, "01"), _month(report, "02")
    assert (jan["registered"], jan["repeated"], jan["repeat_rate"]) == (3, 1, round(1 / 3, 4))
    assert (jan["decided"], jan["decided_on_time"]) == (2, 2)  # A and C in January
    assert (feb["decided"], feb["decided_on_time"], feb["on_time_acceptance_rate"]) == (1, 0, 0.0)  # B late
    assert (feb["replied"], feb["replied_on_time"], feb["rated"], feb["satisfied"]) == (1, 1, 1, 1)
    june = _month(report, "06")
    assert (june["replied"], june["replied_on_time"], june["on_time_completion_rate"]) == (1, 0, 0.0)
    assert june["backlog_resolved"] == 1 and feb["backlog_resolved"] == 0  # B was 积案 on 1 June, A was not
    may = _month(report, "05")
    assert may["backlog_resolved"] == 1 and (may["replied"], may["replied_on_time"]) == (1, 0)
    total = report["total"]
    assert total["satisfaction_rate"] == 0.5 and total["rated"] == 2
    assert total["on_time_acceptance_rate"] == round(2 / 3, 4)
    rows = [r for r in report["rows"] if r["month"] == f"{YEAR}-01"]
    assert rows and rows[0]["division_code"] == "110105" and rows[0]["office"] == "朝阳区信访办公室"
    assert "未给出量化目标" in report["plan_note"]
    # Nothing about petitioners in the answer.
    assert "李四" not in str(report) and "13900001234" not in str(report)

    # The page shows the same, in Chinese; other districts' offices see none of it.
    page = client(app, "office").get("/petitions/figures", params={"year": YEAR})
    assert page.status_code == 200 and "按期受理率" in page.text and "群众满意率" in page.text
    assert "66.7%" in page.text
    assert _figures(client(app, "office_haidian"))["total"]["registered"] == 0
    assert client(app, "body").get("/api/petitions/figures/monthly").status_code == 403
    bad_year = client(app, "office").get("/api/petitions/figures/monthly", params={"year": 1900})
    assert bad_year.status_code == 422 and bad_year.json()["error"]["field"] == "year"


def test_satisfaction_is_recorded_once_after_the_answer_and_refusals_write_nothing(
    app: Any, session: Session
) -> None:
    office = client(app, "office")
    code = register(office)["matter_code"]
    early = office.post(f"/api/petitions/matters/{code}/satisfaction", json={"satisfaction": "satisfied"})
    assert early.status_code == 409 and "尚未出具答复意见书" in early.json()["error"]["message"]
    wrong = office.post(f"/api/petitions/matters/{code}/satisfaction", json={"satisfaction": "很好"})
    assert wrong.status_code == 422
    step(office, code, "accept")
    step(office, code, "reply", text="已处理。")
    # Only the office of the place records it; the body answered, but the 回访 is the office's.
    refused = client(app, "body").post(
        f"/api/petitions/matters/{code}/satisfaction", json={"satisfaction": "satisfied"}
    )
    assert refused.status_code == 403
    future = office.post(
        f"/api/petitions/matters/{code}/satisfaction",
        json={"satisfaction": "satisfied", "at": "2099-01-01T10:00:00+08:00"},
    )
    assert future.status_code == 422 and future.json()["error"]["field"] == "at"
    unrated = session.execute(
        select(func.count())
        .select_from(PetitionMatter)
        .where(PetitionMatter.code == code, PetitionMatter.satisfaction.is_(None))
    ).scalar_one()
    assert unrated == 1
    first = office.post(
        f"/api/petitions/matters/{code}/satisfaction", json={"satisfaction": "basically_satisfied"}
    )
    assert first.status_code == 201
    second = office.post(f"/api/petitions/matters/{code}/satisfaction", json={"satisfaction": "unsatisfied"})
    assert second.status_code == 409 and "已记录" in second.json()["error"]["message"]
    assert office.get(f"/api/petitions/matters/{code}").json()["satisfaction_label"] == "基本满意"


def test_the_petitioner_rates_the_answer_on_the_tracking_page_with_code_and_phone_tail(app: Any) -> None:
    portal = citizen(app)
    submitted = portal.post("/api/petitions/online", json=ONLINE).json()
    petition, matter = submitted["code"], submitted["matter_code"]
    office = client(app, "office")
    step(office, matter, "accept")
    form = {"code": petition, "phone_tail": "5678", "satisfaction": "satisfied"}
    page = portal.get("/portal/petition/track", params={"code": petition, "phone_tail": "5678"})
    assert page.status_code == 200 and 'data-testid="petition-rate"' not in page.text  # no answer yet
    step(office, matter, "reply", text="已督促供热单位整改，室温已达标。")
    page = portal.get("/portal/petition/track", params={"code": petition, "phone_tail": "5678"})
    assert 'data-testid="petition-rate"' in page.text
    wrong = portal.post("/api/petitions/track/satisfaction", json={**form, "phone_tail": "0000"})
    assert wrong.status_code == 404
    done = portal.post("/portal/petition/track/satisfaction", data=form)
    assert done.status_code == 200 and "您的评价：满意" in done.text
    again = portal.post("/api/petitions/track/satisfaction", json={**form, "satisfaction": "unsatisfied"})
    assert again.status_code == 409
    assert "王五" not in done.text and "13700005678" not in done.text


def _pdf_text(pdf: bytes) -> str:
    return "\n".join(pdf_lines(pdf))


def test_the_reply_and_refusal_notices_are_pdfs_for_the_office_only(app: Any) -> None:
    office = client(app, "office")
    code = register(office)["matter_code"]
    assert office.get(f"/api/petitions/matters/{code}/notices/reply.pdf").status_code == 409
    step(office, code, "accept")
    step(office, code, "reply", text="经核查，已依法取缔占道烧烤摊点。")
    reply = office.get(f"/api/petitions/matters/{code}/notices/reply.pdf")
    assert reply.status_code == 200 and reply.headers["content-type"] == "application/pdf"
    text = _pdf_text(reply.content)
    assert code in text and "已依法取缔" in text and "李四" in text
    assert client(app, "body").get(f"/api/petitions/matters/{code}/notices/reply.pdf").status_code == 403
    assert client(app, "leader").get(f"/api/petitions/matters/{code}/notices/reply.pdf").status_code == 403
    assert office.get(f"/api/petitions/matters/{code}/notices/refusal.pdf").status_code == 409
    assert office.get(f"/api/petitions/matters/{code}/notices/other.pdf").status_code == 404

    refused = register(
        office, petitioner={"name": "孙八", "phone": "13300004444"}, content="要求撤销已生效的法院判决。"
    )["matter_code"]
    step(office, refused, "refuse", text="属于诉讼途径解决的事项，请向人民法院申请再审")
    notice = office.get(f"/api/petitions/matters/{refused}/notices/refusal.pdf")
    assert notice.status_code == 200
    text = _pdf_text(notice.content)
    assert refused in text and "属于诉讼途径解决的事项" in text
    page = office.get(f"/petitions/matters/{refused}")
    assert 'data-testid="refusal-pdf"' in page.text
