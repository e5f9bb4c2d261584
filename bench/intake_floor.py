"""Intake floors: what the stack costs for a POST that stores one demand and does nothing else.

``bench/intake.py`` serves these apps so that, in the same run, it can set the real intake beside
what no intake on this stack could beat on this machine.

``create_floor_app`` is zhili's own app plus ``POST /bench/floor``. The route goes through the same
middleware (session, CSRF dependency, error handlers), authenticates the same API key, validates the
same body with the same ``CaseIn`` schema, opens the same request session (on SQLite: the same writer
turn) and inserts ONE row into ``cases`` with SQLAlchemy Core, then commits. It skips everything
intake does on top of that: location resolution, encryption of the contact, the tracking-code
sequence, the event, the audit record and triage (classification, routing, duplicate check,
recommendation record).

``create_bare_app`` drops zhili altogether except its engine (on SQLite: the writer turn): a plain
FastAPI app with its own ``GET /healthz`` and a ``POST /bench/floor`` that validates ``CaseIn`` and
inserts the same row on a Core connection in its own transaction, with no middleware, no ORM session
and no authentication. Its ``floor / health`` ratio is the
ceiling for any design that commits each demand in its own transaction.

The routes exist only in these benchmark apps; ``zhili serve`` never mounts them.
"""

from __future__ import annotations

import itertools
import os
from datetime import UTC, datetime
from typing import Any

from fastapi import FastAPI
from sqlalchemy import Connection, Table, insert
from sqlalchemy.orm import Session

from zhili.app import create_app
from zhili.auth.deps import CurrentActor
from zhili.cases.models import Case
from zhili.cases.schemas import CaseIn
from zhili.cases.states import CaseState
from zhili.db import WRITE_OPTION, Database
from zhili.deps import DbSession
from zhili.settings import get_settings

_serial = itertools.count(1)


def _store_one(session: Session | Connection, body: CaseIn, created_by: str) -> str:
    now = datetime.now(UTC)
    # One prefix per worker process keeps codes unique; bench/intake.py leaves FL rows out of its count.
    code = f"FL{os.getpid() % 100_000:05d}{next(_serial):012d}"
    values: dict[str, Any] = {
        "code": code,
        "demand_type": body.demand_type,
        "urgency": body.urgency,
        "channel": body.channel,
        "title": body.title,
        "description": body.description,
        "lat": body.lat,
        "lng": body.lng,
        "address": body.address,
        "confidential": body.confidential,
        "state": CaseState.received,
        "version": 1,
        "received_at": now,
        "updated_at": now,
        "created_by": created_by,
    }
    table: Table = Case.__table__  # type: ignore[assignment]
    session.execute(insert(table).values(**values))  # Core: no ORM bulk-insert machinery
    return code


def create_floor_app() -> FastAPI:
    app = create_app()

    @app.post("/bench/floor", status_code=201, include_in_schema=False)
    def floor(body: CaseIn, actor: CurrentActor, session: DbSession) -> dict[str, str]:
        return {"code": _store_one(session, body, actor.username)}

    # Routes are matched in order; the floor goes first so that matching it costs what matching
    # /healthz or /api/cases costs (both sit among the first routers), not a walk over every page.
    app.router.routes.insert(0, app.router.routes.pop())
    return app


def create_bare_app() -> FastAPI:
    settings = get_settings()
    database = Database.for_settings(settings)
    app = FastAPI()

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.post("/bench/floor", status_code=201)
    def floor(body: CaseIn) -> dict[str, str]:
        with database.engine.connect().execution_options(**{WRITE_OPTION: True}) as connection:
            code = _store_one(connection, body, "bench")
            connection.commit()
        return {"code": code}

    return app
