"""Property-based run over the app's own OpenAPI schema (schemathesis): no input gives a 500,
and every response matches the documented status codes, content types and schemas.

The schema is read at import from an app without an index (the OpenAPI document does not
need one); a fixture hands that app the session's real index before any call. `from_dict`
rather than `from_asgi`: the latter would start the app's lifespan at import, and with no
index yet the app would begin loading the default data dir. (schemathesis' `from_fixture`
lazy loader does not run under pytest 9, which dropped `Node._nodeid`.)
"""
from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from policyqa.app import create_app

from .conftest import make_settings

pytestmark = pytest.mark.slow

REQUEST_TIMEOUT_S = 300
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]

app = create_app(make_settings())
schema = schemathesis.openapi.from_dict(app.openapi())
schema.app = app  # cases are sent to the app in-process (ASGI)
# Both valid inputs and inputs that break the schema (wrong types, missing fields, ...).
schema.config.generation.update(modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE])


@pytest.fixture(scope="module", autouse=True)
def _serve_the_real_index(search_index) -> None:
    app.state.api.publish(search_index)


@schema.parametrize()
@settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_server_errors_and_responses_match_the_schema(case):
    # No wall-clock limit (speed is `make bench`'s to measure): the first answers of a cold clone
    # embed the clauses they score (index.clause_vectors), past schemathesis' default 10 s timeout.
    response = case.call_and_validate(checks=CHECKS, timeout=REQUEST_TIMEOUT_S)
    assert response.status_code != 503  # the real index answered, not a not-ready stub
