"""Pydantic shapes of the 民生诉求数据库 routes: what 每月一题, 未诉先办 and the SQL console take, and
what every view answers.

The views build plain dicts, and the analytics page draws from the same ones; a route names its
answer here as ``response_model``, so /openapi.json describes it and FastAPI checks it on the way out.
Answers forbid unknown keys: a view that grows a key fails its tests until the key is described here,
instead of losing it silently.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

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


# --- what the views answer --------------------------------------------------------------------


class Answer(BaseModel):
    """An answer with exactly the keys described: an undescribed key is an error, never dropped."""

    model_config = ConfigDict(extra="forbid")


class VolumeRowOut(Answer):
    """One group of a view grouped by ``by``."""

    key: str | int | None = Field(
        description="分组值：月份 YYYY-MM，日期 YYYY-MM-DD（按周时为周一），小时 0–23，星期 1–7（周一为 1），"
        "或区划、类别、类型、渠道、状态、主办单位的编码；诉求缺少该项时为空"
    )
    label: str | None = Field(description="编码的名称（区划、类别、类型、渠道、状态）；时间和主办单位无名称")
    count: int = Field(description="诉求量")


class HandlingRowOut(VolumeRowOut):
    closed: int = Field(description="已办结的诉求数")
    mean_hours: float | None = Field(description="平均办理时长（小时，受理至反馈）；没有已办结诉求时为空")
    median_hours: float | None = Field(description="办理时长中位数（小时）；读汇总表时由时长分布插值")
    overdue_rate: float | None = Field(description="超期率（0–1）")
    solved_rate: float | None = Field(description="解决率（0–1，回访为已解决的占比）；没有回访时为空")
    satisfied_rate: float | None = Field(description="满意率（0–1，满意与基本满意的占比）；没有评价时为空")


class SentimentRowOut(VolumeRowOut):
    count: int = Field(description="有情绪得分的诉求数")
    mean: float = Field(description="平均情绪得分（词典法，-1 至 1）")
    negative_share: float = Field(description="明显负面（得分低于 -0.2）的诉求占比")


class HotspotDistrictOut(VolumeRowOut):
    """A district of the choropleth: its volume against its latest resident population."""

    population: int | None = Field(description="最新一年的常住人口；没有人口数据时为空")
    population_year: int | None = Field(description="常住人口的年份")
    per_10k: float | None = Field(description="每万常住人口诉求量；没有人口数据时为空")
    population_note: str | None = Field(description="没有人口数据时为“无人口数据”，否则为空")


class HotspotCellOut(Answer):
    cell: str = Field(description="H3 单元编号（所请求的分辨率）")
    count: int = Field(description="诉求量")
    lat: float = Field(description="单元中心纬度")
    lng: float = Field(description="单元中心经度")


class ProblemKeywordOut(Answer):
    keyword: str
    count: int = Field(description="该类别中带此关键词的诉求量")


class TopProblemOut(Answer):
    category: str = Field(description="类别编码")
    label: str | None = Field(description="类别名称")
    count: int = Field(description="诉求量")
    keywords: list[ProblemKeywordOut] = Field(description="出现最多的关键词（至多 5 个）")
    streets: int = Field(description="报告该类问题的街乡数")


class RepeatAddressOut(Answer):
    token: str = Field(description="地址的匿名标识（密钥摘要，不可还原为地址）")
    count: int = Field(description="诉求量")
    community: str | None = Field(description="所在社区编码")
    community_label: str | None
    category: str | None = Field(description="诉求最多的类别编码")
    category_label: str | None
    categories: int | None = Field(description="涉及的类别数（读汇总表时为单月最多的类别数，是下限）")
    first: date | None = Field(description="第一次诉求的日期")
    last: date | None = Field(description="最后一次诉求的日期")


class CallerBucketOut(Answer):
    bucket: str = Field(description="来电次数区间：1、2、3-5、6-10、>10")
    callers: int = Field(description="来电人数")
    cases: int = Field(description="这些来电人的诉求量")


class RepeatCallerOut(Answer):
    token: str = Field(description="来电人的匿名标识（密钥摘要，不含任何个人信息）")
    count: int = Field(description="来电次数")
    categories: int | None = Field(description="涉及的类别数")
    street: str | None = Field(description="来电最多涉及的街乡编码")
    street_label: str | None


class RepeatCallersOut(Answer):
    """Repeat callers over the chosen dates, or the store's last 30 days without a start date."""

    distribution: list[CallerBucketOut] = Field(description="按来电次数分组的来电人数")
    top: list[RepeatCallerOut] = Field(description="来电次数最多的来电人（不少于 minimum 次）")


class EarlyWarningOut(Answer):
    """未诉先办: a street × category whose last days are well above its seasonal baseline."""

    street: str = Field(description="街乡编码")
    street_label: str | None
    district: str = Field(description="区编码")
    category: str = Field(description="类别编码")
    category_label: str | None
    window_start: date = Field(description="观察窗口的第一天")
    window_end: date = Field(description="观察窗口的最后一天（预警日）")
    observed: int = Field(description="窗口内的诉求量")
    expected: float = Field(description="按季节基线期望的诉求量")
    p_value: float = Field(description="负二项检验的 p 值")
    q_value: float = Field(description="Benjamini–Hochberg 校正后的 q 值（错误发现率）")


