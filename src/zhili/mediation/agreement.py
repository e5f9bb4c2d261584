"""The 人民调解协议书 as a PDF, generated from the agreement's fields (set by ``kernel.documents``
in the Chinese font it finds on the machine). Parties appear as the reader may see them: in full for
the mediating staff (the copy the parties sign), masked for everyone else."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from zhili.mediation.models import Dispute
from zhili.mediation.schemas import DisputePartyOut
from zhili.mediation.states import KIND_LABELS, TRACK_LABELS


def agreement_lines(
    dispute: Dispute, parties: list[DisputePartyOut], committee: str, mediator: str | None, tz: ZoneInfo
) -> list[str]:
    agreed = dispute.agreed_at.astimezone(tz) if isinstance(dispute.agreed_at, datetime) else None
    lines = [f"编号：{dispute.code}", ""]
    for party in parties:
        line = f"{party.role}（{party.position}）：{party.name or ''}"
        if party.phone:
            line += f"　联系电话：{party.phone}"
        if party.id_number:
            line += f"　身份证号：{party.id_number}"
        lines.append(line)
    lines += [
        "",
        f"纠纷类型：{KIND_LABELS[dispute.kind]}",
        f"调解类型：{TRACK_LABELS[dispute.track] if dispute.track else ''}",
        f"纠纷简要情况：{dispute.facts}",
        "",
        "经调解，当事人自愿达成如下协议：",
        dispute.agreement_terms or "",
        "",
        f"履行方式：{dispute.performance_method or ''}",
        f"履行期限：{dispute.performance_due.isoformat() if dispute.performance_due else ''}",
        "",
        "本协议自各方当事人签名（盖章）、调解员签名并加盖调解组织印章之日起生效。",
        "当事人可自本协议生效之日起三十日内共同向人民法院申请司法确认。",
        "",
        "当事人（签名）：",
        "",
        f"调解员（签名）：{mediator or ''}",
        f"调解组织：{committee}（盖章）",
        f"日期：{agreed.date().isoformat() if agreed else ''}",
    ]
    return lines
