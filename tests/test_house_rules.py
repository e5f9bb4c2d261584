"""The rules of the house, checked by machine (STYLE.md): where roles are named, that every route
declares its permission and the docs say so, that sub-domains are sub-packages, and small files."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from support.accounts import login, make_user
from zhili.app import create_app
from zhili.auth.models import Role
from zhili.auth.permissions import route_permissions
from zhili.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

import house_figures  # noqa: E402


def test_no_module_outside_auth_and_policy_files_names_a_role() -> None:
    assert house_figures.files_naming_roles() == []


def test_every_route_declares_the_permission_it_requires() -> None:
    app = create_app(Settings(environment="test", secret_key="rules-" + "x" * 32))
    missing = [f"{' '.join(r.methods)} {r.path}" for r in route_permissions(app) if r.permission is None]
    assert missing == [], "routes without a permission from a policy.py"


def test_the_permission_table_in_the_docs_is_current() -> None:
    check = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "permission_table.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0, check.stdout + check.stderr


def test_sub_domains_are_sub_packages_not_filename_prefixes() -> None:
    assert house_figures.prefix_groups() == []


def test_no_source_file_is_over_500_lines() -> None:
    files = house_figures.source_files(migrations=True)
    long = [str(p) for p in files if house_figures.line_count(p) > 500]
    assert long == []


def test_admins_read_the_permission_table_and_others_may_not(session: Session, client: TestClient) -> None:
    make_user(session, "perm_admin", Role.admin)
    make_user(session, "perm_op", Role.operator, "C11")
    login(client, "perm_op")
    assert client.get("/api/permissions").status_code == 403
    login(client, "perm_admin")
    rows = client.get("/api/permissions").json()
    intake = next(r for r in rows if r["path"] == "/api/cases" and r["methods"] == ["POST"])
    assert intake["permission"] == "cases.can_take_intake" and "operator" in intake["roles"]
    assert "admin" not in intake["roles"]


def test_every_json_route_describes_its_answer_to_the_leaves() -> None:
    """/openapi.json has no operation without a response schema, and no bare object anywhere in one."""
    total, undescribed = house_figures.routes_without_response_schema()
    assert total > 100 and undescribed == []


def test_schema_names_are_unique_across_domains() -> None:
    """FastAPI spells a name two models share with their module path (zhili__community__…__TopicIn)."""
    spec = create_app(Settings(environment="test", secret_key="rules-" + "x" * 32)).openapi()
    assert [name for name in spec["components"]["schemas"] if name.startswith("zhili__")] == []
