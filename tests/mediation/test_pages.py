"""The caseload and dispute pages: Chinese, scoped, parties shown as the reader may see them."""

from __future__ import annotations

from typing import Any

from mediation.accounts import AGREEMENT, SESSION, client, register, registry, step


def test_the_caseload_and_a_dispute_page(app: Any) -> None:
    registry(app)
    worker = client(app, "worker")
    code = register(worker)["code"]
    step(worker, code, "route")
    step(worker, code, "session", **SESSION)
    step(worker, code, "succeed", **AGREEMENT)
    listing = worker.get("/mediation")
    assert listing.status_code == 200 and code in listing.text and "调解成功率" in listing.text
    page = worker.get(f"/mediation/disputes/{code}")
    assert page.status_code == 200 and "周一鸣" in page.text and "调解协议书（PDF）" in page.text
    assert "succeed" not in page.text and "neighbour" not in page.text
    masked = client(app, "leader").get(f"/mediation/disputes/{code}")
    assert masked.status_code == 200 and "周一鸣" not in masked.text and "已脱敏" in masked.text
    assert client(app, "other_worker").get(f"/mediation/disputes/{code}").status_code == 404
    assert code not in client(app, "other_worker").get("/mediation").text
