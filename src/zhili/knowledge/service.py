"""Rules for writing knowledge-base entries: validation, audit, and keeping the search index fresh.

Entries are never deleted (cases keep pointing at the entry that answered them); removing one
deactivates it. Every write is audited and invalidates the search index. Services only flush.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session

from zhili.audit import service as audit
from zhili.errors import ValidationFailed
from zhili.kernel.clock import utcnow
from zhili.knowledge import repository, search
from zhili.knowledge.models import KnowledgeEntry
from zhili.knowledge.schemas import MAX_KEYWORDS, KnowledgeIn, join_keywords
from zhili.taxonomy import repository as taxonomy

FIELD_LABELS = {
    "question": "问题",
    "answer": "答复",
    "category": "分类",
    "keywords": "关键词",
    "source": "来源",
}
TARGET = "knowledge_entry"


def _category_id(session: Session, code: str | None) -> int | None:
    if not code:
        return None
    category = taxonomy.by_code(session, code)
    if category is None or not category.active:
        raise ValidationFailed(f"未知的诉求分类：{code}", field="category")
    return category.id


def _keywords(keywords: list[str]) -> str:
    joined = join_keywords(keywords)
    if len(joined) > MAX_KEYWORDS:
        raise ValidationFailed(f"关键词过长，合计最多 {MAX_KEYWORDS} 个字符", field="keywords")
    return joined


def create_entry(session: Session, actor: str, body: KnowledgeIn) -> KnowledgeEntry:
    category_id = _category_id(session, body.category)
    now = utcnow()
    entry = KnowledgeEntry(
        question=body.question,
        answer=body.answer,
        category_id=category_id,
        keywords=_keywords(body.keywords),
        source=body.source or None,
        active=True,
        created_by=actor,
        created_at=now,
        updated_at=now,
    )
    session.add(entry)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="knowledge.create",
        target_type=TARGET,
        target_id=entry.id,
        detail={"category": body.category},
    )
    search.invalidate(session)
    return entry


def update_entry(session: Session, actor: str, entry_id: int, changes: dict[str, Any]) -> KnowledgeEntry:
    """Apply the fields present in ``changes``; all of them are checked before any is written."""
    entry = repository.get(session, entry_id)
    for required in ("question", "answer", "active"):
        if required in changes and (changes[required] is None or changes[required] == ""):
            raise ValidationFailed(f"{FIELD_LABELS.get(required, '状态')}不能为空", field=required)
    values: dict[str, Any] = {}
    if "category" in changes:
        values["category_id"] = _category_id(session, changes["category"])
    if "keywords" in changes:
        values["keywords"] = _keywords(changes["keywords"] or [])
    for name in ("question", "answer", "active"):
        if name in changes:
            values[name] = changes[name]
    if "source" in changes:
        values["source"] = changes["source"] or None
    for name, value in values.items():
        setattr(entry, name, value)
    entry.updated_at = utcnow()
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="knowledge.update",
        target_type=TARGET,
        target_id=entry.id,
        detail={"fields": sorted(changes)},
    )
    search.invalidate(session)
    return entry


def deactivate_entry(session: Session, actor: str, entry_id: int) -> KnowledgeEntry:
    entry = repository.get(session, entry_id)
    if entry.active:
        entry.active = False
        entry.updated_at = utcnow()
        session.flush()
        audit.record(
            session, actor=actor, action="knowledge.deactivate", target_type=TARGET, target_id=entry.id
        )
        search.invalidate(session)
    return entry


# -- bulk import -------------------------------------------------------------------------------------

HEADER_ALIASES = {
    "question": "question",
    "问题": "question",
    "answer": "answer",
    "答复": "answer",
    "答案": "answer",
    "category": "category",
    "分类": "category",
    "分类编码": "category",
    "keywords": "keywords",
    "关键词": "keywords",
    "source": "source",
    "来源": "source",
    "政策依据": "source",
}


@dataclass
class ImportReport:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)


def decode(raw: bytes) -> str:
    """UTF-8 (with or without the BOM Excel writes), else GB18030 as saved by Chinese Excel."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("gb18030")


def _problem(error: Any) -> str:
    kind = error["type"]
    if kind in ("missing", "string_too_short"):
        return "不能为空"
    if kind == "string_too_long":
        return f"过长，最多 {error.get('ctx', {}).get('max_length')} 个字符"
    return str(error["msg"]).removeprefix("Value error, ")


def parse_csv(text: str) -> tuple[list[tuple[int, KnowledgeIn]], list[str]]:
    """Rows as (line number, entry); errors name the line and the field, in Chinese."""
    reader = csv.DictReader(io.StringIO(text))
    columns = {name: HEADER_ALIASES.get((name or "").strip().lower()) for name in reader.fieldnames or []}
    missing = {"question", "answer"} - set(columns.values())
    if missing:
        labels = "、".join(f"{m}（{FIELD_LABELS[m]}）" for m in sorted(missing))
        return [], [f"表头缺少必需的列：{labels}"]
    rows: list[tuple[int, KnowledgeIn]] = []
    errors: list[str] = []
    seen: dict[str, int] = {}
    for record in reader:
        line = reader.line_num
        values = {str(columns[k]): v for k, v in record.items() if k is not None and columns.get(k) and v}
        try:
            entry = KnowledgeIn.model_validate(values)
        except ValidationError as exc:
            for error in exc.errors():
                name = str(error["loc"][0]) if error["loc"] else ""
                errors.append(f"第 {line} 行：{FIELD_LABELS.get(name, name)}（{name}）{_problem(error)}")
            continue
        if entry.question in seen:
            errors.append(f"第 {line} 行：问题与第 {seen[entry.question]} 行重复")
            continue
        seen[entry.question] = line
        rows.append((line, entry))
    return rows, errors


def import_entries(session: Session, actor: str, rows: list[tuple[int, KnowledgeIn]]) -> ImportReport:
    """Add new questions and update known ones (matched by question text). Nothing is written when
    any row is invalid: the report then lists every problem."""
    report = ImportReport()
    categories: dict[int, int | None] = {}
    for line, entry in rows:
        try:
            categories[line] = _category_id(session, entry.category)
            _keywords(entry.keywords)
        except ValidationFailed as exc:
            report.errors.append(f"第 {line} 行：{exc.message}")
    if report.errors:
        return report
    now = utcnow()
    for line, entry in rows:
        values: dict[str, Any] = {
            "answer": entry.answer,
            "category_id": categories[line],
            "keywords": _keywords(entry.keywords),
            "source": entry.source or None,
            "active": True,
        }
        existing = repository.by_question(session, entry.question)
        if existing is None:
            session.add(
                KnowledgeEntry(
                    question=entry.question, created_by=actor, created_at=now, updated_at=now, **values
                )
            )
            report.added += 1
        elif all(getattr(existing, k) == v for k, v in values.items()):
            report.unchanged += 1
        else:
            for name, value in values.items():
                setattr(existing, name, value)
            existing.updated_at = now
            report.updated += 1
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="knowledge.import",
        target_type=TARGET,
        detail={"added": report.added, "updated": report.updated, "unchanged": report.unchanged},
    )
    search.invalidate(session)
    return report
