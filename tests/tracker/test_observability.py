from __future__ import annotations

import json
import logging

from tracker.observability import JsonFormatter


class Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


async def test_request_ids_security_headers_and_an_access_log_without_personal_data(api) -> None:
    capture = Capture()
    logger = logging.getLogger("tracker.access")
    logger.addHandler(capture)
    try:
        response = await api.taskforce.get(
            "/api/vendors", params={"q": "Nguyễn Thị Hoa 0905123456"}, headers={"X-Request-ID": "field-team-42-abc"}
        )
        generated = await api.anonymous.get("/health")
    finally:
        logger.removeHandler(capture)
    assert response.headers["x-request-id"] == "field-team-42-abc"
    assert len(generated.headers["x-request-id"]) == 16
    for name in ("x-content-type-options", "x-frame-options", "referrer-policy", "content-security-policy"):
        assert name in response.headers
    assert "'unsafe-inline'" not in response.headers["content-security-policy"]
    line = JsonFormatter().format(capture.records[0])
    entry = json.loads(line)
    assert (entry["path"], entry["status"], entry["user_id"]) == ("/api/vendors", 200, api.world.users["taskforce_np"])
    assert "0905123456" not in line
    assert "Hoa" not in line


async def test_the_docs_page_gets_its_own_policy(api) -> None:
    docs = await api.anonymous.get("/schema")
    assert docs.status_code == 200
    assert "'unsafe-inline'" in docs.headers["content-security-policy"]
