"""Schemathesis against the service's own OpenAPI document, over every operation, writes
included: no 5xx, and every status and response matches what the document promises.

It runs on a throwaway copy of the trained database with a fresh admin key of its own (with
an id no generated path parameter will plausibly hit, so the run cannot revoke itself).
Besides random examples, Schemathesis's coverage phase sends boundary values: the minimum
and maximum of every number (money up to values.MONEY_MAX), the shortest and longest
strings, and values just outside each bound. Bounded examples keep it to a couple of
minutes on two cores.
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error, response_schema_conformance, status_code_conformance
from sqlalchemy import text

from segmentation.auth import new_key
from segmentation.core.extensions import db

FUZZ_KEY_ID = 1_987_654_321
fuzz_key: dict[str, str] = {}


@pytest.fixture
def api_schema(trained_app):
    # rate limits stay out of the way: the run sends hundreds of writes in a few seconds
    trained_app.config.update(RATE_LIMIT_WRITES="1000000 per minute", RATE_LIMIT_LOGIN="1000000 per minute")
    trained_app.config.update(RATE_LIMIT_LOGIN_ACCOUNT="1000000 per minute")
    with trained_app.app_context():
        key, prefix, digest = new_key()
        db.session.execute(
            text(
                "INSERT INTO api_keys (id, name, prefix, key_hash, role) "
                "VALUES (:id, 'schemathesis', :prefix, :digest, 'admin')"
            ),
            {"id": FUZZ_KEY_ID, "prefix": prefix, "digest": digest},
        )
        db.session.commit()
    fuzz_key["value"] = key
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", trained_app)


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=8, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_api_honours_its_contract(case):
    case.call_and_validate(
        headers={"Authorization": f"Bearer {fuzz_key['value']}"},
        checks=[not_a_server_error, status_code_conformance, response_schema_conformance],
    )
