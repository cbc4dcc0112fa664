"""The whole JSON API fuzzed from its own OpenAPI description (Schemathesis): whatever a
client sends, anonymous or as staff, the answer is never a 5xx and always matches the
description. A fixed seed and a bounded number of examples per operation keep it repeatable."""

from __future__ import annotations

from datetime import timedelta

import pytest
import schemathesis
from hypothesis import HealthCheck, given, seed, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from tests.helpers import in_days

pytestmark = pytest.mark.slow

EXAMPLES = 5
#: No 5xx; statuses, content types and bodies as described; input outside the description refused.
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
          negative_data_rejection]


def fuzz(app, client, operation, mode, headers, problems) -> int:
    """Run ``EXAMPLES`` cases of ``operation``; record every failure in ``problems``."""
    calls = []

    @seed(12)
    @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True, print_blob=False,
              suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(generation_mode=mode, headers=headers or None))
    def run(case):
        calls.append(1)
        try:
            # the client runs each request in an app context of its own, as a server does
            case.call_and_validate(app=app, session=client, checks=CHECKS)
        except (Exception, FailureGroup) as error:  # collected: one report for every operation
            who = "staff" if headers else "anonymous"
            problems.append(f"{operation.label} [{mode.value}, {who}]: {str(error)[:1500]}")

    try:
        run()
    except Unsatisfiable:  # nothing of this operation can be made invalid (no parameters, no body)
        pass
    return len(calls)


def world(make_event, make_user, api_token):
    """A little data for the ids the fuzzer tries first (1, 2 ...): a published event with a
    venue, and a staff account's token."""
    make_event(starts_at=in_days(3), ends_at=in_days(3) + timedelta(hours=2))
    return api_token(make_user("staff"))


@pytest.fixture
def api_schema(client):
    return schemathesis.openapi.from_dict(client.get("/api/v1/openapi.json").get_json())


def test_no_input_makes_a_server_error_or_breaks_the_description(
    app, client, api_schema, make_event, make_user, api_token
):
    staff = world(make_event, make_user, api_token)
    problems: list[str] = []
    operations = examples = 0
    for result in api_schema.get_all_operations():
        operation = result.ok()
        operations += 1
        # Invalid input is tried as staff only: anonymous, most routes stop at the 401.
        for mode, headers in ((GenerationMode.POSITIVE, {}), (GenerationMode.POSITIVE, staff),
                              (GenerationMode.NEGATIVE, staff)):
            examples += fuzz(app, client, operation, mode, headers, problems)
    print(f"schemathesis: {operations} operations, {examples} examples, {len(problems)} failures")
    assert problems == [], "\n\n".join(problems)