class HistoryWeekOut(Answer):
    week: date = Field(description="周一日期")
    count: int = Field(description="该周诉求量")


class ForecastWeekOut(Answer):
    week: date = Field(description="周一日期")
    count: float = Field(description="该周预测诉求量")


class CategoryForecastOut(Answer):
    category: str = Field(description="一级类别编码")
    label: str | None
    history: list[HistoryWeekOut] = Field(description="最近 12 个完整周的诉求量")
    forecast: list[ForecastWeekOut] = Field(description="此后各周的预测")


class RecurringProblemOut(Answer):
    """A community where one category comes back week after week."""

    community_code: str
    category_code: str
    count: int = Field(description="诉求量")
    weeks: int = Field(description="出现该类诉求的周数")
    community_label: str | None
    category_label: str | None


SqlCell = str | int | float | bool | None


class SqlConsoleOut(Answer):
    columns: list[str] = Field(description="结果的列名")
    rows: list[list[SqlCell]] = Field(
        description="各行的值，顺序同 columns；日期、时间、小数、列表和结构等以文本表示"
    )
    truncated: bool = Field(description="结果超过行数或字节上限时为 true（只返回前面的行）")
    row_cap: int = Field(description="行数上限")
    byte_cap: int = Field(description="结果字节数上限（各行按 JSON 计）")
    notice: str | None = Field(description="截断时的中文说明；未截断为 null")


# --- 每月一题 and proactive tasks ----------------------------------------------------------------


class _TopicArea(Answer):
    category: str = Field(description="类别编码")
    category_label: str | None
    area: str = Field(description="区编码")
    area_label: str | None
    keyword: str = Field(description="关键词；空为整个类别")


class AnalyticsTopicMeasuresOut(Answer):
    volume: int = Field(description="本月诉求量")
    recurrence: int = Field(description="前五个月中诉求量不少于本月一半的月数（0–5）")
    spread: int = Field(description="本月报告该类问题的街乡数")
    growth: float = Field(description="本月诉求量与前三个月月均之比（各加 1）")
    score: float = Field(description="综合得分")


# The area's fields come first, as in the answer: pydantic orders the fields of the later base first.
class AnalyticsTopicCandidateOut(AnalyticsTopicMeasuresOut, _TopicArea):
    """A candidate 每月一题: a category × district × keyword of the month, with its ranking signals."""


class AnalyticsTopicOut(Answer):
    """每月一题: a problem chosen for a month."""

    id: int
    month: str = Field(description="YYYY-MM")
    title: str
    category: str = Field(description="类别编码")
    area: str = Field(description="区或街乡编码")
    keyword: str = Field(description="关键词；空为整个类别")
    score: float = Field(description="选题时的综合得分")
    metrics: AnalyticsTopicCandidateOut | AnalyticsTopicMeasuresOut = Field(
        description="选题时的指标：与候选一致时为该候选，否则只有各项指标（均为 0）"
    )
    status: Literal["open", "closed"]
    chosen_by: str
    chosen_at: str = Field(description="选定时间（ISO 8601，UTC）")
    cases: int = Field(description="关联的本月诉求数")


class DemandChangeOut(Answer):
    """Demand per day of a category × area in the days before a date and from it on."""

    pivot: date = Field(description="分界日（此日起计入之后）")
    days: int = Field(description="前后各比较的天数")
    before: int = Field(description="之前的诉求量")
    after: int = Field(description="之后的诉求量")
    after_days_observed: int = Field(description="之后已有数据的天数")
    before_per_day: float = Field(description="之前的日均诉求量")
    after_per_day: float | None = Field(description="之后的日均诉求量；尚无数据时为空")
    change: float | None = Field(description="日均诉求量的变化比例（-0.3 即下降 30%）；无法比较时为空")


class AnalyticsTopicReportOut(Answer):
    topic: AnalyticsTopicOut
    demand: DemandChangeOut


class TaskWarningOut(Answer):
    """The 未诉先办 warning a task came from, as stored when the task was given."""

    street: str = Field(description="街乡编码")
    category: str = Field(description="类别编码")
    window_start: date
    window_end: date = Field(description="预警日")
    observed: int = Field(description="窗口内的诉求量")
    expected: float = Field(description="按季节基线期望的诉求量")
    q_value: float = Field(description="Benjamini–Hochberg 校正后的 q 值")


class ProactiveTaskOut(Answer):
    """A task a unit was given by a 每月一题 topic or a 未诉先办 warning."""

    id: int
    kind: Literal["topic", "warning"] = Field(description="topic（每月一题）或 warning（预警）")
    topic_id: int | None = Field(description="每月一题的编号；预警任务为空")
    unit: str | None = Field(description="承办单位编码")
    unit_name: str | None
    title: str
    note: str | None
    due_at: str = Field(description="期限（ISO 8601，UTC）")
    status: Literal["open", "done"]
    outcome: str | None = Field(description="办理情况；办结前为空")
    done_at: str | None = Field(description="办结时间（ISO 8601，UTC）")
    warning: TaskWarningOut | None = Field(description="来源预警；每月一题的任务为空")


class ProactiveTaskDetailOut(ProactiveTaskOut):
    """A warning's task with its effect (a topic's task is answered as ``ProactiveTaskOut``)."""

    demand: DemandChangeOut = Field(description="预警前后相同天数内该街乡该类别的诉求量")
