"""Property-based fuzzing of the whole API from its own OpenAPI document, in process.

Every operation is called with generated inputs (valid and invalid) as an admin, and every schemathesis
check runs (no server error, documented status codes and response shapes, negative input refused, ...),
configured in schemathesis.toml: the Allow-header check is off (litestar#4169) and a schema-valid input
may break a business rule (400).
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import Case
from schemathesis.schemas import BaseSchema

from tests.conftest import World
from tracker.app import create_app

schema = schemathesis.pytest.from_fixture("api_schema")


@pytest.fixture(scope="session")
def api_schema(sqlite_world: World) -> BaseSchema:
    # One backend is enough to find inputs that crash a handler; the functional tests cover both.
    return schemathesis.openapi.from_asgi("/schema/openapi.json", create_app(sqlite_world.settings))


@schema.parametrize()
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_operation_passes_every_check(case: Case, sqlite_world: World) -> None:
    token = sqlite_world.tokens["admin"]
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"})
