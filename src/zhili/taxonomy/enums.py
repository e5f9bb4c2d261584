"""The fixed vocabularies of a demand (诉求): type, urgency and channel, with their Chinese labels."""

from __future__ import annotations

import enum


class DemandType(enum.StrEnum):
    consultation = "consultation"
    help = "help"
    complaint = "complaint"
    report = "report"
    suggestion = "suggestion"
    praise = "praise"


DEMAND_TYPE_LABELS = {
    DemandType.consultation: "咨询",
    DemandType.help: "求助",
    DemandType.complaint: "投诉",
    DemandType.report: "举报",
    DemandType.suggestion: "建议",
    DemandType.praise: "表扬",
}


class Urgency(enum.StrEnum):
    ordinary = "ordinary"
    urgent = "urgent"
    emergency = "emergency"


URGENCY_LABELS = {Urgency.ordinary: "一般", Urgency.urgent: "紧急", Urgency.emergency: "特急"}


class Channel(enum.StrEnum):
    phone = "phone"
    web = "web"
    app = "app"
    open311 = "open311"
    grid = "grid"
    leader_board = "leader_board"
    media = "media"
    other = "other"


CHANNEL_LABELS = {
    Channel.phone: "电话",
    Channel.web: "网站",
    Channel.app: "App/小程序",
    Channel.open311: "Open311",
    Channel.grid: "网格巡查",
    Channel.leader_board: "领导留言板",
    Channel.media: "媒体",
    Channel.other: "其他",
}


def by_label(labels: dict[enum.StrEnum, str], value: str) -> enum.StrEnum | None:
    """Accept either the code (``complaint``) or the Chinese label (``投诉``)."""
    for member, label in labels.items():
        if value in (member.value, label):
            return member
    return None
