"""Registration of 信访件 from every channel, and 重复信访: a petition by the same petitioner about the
same matter joins that matter (never counted as a new one); 12345 demands on it are linked.

Same petitioner: the keyed digest of the ID number, else of the phone (``privacy.petitioner_key``).
Same matter: the registrar names it, or a matter of that petitioner in the same district whose text
sketch (``triage.duplicates``) is similar (less similar suffices with the same category and place).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhili.audit import service as audit
from zhili.auth.scope import Actor, readable
from zhili.cases.codes import next_codes
from zhili.cases.context import CaseContext
from zhili.cases.models import Case
from zhili.divisions.models import Division
from zhili.errors import Forbidden, NotFound, ValidationFailed
from zhili.kernel.worktime import deadline
from zhili.petitions import repository as petitions
from zhili.petitions.models import Petition, PetitionAttachment, PetitionCaseLink, PetitionMatter
from zhili.petitions.policy import can_register_petition
from zhili.petitions.privacy import petitioner_key, seal
from zhili.petitions.schemas import OnlinePetitionIn, PetitionerIn, PetitionIn
from zhili.petitions.service import local, record_step
from zhili.petitions.states import CLOSED_STATES, LIMITS, MatterState, PetitionChannel
from zhili.storage.images import Photo
from zhili.storage.service import store_for, stored
from zhili.taxonomy import repository as taxonomy
from zhili.triage.duplicates import signature, similarity
from zhili.units.models import Unit

MATTER_PREFIX = "XS"  # 信访事项
PETITION_PREFIX = "XF"  # 信访件
# Text similarity (sketch cosine, ``triage.duplicates``) above which the same petitioner's petition is
# the same matter; lower when the category and the place are the same too.
REPEAT_SIMILARITY = 0.3
SAME_PLACE_SIMILARITY = 0.2
CASE_SIMILARITY = 0.3
CASE_LOOKBACK_DAYS = 365
CITY_OFFICE = "M11-XFB"
FUTURE_SLACK = timedelta(minutes=5)


@dataclass
class Registration:
    """A petition to register, whatever its channel."""

    channel: PetitionChannel
    title: str
    content: str
    category: str
    division_code: str
    petitioner: PetitionerIn
    case_code: str | None = None
    matter_code: str | None = None
    received_at: datetime | None = None


@dataclass
class Registered:
    petition: Petition
    matter: PetitionMatter
    repeat: bool
    linked_cases: list[str] = field(default_factory=list)
    notice: str = ""


def office_for(session: Session, division_code: str) -> Unit:
    """The 信访 office of the district the matter is in (the city's office for a city-wide matter)."""
    for code in (f"D{division_code[:6]}-petitions", CITY_OFFICE):
        unit = session.execute(select(Unit).where(Unit.code == code, Unit.active)).scalar_one_or_none()
        if unit is not None:
            return unit
    raise NotFound("尚未配置信访办公室，无法受理网上信访")


def register(session: Session, ctx: CaseContext, actor: Actor, body: PetitionIn) -> Registered:
    """A petition registered by the 信访 office (来访 at the window, 来信, 12345 转信访)."""
    can_register_petition.require(actor)
    if body.channel == PetitionChannel.online:
        raise ValidationFailed(
            "网上信访由信访人在门户网站提交，窗口请选择来访、来信或12345转信访", field="channel"
        )
    if actor.unit_id is None:
        raise Forbidden("您的账号不属于任何信访办公室")
    if not readable(actor).covers(body.division_code):
        raise ValidationFailed("事项所在地不在本信访办公室的受理范围内", field="division_code")
    if not body.petitioner.name:
        raise ValidationFailed("请填写信访人姓名（信访事项须载明姓名）", field="petitioner.name")
    if not body.petitioner.phone and not body.petitioner.id_number:
        raise ValidationFailed("请填写信访人联系电话或身份证号", field="petitioner.phone")
    office = session.get(Unit, actor.unit_id)
    assert office is not None
    registration = Registration(**body.model_dump(exclude={"petitioner"}), petitioner=body.petitioner)
    return _register(session, ctx, actor, office, registration, check_case_phone=False)


def register_online(
    session: Session,
    ctx: CaseContext,
    portal: Actor,
    body: OnlinePetitionIn,
    *,
    received_at: datetime | None = None,
) -> Registered:
    """网上信访 from the portal: sent to the 信访 office of the matter's district. ``received_at`` is
    for online petitions received earlier (the demo year); the portal never passes it."""
    office = office_for(session, body.division_code)
    petitioner = PetitionerIn(name=body.name, phone=body.phone, id_number=body.id_number)
    registration = Registration(
        channel=PetitionChannel.hotline if body.case_code else PetitionChannel.online,
        title=body.title,
        content=body.content,
        category=body.category,
        division_code=body.division_code,
        petitioner=petitioner,
        case_code=body.case_code,
        received_at=received_at,
    )
    return _register(session, ctx, portal, office, registration, check_case_phone=True)


def _validate(session: Session, ctx: CaseContext, item: Registration, check_case_phone: bool) -> Case | None:
    if session.get(Division, item.division_code) is None:
        raise ValidationFailed(f"区划编码 {item.division_code} 不存在", field="division_code")
    if taxonomy.by_code(session, item.category) is None:
        raise ValidationFailed(f"诉求分类 {item.category} 不存在", field="category")
    if item.received_at is not None and local(item.received_at, ctx) > ctx.now() + FUTURE_SLACK:
        raise ValidationFailed("收到时间不能晚于现在", field="received_at")
    if item.channel == PetitionChannel.hotline and not item.case_code:
        raise ValidationFailed("12345诉求转信访须填写诉求编号", field="case_code")
    if not item.case_code:
        return None
    case = session.execute(select(Case).where(Case.code == item.case_code.upper())).scalar_one_or_none()
    if check_case_phone:
        # The citizen escalates his own demand only: the phone must be the one the demand was made with.
        mine = ctx.cipher.digest(item.petitioner.phone)
        if case is None or not case.citizen_phone_digest or case.citizen_phone_digest != mine:
            raise ValidationFailed("诉求编号不存在，或与您填写的联系电话不符", field="case_code")
    elif case is None:
        raise ValidationFailed(f"诉求编号 {item.case_code} 不存在", field="case_code")
    return case


def _register(
    session: Session,
    ctx: CaseContext,
    actor: Actor,
    office: Unit,
    item: Registration,
    *,
    check_case_phone: bool,
) -> Registered:
    escalated = _validate(session, ctx, item, check_case_phone)
    received = local(item.received_at, ctx) if item.received_at else ctx.now()
    digest = petitioner_key(item.petitioner, ctx.cipher)
    sketch = signature(f"{item.title} {item.content}")
    if item.matter_code:
        try:
            matter: PetitionMatter | None = petitions.get_readable(session, actor, item.matter_code.upper())
        except NotFound:
            raise NotFound(
                f"信访事项 {item.matter_code} 不存在或不在您的查看范围内", field="matter_code"
            ) from None
    else:
        matter = _same_matter(session, digest, sketch, item)
    repeat = matter is not None
    if matter is None:
        matter = _new_matter(session, ctx, actor, office, item, received, digest, sketch)
    else:
        matter.petitions += 1
    local_day = received.astimezone(ctx.tz)
    petition = Petition(
        code=next_codes(session, PETITION_PREFIX, local_day)[0],
        matter_id=matter.id,
        channel=item.channel,
        content=f"{item.title}\n{item.content}",
        repeat=repeat,
        case_id=escalated.id if escalated else None,
        received_at=received,
        created_by=actor.username,
    )
    seal(petition, item.petitioner, ctx.cipher)
    session.add(petition)
    session.flush()
    linked = _link_cases(session, ctx, matter, escalated, item.petitioner.phone, sketch)
    notice = _notice(matter, repeat)
    record_step(
        session,
        matter,
        "repeat" if repeat else "register",
        actor.username,
        received,
        from_state=matter.state if repeat else None,
        note=f"登记信访件 {petition.code}" + ("（重复信访，并入本事项）" if repeat else ""),
    )
    audit.record(
        session,
        actor=actor.username,
        action="petitions.register",
        target_type="petition_matter",
        target_id=matter.code,
        detail={"petition": petition.code, "channel": item.channel.value, "repeat": repeat},
    )
    return Registered(petition, matter, repeat, linked, notice)


def _notice(matter: PetitionMatter, repeat: bool) -> str:
    if not repeat:
        return f"已登记为新的信访事项 {matter.code}，将在15个工作日内决定受理、转送、交办或不予受理"
    if matter.state in CLOSED_STATES:
        return f"该事项（{matter.code}）已办结终结，同一事实和理由的信访不再重新受理；本次来信来访已记录"
    return f"属于同一信访事项 {matter.code} 的重复信访，已并入该事项办理，不另计事项"


def _same_matter(
    session: Session, digest: str | None, sketch: bytes | None, item: Registration
) -> PetitionMatter | None:
    """The petitioner's earlier matter in the same district about the same thing, if any."""
    if digest is None:
        return None
    candidates = session.scalars(
        select(PetitionMatter)
        .where(
            PetitionMatter.id.in_(select(Petition.matter_id).where(Petition.petitioner_digest == digest)),
            PetitionMatter.division_code.startswith(item.division_code[:6], autoescape=True),
        )
        .order_by(PetitionMatter.received_at.desc())
        .limit(50)
    ).all()
    best: tuple[float, PetitionMatter] | None = None
    for candidate in candidates:
        score = similarity(sketch, candidate.signature) if sketch and candidate.signature else 0.0
        same_place = candidate.category == item.category and candidate.division_code == item.division_code
        if score >= (SAME_PLACE_SIMILARITY if same_place else REPEAT_SIMILARITY) and (
            best is None or score > best[0]
        ):
            best = (score, candidate)
    return best[1] if best else None


def _new_matter(
    session: Session,
    ctx: CaseContext,
    actor: Actor,
    office: Unit,
    item: Registration,
    received: datetime,
    digest: str | None,
    sketch: bytes | None,
) -> PetitionMatter:
    matter = PetitionMatter(
        code=next_codes(session, MATTER_PREFIX, received.astimezone(ctx.tz))[0],
        office_unit_id=office.id,
        title=item.title,
        category=item.category,
        division_code=item.division_code,
        signature=sketch,
        petitioner_digest=digest,
        state=MatterState.registered,
        received_at=received,
        stage_started_at=received,
        due_at=deadline(received, LIMITS["decide"], ctx.tz),
        petitions=1,
        created_by=actor.username,
    )
    session.add(matter)
    session.flush()
    return matter


def _link_cases(
    session: Session,
    ctx: CaseContext,
    matter: PetitionMatter,
    escalated: Case | None,
    phone: str | None,
    sketch: bytes | None,
) -> list[str]:
    """Link the escalated demand, and the petitioner's 12345 demands whose text is about the same thing."""
    found: dict[int, tuple[Case, str]] = {}
    if escalated is not None:
        found[escalated.id] = (escalated, "escalated")
    phone_digest = ctx.cipher.digest(phone)
    if phone_digest and sketch:
        since = ctx.now() - timedelta(days=CASE_LOOKBACK_DAYS)
        recent: Sequence[Case] = session.scalars(
            select(Case)
            .where(Case.citizen_phone_digest == phone_digest, Case.received_at >= since)
            .order_by(Case.received_at.desc())
            .limit(50)
        ).all()
        for case in recent:
            theirs = signature(f"{case.title} {case.description}")
            if case.id not in found and theirs and similarity(sketch, theirs) >= CASE_SIMILARITY:
                found[case.id] = (case, "same_matter")
    already = set(
        session.scalars(select(PetitionCaseLink.case_id).where(PetitionCaseLink.matter_id == matter.id)).all()
    )
    for case_id, (_case, reason) in found.items():
        if case_id not in already:
            session.add(
                PetitionCaseLink(matter_id=matter.id, case_id=case_id, reason=reason, linked_at=ctx.now())
            )
    session.flush()
    return [case.code for case, _ in found.values()]


def add_scans(
    session: Session, ctx: CaseContext, actor: Actor, petition_code: str, scans: Sequence[Photo]
) -> tuple[Petition, PetitionMatter]:
    """Scans of a letter (来信), in the shared file store."""
    can_register_petition.require(actor)
    petition = session.execute(
        select(Petition).where(Petition.code == petition_code.upper())
    ).scalar_one_or_none()
    matter = session.get(PetitionMatter, petition.matter_id) if petition else None
    missing = NotFound(f"信访件 {petition_code} 不存在或不在您的查看范围内")
    if petition is None or matter is None:
        raise missing
    try:
        petitions.get_readable(session, actor, matter.code)  # scope: the office of the matter's place
    except NotFound:
        raise missing from None
    if petition.channel != PetitionChannel.letter:
        raise ValidationFailed("只有来信可以上传扫描件", field="scans")
    if not scans:
        raise ValidationFailed("请选择扫描件", field="scans")
    store = store_for(ctx.settings)
    for scan in scans:
        session.add(
            PetitionAttachment(petition_id=petition.id, **stored(store, scan, actor.username, ctx.now()))
        )
    session.flush()
    return petition, matter
