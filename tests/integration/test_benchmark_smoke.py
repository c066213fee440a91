"""The benchmark command runs end to end at a small size and reports every figure it promises.

Nothing here is timed: the figures are read by people (README, closing notes), not asserted.
"""

import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command

from apps.recommendations.models import Recommendation

pytestmark = [pytest.mark.integration, pytest.mark.shared_data]

API_CASES = {
    "list, unfiltered",
    "filter: theme",
    "search q, rare term",
    "search q, common term",
    "detail",
}


@pytest.mark.django_db(transaction=True)
def test_the_benchmark_reports_latency_in_process_over_http_and_of_the_peer_queries_import_and_sweep(
    postgres, shared_data_dir: Path, tmp_path: Path
) -> None:
    output = tmp_path / "bench.json"
    stdout = io.StringIO()
    call_command(
        "benchmark",
        size=42_000,
        requests=3,
        subscriptions=30,
        skip_export=True,
        http=True,
        peer=True,
        json=output,
        data_dir=shared_data_dir,
        stdout=stdout,
    )
    result = json.loads(output.read_text())
    assert Recommendation.objects.count() >= 42_000
    cases = {case["name"]: case for case in result["cases"]}
    assert set(cases) >= API_CASES
    for case in cases.values():
        assert 0 < case["p50_ms"] <= case["p95_ms"] <= case["p99_ms"]
        assert case["queries"] >= 1 and case["raw_sql_p50_ms"] > 0
    # Over HTTP every case; the peer (Datasette) those it can answer, theme filters excepted.
    for case in cases.values():
        assert 0 < case["http_p50_ms"] <= case["http_p95_ms"]
    assert {name for name, case in cases.items() if case["peer_p50_ms"]} == set(cases) - {
        "filter: theme",
        "filter: state + cycle + theme",
    }
    assert result["peer"]["rows"] == Recommendation.objects.count()
    assert result["import_upr_info"]["rows"] == 41_066
    assert result["reminder_sweep"]["subscriptions"] == 30
    assert "| API case | in process p50 / p95 ms |" in stdout.getvalue()
