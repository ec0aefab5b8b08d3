"""Property-based fuzzing of the whole API from its own OpenAPI document, in process.

Every operation is called with generated inputs (valid and invalid) as an admin. No input, however odd,
may produce a server error.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import Case
from schemathesis.checks import not_a_server_error
from schemathesis.schemas import BaseSchema

from tests.conftest import World
from tracker.app import create_app

schema = schemathesis.pytest.from_fixture("api_schema")


@pytest.fixture(scope="session")
def api_schema(sqlite_world: World) -> BaseSchema:
    # One backend is enough to find inputs that crash a handler; the functional tests cover both.
    return schemathesis.openapi.from_asgi("/schema/openapi.json", create_app(sqlite_world.settings))


@schema.parametrize()
@settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_input_gives_a_server_error(case: Case, sqlite_world: World) -> None:
    token = sqlite_world.tokens["admin"]
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=[not_a_server_error])
