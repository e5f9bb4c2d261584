"""Third-party Open311 clients from PyPI, used unmodified against a real zhili server (uvicorn).

- ``georeport`` (a maintained GeoReport v2 wrapper; JSON and XML): lists services, gets a service
  definition, and reads requests back. It cannot file requests.
- ``civicbot``'s ``Open311Client`` files the request (a form POST with ``attribute[code]`` fields),
  after checking it against our service list and definition (``validate_remote=True``).
The older PyPI clients (``open311``, ``three``) are Python 2 only and fail to import on Python 3.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from civicbot import Endpoint, HttpError, Open311Client
from georeport import GeoReport

from open311.conftest import PERSONAL
from zhili.auth import service
from zhili.auth.models import Role
from zhili.db import Database

VENV_BIN = Path(sys.executable).parent
START_TIMEOUT_S = 60.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def server(
    committed_database: Database, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, str]]:
    """``zhili serve`` on a free port over a committed test database; yields (base URL, api key)."""
    with committed_database.session() as session:
        user, _ = service.create_user(session, username="civic_app", role=Role.api_client, unit_code="C11")
        _, key = service.issue_api_key(session, user, "第三方 Open311 客户端", actor="test")
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "ZHILI_ENVIRONMENT": "test",
        "ZHILI_DATABASE_URL": committed_database.url,
        "ZHILI_DATA_DIR": str(tmp_path_factory.mktemp("server")),
        "ZHILI_SECRET_KEY": "open311-e2e-" + "x" * 32,
        "ZHILI_PUBLIC_BASE_URL": base,
        "ZHILI_SWEEP_INTERVAL_MINUTES": "0",
    }
    process = subprocess.Popen(
        [str(VENV_BIN / "zhili"), "serve", "--port", str(port), "--no-access-log"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            try:
                if requests.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            except requests.RequestException:  # not listening yet, or too busy starting to answer
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(
                    f"zhili serve did not start: {process.stderr.read() if process.stderr else ''}"
                )
            time.sleep(0.2)
        yield f"{base}/open311/v2", key
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.mark.parametrize("output_format", ["json", "xml"])
def test_georeport_lists_services_and_reads_a_definition(server: tuple[str, str], output_format: str) -> None:
    root, _ = server
    client = GeoReport(root, jurisdiction="11", output_format=output_format)
    services = client.get_service_list()
    by_code = {s["service_code"]: s for s in services}
    assert by_code["020101"]["service_name"] == "餐饮油烟"
    assert by_code["020101"]["group"] == "环境保护"
    definition = client.get_service_definition("020101")
    assert definition["service_code"] == "020101"
    attributes = definition["attributes"]
    if output_format == "xml":  # xmltodict keeps the container element
        attributes = attributes["attribute"]
    assert [a["code"] for a in attributes][:2] == ["demand_type", "urgency"]


def test_civicbot_files_and_georeport_reads_back(server: tuple[str, str]) -> None:
    root, key = server
    filer = Open311Client(Endpoint(id="zhili", name="zhili 12345", base_url=root, write=True))
    prepared = filer.create_request(
        "020101",
        dry_run=False,
        confirm="SEND",
        api_key=key,
        validate_remote=True,
        lat=39.9966,
        lng=116.4706,
        address_string="北京市朝阳区望京街道望京西园三区",
        description="小区门口烧烤店油烟很大，晚上十点后还在营业。",
        attributes={"demand_type": "complaint", "urgency": "ordinary"},
        first_name="三",
        last_name="张",
        phone="13812341234",
        email="zhangsan@example.com",
        media_url="http://example.com/photo.jpg",
    )
    [created] = prepared.response
    code = created["service_request_id"]
    assert code.startswith("BJ") and created["service_notice"]

    for output_format in ("json", "xml"):
        reader = GeoReport(root, jurisdiction="11", output_format=output_format)
        request = reader.get_service_request(code)
        assert request["service_request_id"] == code
        assert request["status"] == "open"
        assert request["service_code"] == "020101"
        assert request["media_url"] == "http://example.com/photo.jpg"
        listed = reader.get_service_requests(service_request_id=code, status="open")
        listed = [listed] if isinstance(listed, dict) else listed
        assert [r["service_request_id"] for r in listed] == [code]
        for value in PERSONAL:
            assert value not in str(request)
    assert filer.get_request(code)["service_request_id"] == code


def test_civicbot_sees_the_errors_array(server: tuple[str, str]) -> None:
    root, _ = server
    filer = Open311Client(Endpoint(id="zhili", name="zhili 12345", base_url=root, write=True))
    with pytest.raises(HttpError) as refused:
        filer.create_request(
            "020101", dry_run=False, confirm="SEND", api_key="zk_wrong", lat=39.9966, lng=116.4706,
            attributes={"demand_type": "complaint"},
        )  # fmt: skip
    assert refused.value.status == 403
    assert '"code":403' in refused.value.body
