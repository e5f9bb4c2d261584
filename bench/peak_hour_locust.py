"""Locust scenario: a Beijing peak hour of the 12345 hotline against zhili (run by bench/peak_hour.py).

Sizing (the figures are stated in bench/README.md, "peak hour"):

- Beijing takes about 60,000 demands a day (21–24 M a year).
- ASSUMPTION: the busiest hour carries 11 % of a day's demands (10–12 % is what hotlines with a
  morning peak report; zhili has no hourly figures of its own). 60,000 × 0.11 / 3600 = 1.83 intakes/s.
- Per intake (ASSUMED mix, steady state): 40 % are answered on the call (直接办结); 60 % go the whole
  way: 派单, 签收, 联系市民, 反馈, 回访 (a satisfied 回访 closes the case). Every action is preceded by
  a read of the case (the page the user acts from). Per intake also 3 case lists (派单台, the
  street's inbox, the district centre, the 回访 queue), 0.5 citizen tracking look-ups and 0.25
  dashboard loads (leaders and centres).

Every request kind runs at its own steady rate (``constant_throughput``): ``ZHILI_PEAK_SCALE`` times
the Beijing peak. Users are spread round-robin over the servers in ``ZHILI_PEAK_HOSTS``. Cases move
between the kinds through in-memory queues (one locust process), so every action acts on a case in
the right state and no two users act on the same case.
"""

from __future__ import annotations

import itertools
import json
import os
import random
from collections import deque
from datetime import date
from typing import Any

from locust import HttpUser, constant, constant_throughput, task

DEMANDS_PER_DAY = 60_000
PEAK_SHARE = 0.11  # assumption: share of a day's demands in the busiest hour
INTAKES_PER_S = DEMANDS_PER_DAY * PEAK_SHARE / 3600
DIRECT_CLOSE = 0.40  # assumption: answered on the call
DISPATCHED = 1 - DIRECT_CLOSE
LISTS_PER_INTAKE = 3.0
TRACKING_PER_INTAKE = 0.5
DASHBOARDS_PER_INTAKE = 0.25
WANGJING = "S110105026"

SCALE = float(os.environ.get("ZHILI_PEAK_SCALE", "1"))
HOSTS = [h for h in os.environ.get("ZHILI_PEAK_HOSTS", "http://127.0.0.1:8000").split(",") if h]
KEYS: dict[str, str] = json.loads(os.environ.get("ZHILI_PEAK_KEYS", "{}"))

# Cases waiting for the next step: the state they are in → codes.
WAITING: dict[str, deque[str]] = {
    s: deque() for s in ("received", "dispatched", "signed", "contacted", "reported")
}
TRACKABLE: deque[str] = deque(maxlen=5000)
_next_host = itertools.count()

TEXTS = [
    ("小区楼下广场舞噪音扰民", "每天晚上九点后广场舞音响声音很大，影响老人孩子休息，希望有关部门管理。"),
    ("路灯不亮", "小区门口路段的路灯已经坏了一周，晚上出行很不安全，请尽快维修。"),
    ("共享单车乱停放", "地铁站出口共享单车堆放占用盲道和人行道，行人无法通行。"),
    ("餐馆油烟扰民", "楼下新开的餐馆油烟直排，家里窗户都不能开，请环保部门检查。"),
    ("暖气不热", "进入供暖季以来家中暖气温度一直很低，室温不到十六度，联系物业没有解决。"),
    ("施工夜间噪音", "附近工地夜里十二点以后仍在施工，噪音很大，严重影响睡眠。"),
    ("垃圾清运不及时", "小区垃圾桶已经满了好几天没有清运，气味很大，招来很多蚊蝇。"),
]


def rate(per_intake: float) -> float:
    """Requests (bundles) per second for this kind, in all, at the configured scale."""
    return INTAKES_PER_S * per_intake * SCALE


class ZhiliUser(HttpUser):
    abstract = True
    role = ""
    users = 1  # fixed_count; the kind's rate is shared among them
    per_intake = 1.0

    def __init__(self, environment: Any) -> None:
        self.host = HOSTS[next(_next_host) % len(HOSTS)]
        super().__init__(environment)
        if self.role:
            self.client.headers["X-API-Key"] = KEYS[self.role]

    @classmethod
    def configure(cls) -> None:
        cls.fixed_count = cls.users
        cls.wait_time = constant_throughput(rate(cls.per_intake) / cls.users)

    def act(self, code: str, action: str, body: dict[str, Any]) -> bool:
        self.client.get(f"/api/cases/{code}", name="case detail")
        with self.client.post(
            f"/api/cases/{code}/{action}", json=body, name=f"action {action}", catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code}: {response.text[:200]}")
                return False
        return True


class Intake(ZhiliUser):
    """坐席 at the phone: registers a demand; 40 % are answered on the call and closed at once."""

    role = "operator"
    users = 6

    @task
    def intake(self) -> None:
        title, description = random.choice(TEXTS)
        answered = random.random() < DIRECT_CLOSE  # a 咨询 answered on the call
        body = {
            "demand_type": "咨询" if answered else "投诉",
            "urgency": "一般",
            "channel": "电话",
            "title": title,
            "description": description,
            "citizen": {"name": "张三", "phone": "13812341234"},
            "lat": round(random.uniform(39.86, 40.02), 6),
            "lng": round(random.uniform(116.26, 116.50), 6),
        }
        with self.client.post("/api/cases", json=body, name="intake", catch_response=True) as response:
            if response.status_code != 201:
                response.failure(f"{response.status_code}: {response.text[:200]}")
                return
            code = response.json()["code"]
        TRACKABLE.append(code)
        if answered:
            self.act(code, "direct_close", {"knowledge_entry_id": int(KEYS["knowledge"])})
        else:
            WAITING["received"].append(code)


