"""Pydantic shapes of the 民生诉求数据库 routes: what 每月一题, 未诉先办 and the SQL console take."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

# --- what the routes take ---------------------------------------------------------------------


class SqlIn(BaseModel):
    sql: str = Field(
        min_length=1, max_length=20_000, description="只读 SQL（SELECT / WITH），表：cases、events"
    )


class TopicTaskIn(BaseModel):
    unit: str = Field(min_length=2, max_length=32, description="承办单位编码")
    due: date = Field(description="期限（日期）")
    note: str | None = Field(default=None, max_length=2000)


class AnalyticsTopicIn(BaseModel):
    month: str = Field(pattern=r"^\d{4}-\d{2}$", description="YYYY-MM")
    category: str = Field(pattern=r"^\d{2,6}$")
    area: str = Field(pattern=r"^\d{6}(\d{3})?$", description="区或街乡编码")
    keyword: str = Field(default="", max_length=64)
    title: str = Field(min_length=2, max_length=200)
    tasks: list[TopicTaskIn] = Field(min_length=1, max_length=50)


class WarningTaskIn(BaseModel):
    street: str = Field(pattern=r"^\d{9}$")
    category: str = Field(pattern=r"^\d{2,6}$")
    as_of: date
    due: date
    note: str | None = Field(default=None, max_length=2000)


class TaskDoneIn(BaseModel):
    outcome: str = Field(min_length=2, max_length=5000, description="办理情况")
