from typing import Any

from petitions.accounts import client, register, step


def test_smoke(app: Any) -> None:
    office = client(app, "office")
    out = register(office)
    assert out["repeat"] is False
    code = out["matter_code"]
    m = step(office, code, "refer", unit="D110105-urban_management", mode="转送")
    assert m["state"] == "referred"
    body = client(app, "body")
    m = step(body, code, "take")
    m = step(body, code, "reply", text="已责令烧烤摊整改")
    assert m["state"] == "replied", m
