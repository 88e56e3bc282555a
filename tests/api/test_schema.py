"""Property tests of the whole API against its own OpenAPI schema (schemathesis).

Every operation is called with generated requests (a write token, so POSTs run
too): no answer may be a server error, every status must be documented and
every answer must match the schema the API publishes. One book serves every
operation and the examples per operation are bounded, so the run stays short.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

# pytest-django has configured Django when this module is collected; the schema is served without a database
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
EXAMPLES = 6
CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance]


@pytest.fixture
def keep_connection():  # type: ignore[no-untyped-def]
    """The WSGI handler closes the database connection after each request; the test's transaction needs it
    (Django's test client does the same)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def test_the_api_keeps_its_schema(book, keep_connection) -> None:  # type: ignore[no-untyped-def]
    headers = {"Authorization": f"Bearer {book.tokens['write']}"}
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 27

    for operation in operations:

        @settings(max_examples=EXAMPLES, deadline=None, phases=[Phase.explicit, Phase.generate], database=None,
                  suppress_health_check=list(HealthCheck))  # fmt: skip
        @given(case=operation.as_strategy())
        def check(case) -> None:  # type: ignore[no-untyped-def]
            case.call_and_validate(headers=headers, checks=CHECKS)

        try:
            check()
        except Exception as exc:  # every operation is tried; all failures are reported together
            failures.append(f"{operation.label}: {exc}")
    assert not failures, "\n\n".join(failures)


def test_the_schema_is_served_and_the_docs_page_uses_no_cdn(client) -> None:  # type: ignore[no-untyped-def]
    served = client.get("/api/v1/openapi.json")
    assert served.status_code == 200 and served.json()["info"]["title"] == "Encaisse API"
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    html = page.content.decode()
    assert "cdn" not in html.lower() and "https://" not in html
    assert "/static/ninja/swagger-ui-bundle.js" in html
