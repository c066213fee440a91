"""Schemathesis against /api/schema/: no 5xx and no response outside the documented schema.

Runs on PostgreSQL with the reference data and an editor's token (so writes are exercised too), with a
bounded, derandomised number of examples per operation so CI stays within a few minutes on 2 cores.
The tally of operations and examples goes to the log and, under CI, to TEST_ARTIFACTS_DIR/fuzz.json.
"""

import json
import logging
import os
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from rest_framework.authtoken.models import Token
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from apps.recommendations.models import Recommendation
from apps.reviews.models import Cycle, Review, Session
from apps.vocabulary.models import DPRK_REFUGEES_THEME_CODE, Theme
from tests.factories import DeadlineFactory, StakeholderFactory, StatementFactory, SubscriptionFactory

logger = logging.getLogger(__name__)

MAX_EXAMPLES = int(os.environ.get("FUZZ_MAX_EXAMPLES", "30"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
TALLY: Counter[str] = Counter()


@pytest.fixture(scope="module", autouse=True)
def report_tally() -> Iterator[None]:
    TALLY.clear()
    yield
    summary = {"operations": len(TALLY), "examples": sum(TALLY.values()), "per_operation": dict(sorted(TALLY.items()))}
    logger.warning("schemathesis fuzzed %d operations with %d examples", summary["operations"], summary["examples"])
    artifacts = os.environ.get("TEST_ARTIFACTS_DIR")
    if artifacts:
        Path(artifacts).mkdir(parents=True, exist_ok=True)
        (Path(artifacts) / "fuzz.json").write_text(json.dumps(summary, indent=2))


@pytest.fixture
def wsgi_app(postgres, reference_data):  # type: ignore[no-untyped-def]
    # As Django's test client does: keep the test's connection (and its transaction) open between requests.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def _real_path_parameters(path: str, editor) -> dict[str, object] | None:  # type: ignore[no-untyped-def]
    """Path parameters naming a row that exists (China's 2013 review and its refugee recommendation, ...)."""
    if "{iso3}" in path:
        return {"iso3": "CHN"}
    if "{id}" not in path:
        return None
    resource = path.split("/")[3]
    rows = {
        "cycles": lambda: Cycle.objects.get(number=2),
        "sessions": lambda: Session.objects.get(number=17),
        "reviews": lambda: Review.objects.get(session__number=17),
        "deadlines": lambda: DeadlineFactory(),
        "stakeholders": lambda: StakeholderFactory(),
        "statements": lambda: StatementFactory(
            review=Review.objects.get(session__number=17),
            speaker_state=None,
            speaker_stakeholder=StakeholderFactory(),
            speaking_order=None,
        ),
        "recommendations": lambda: Recommendation.objects.get(review__session__number=17, paragraph="186.241"),
        "themes": lambda: Theme.objects.get(code=DPRK_REFUGEES_THEME_CODE),
        "subscriptions": lambda: SubscriptionFactory(user=editor, review=Review.objects.get(session__number=17)),
    }
    if resource not in rows:
        return None
    return {"id": rows[resource]().pk}


def _fuzz_operation(operation, token_for, failures: dict[str, str], real: dict | None = None) -> None:  # type: ignore[no-untyped-def]
    """Run MAX_EXAMPLES cases of one operation (positive, negative, and on a real row); record any failure."""
    strategy = operation.as_strategy(GenerationMode.POSITIVE) | operation.as_strategy(GenerationMode.NEGATIVE)
    if real:
        strategy |= operation.as_strategy(GenerationMode.POSITIVE, path_parameters=real)

    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.generate, Phase.shrink],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def run(case) -> None:  # type: ignore[no-untyped-def]
        TALLY[operation.label] += 1
        case.call_and_validate(headers={"Authorization": f"Token {token_for()}"}, checks=CHECKS)

    try:
        run()
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # schemathesis' failure groups, assertion errors...: all reported at the end
        failures[operation.label] = f"{type(exc).__name__}: {exc}"[:3000]


@pytest.mark.fuzz
def test_the_api_keeps_its_schema_and_never_fails(wsgi_app, editor):  # type: ignore[no-untyped-def]
    schema = schemathesis.openapi.from_wsgi("/api/schema/", wsgi_app)

    def token_for() -> str:
        # A fuzzed DELETE /auth/token/ revokes the token: fetch (or re-create) it for every example.
        return Token.objects.get_or_create(user=editor)[0].key

    failures: dict[str, str] = {}
    operations = [result.ok() for result in schema.get_all_operations()]
    # Chosen before any fuzzed write can rename or delete them (later examples may then meet a 404).
    real = {path: _real_path_parameters(path, editor) for path in {operation.path for operation in operations}}
    for operation in operations:
        _fuzz_operation(operation, token_for, failures, real[operation.path])

    assert len(TALLY) == len(operations) > 40
    assert not failures, "\n\n".join(f"{label}\n{message}" for label, message in failures.items())
