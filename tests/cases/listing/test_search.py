"""``q`` finds a case by its title, description, address or reply, on the index, for any length."""

from __future__ import annotations

from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session

from support.cases import intake, staff
from zhili.cases.models import Case


def _found(client: Any, q: str) -> set[str]:
    answer = client.get("/api/cases", params={"q": q, "page_size": 500})
    assert answer.status_code == 200, answer.text
    return {item["code"] for item in answer.json()["items"]}


def test_each_text_is_searched_whatever_the_length_of_the_query(app: Any, session: Session) -> None:
    s = staff(app, session)
    code = intake(s.operator, title="井盖缺失", description="人行道上井盖缺失，夜间行人容易踩空。")
    other = intake(s.operator, title="路灯不亮", description="小区路灯坏了三天。")
    # Set after intake: the SQLite index follows updates through its triggers.
    session.execute(
        update(Case)
        .where(Case.code == code)
        .values(address="酒仙桥东路甲12号 100% '引号' \\斜杠", reply="已协调街道更换新的防坠井盖")
    )
    session.flush()
    for q in (
        "井",
        "井盖",
        "井盖缺失",
        "踩空",
        "东路甲",
        "防坠",
        "更换新的防坠井盖",
        "100%",
        "'引号'",
        "\\斜杠",
    ):
        found = _found(s.operator, q)
        assert code in found, q
        assert other not in found, q
    assert _found(s.operator, "防坠井盖缺失") == set()  # every bigram is there, but not the text
    assert _found(s.operator, code) == {code}
    assert _found(s.operator, "%") >= {code} and other not in _found(s.operator, "%")
