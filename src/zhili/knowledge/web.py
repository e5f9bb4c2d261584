"""Knowledge-base pages: search and list entries, add and edit them (dispatchers and admins), through
the same service as the JSON API."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from zhili.deps import DbSession
from zhili.errors import ZhiliError
from zhili.knowledge import repository, service
from zhili.knowledge.policy import KnowledgeEditor
from zhili.knowledge.schemas import KnowledgeIn, split_keywords
from zhili.web.templating import render, render_form, see_other
from zhili.web.validation import field_errors

router = APIRouter(include_in_schema=False)

Text = Annotated[str, Form(max_length=21000)]
PAGE_SIZE = 50


@router.get("/admin/knowledge", response_class=HTMLResponse)
def knowledge_page(
    request: Request,
    session: DbSession,
    _user: KnowledgeEditor,
    q: Annotated[str, Query(max_length=100)] = "",
    page: Annotated[int, Query(ge=1, le=10000)] = 1,
) -> HTMLResponse:
    rows, total = repository.list_entries(
        session,
        q=q.strip() or None,
        category_prefix=None,
        include_inactive=True,
        limit=PAGE_SIZE,
        offset=(page - 1) * PAGE_SIZE,
    )
    context = {"rows": rows, "total": total, "q": q, "page": page, "pages": max(1, -(-total // PAGE_SIZE))}
    return render(request, "admin/knowledge.html", context)


LABELS = {
    "question": "问题",
    "answer": "标准答复",
    "category": "诉求分类",
    "source": "政策依据或答复单位",
    "keywords": "关键词",
}


def _form_page(
    request: Request, form: dict[str, Any], errors: dict[str, str], entry_id: int | None, status: int = 200
) -> HTMLResponse:
    return render_form(request, "admin/knowledge_form.html", form, errors, status, entry_id=entry_id)


@router.get("/admin/knowledge/new", response_class=HTMLResponse)
def new_entry_page(request: Request, _user: KnowledgeEditor) -> HTMLResponse:
    return _form_page(request, {"active": True}, {}, None)


def _form(question: str, answer: str, category: str, keywords: str, source: str) -> dict[str, Any]:
    return {
        "question": question.strip(),
        "answer": answer.strip(),
        "category": category.strip(),
        "keywords": keywords.strip(),
        "source": source.strip(),
    }


def _body(form: dict[str, Any]) -> KnowledgeIn:
    return KnowledgeIn.model_validate(
        {**form, "category": form["category"] or None, "source": form["source"] or None}
    )


@router.post("/admin/knowledge", response_class=HTMLResponse)
def create_entry(
    request: Request,
    session: DbSession,
    user: KnowledgeEditor,
    question: Text = "",
    answer: Text = "",
    category: Text = "",
    keywords: Text = "",
    source: Text = "",
) -> Response:
    form = _form(question, answer, category, keywords, source)
    try:
        with session.begin_nested():
            entry = service.create_entry(session, user.username, _body(form))
    except ValidationError as exc:
        return _form_page(request, {**form, "active": True}, field_errors(exc, LABELS), None, status=422)
    except ZhiliError as exc:
        return _form_page(request, {**form, "active": True}, exc.form_errors(), None, exc.status)
    return see_other(request, f"/admin/knowledge/{entry.id}?saved=1")


@router.get("/admin/knowledge/{entry_id}", response_class=HTMLResponse)
def edit_entry_page(
    request: Request, entry_id: int, session: DbSession, _user: KnowledgeEditor
) -> HTMLResponse:
    row = repository.get_row(session, entry_id)
    e = row.entry
    form = {
        "question": e.question,
        "answer": e.answer,
        "category": row.category_code or "",
        "keywords": "；".join(split_keywords(e.keywords)),
        "source": e.source or "",
        "active": e.active,
    }
    return _form_page(request, form, {}, entry_id)


@router.post("/admin/knowledge/{entry_id}", response_class=HTMLResponse)
def edit_entry(
    request: Request,
    entry_id: int,
    session: DbSession,
    user: KnowledgeEditor,
    question: Text = "",
    answer: Text = "",
    category: Text = "",
    keywords: Text = "",
    source: Text = "",
    active: Text = "",
) -> Response:
    repository.get(session, entry_id)
    form = _form(question, answer, category, keywords, source)
    try:
        body = _body(form)
        changes = {**body.model_dump(), "active": active == "1"}
        with session.begin_nested():
            service.update_entry(session, user.username, entry_id, changes)
    except ValidationError as exc:
        return _form_page(
            request, {**form, "active": active == "1"}, field_errors(exc, LABELS), entry_id, status=422
        )
    except ZhiliError as exc:
        return _form_page(request, {**form, "active": active == "1"}, exc.form_errors(), entry_id, exc.status)
    return see_other(request, f"/admin/knowledge/{entry_id}?saved=1")