class Dispatcher(ZhiliUser):
    """派单员 at the city centre: dispatches received cases to the street."""

    role = "dispatcher"
    users = 3
    per_intake = DISPATCHED

    @task
    def dispatch(self) -> None:
        if WAITING["received"]:
            code = WAITING["received"].popleft()
            if self.act(code, "dispatch", {"lead_unit": WANGJING}):
                WAITING["dispatched"].append(code)


class Street(ZhiliUser):
    """望京街道: 签收, 联系市民, 反馈 (the latest step first, so cases flow through)."""

    role = "street"
    users = 6
    per_intake = 3 * DISPATCHED
    STEPS: tuple[tuple[str, str, str, dict[str, Any]], ...] = (
        ("contacted", "report", "reported", {"reply": "已现场核查并协调物业处理完毕，已向市民反馈。"}),
        ("signed", "contact", "contacted", {"note": "已电话联系市民。"}),
        ("dispatched", "sign", "signed", {}),
    )

    @task
    def step(self) -> None:
        for state, action, after, body in self.STEPS:
            if WAITING[state]:
                code = WAITING[state].popleft()
                if self.act(code, action, body):
                    WAITING[after].append(code)
                return


class Visit(ZhiliUser):
    """坐席 on the 回访 desk: calls the citizen back; a satisfied answer closes the case (办结)."""

    role = "operator"
    users = 3
    per_intake = DISPATCHED

    @task
    def visit(self) -> None:
        if WAITING["reported"]:
            body = {"contacted": True, "solved": True, "satisfaction": "satisfied"}
            self.act(WAITING["reported"].popleft(), "visit", body)


class Lists(ZhiliUser):
    """Case lists as the work pages load them, for each of four desks in turn."""

    users = 6
    per_intake = LISTS_PER_INTAKE
    DESKS: tuple[tuple[str, str, dict[str, Any]], ...] = (
        ("dispatcher", "list 派单台", {"state": "received"}),
        ("street", "list 街道待办", {"state": ["dispatched", "signed", "contacted"]}),
        ("district", "list 区中心", {}),
        ("operator", "list 回访", {"state": "reported"}),
    )

    def on_start(self) -> None:
        self.turn = itertools.cycle(self.DESKS)

    @task
    def list_cases(self) -> None:
        role, name, params = next(self.turn)
        self.client.get("/api/cases", params=params, headers={"X-API-Key": KEYS[role]}, name=name)


class Citizen(HttpUser):
    """A citizen tracks a demand registered this hour, from a phone behind the city's proxy."""

    fixed_count = 2
    wait_time = constant_throughput(rate(TRACKING_PER_INTAKE) / 2)

    def __init__(self, environment: Any) -> None:
        self.host = HOSTS[next(_next_host) % len(HOSTS)]
        super().__init__(environment)

    @task
    def track(self) -> None:
        if TRACKABLE:
            address = f"10.{random.randrange(256)}.{random.randrange(256)}.{random.randrange(1, 255)}"
            self.client.get(
                f"/api/track/{random.choice(TRACKABLE)}",
                params={"phone_tail": "1234"},
                headers={"X-Forwarded-For": address},
                name="tracking",
            )


class Leader(ZhiliUser):
    """领导 and centres with dashboards open: volume, hotspots and the live league table, in turn."""

    role = "leader"
    users = 2
    per_intake = DASHBOARDS_PER_INTAKE
    BOARDS = (
        ("/api/analytics/volume", "dashboard volume"),
        ("/api/analytics/hotspots/districts", "dashboard hotspots"),
        (f"/api/assessment/live?month={date.today():%Y-%m}", "dashboard 三率 live"),
    )

    def on_start(self) -> None:
        self.turn = itertools.cycle(self.BOARDS)

    @task
    def board(self) -> None:
        path, name = next(self.turn)
        self.client.get(path, name=name)


class Health(HttpUser):
    """The floor, in the same run: /healthz once a second per server, under the load."""

    fixed_count = 2
    wait_time = constant_throughput(1)

    def __init__(self, environment: Any) -> None:
        self.host = HOSTS[next(_next_host) % len(HOSTS)]
        super().__init__(environment)

    @task
    def health(self) -> None:
        self.client.get("/healthz", name="healthz")


class HealthFlood(HttpUser):
    """Run alone (``HealthFlood`` on the command line): /healthz as fast as it goes, the throughput floor."""

    wait_time = constant(0)

    def __init__(self, environment: Any) -> None:
        self.host = HOSTS[next(_next_host) % len(HOSTS)]
        super().__init__(environment)

    @task
    def health(self) -> None:
        self.client.get("/healthz", name="healthz flood")


for _kind in (Intake, Dispatcher, Street, Visit, Lists, Leader):
    _kind.configure()

# Requests per second each kind should reach (the table's "target" column).
TARGETS = {
    "intake": rate(1),
    "action direct_close": rate(DIRECT_CLOSE),
    **{f"action {a}": rate(DISPATCHED) for a in ("dispatch", "sign", "contact", "report", "visit")},
    "case detail": rate(DIRECT_CLOSE + 5 * DISPATCHED),
    **{name: rate(LISTS_PER_INTAKE) / len(Lists.DESKS) for _, name, _ in Lists.DESKS},
    "tracking": rate(TRACKING_PER_INTAKE),
    **{name: rate(DASHBOARDS_PER_INTAKE) / len(Leader.BOARDS) for _, name in Leader.BOARDS},
    "healthz": 2.0,
}
TARGETS["Aggregated"] = sum(TARGETS.values())

PEAK_USERS = sum(k.fixed_count for k in (Intake, Dispatcher, Street, Visit, Lists, Citizen, Leader, Health))
