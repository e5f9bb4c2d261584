"""The grid page: open to a grid worker, showing the division of the jurisdiction; closed to an operator."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from community.governance_accounts import client


def test_grid_page(app: Any, session: Session) -> None:
    grid_worker = client(app, "grid")
    page = grid_worker.get("/grid")
    assert page.status_code == 200 and "网格化服务管理" in page.text and "110105026" in page.text
    assert client(app, "operator").get("/grid").status_code == 403
