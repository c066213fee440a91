"""Full-text search `q` on PostgreSQL: the stored, GIN-indexed vector, web-search syntax, rank, snippets."""

import pytest
from django.db import connection

from apps.common.search import websearch_terms
from apps.recommendations.models import Recommendation
from apps.recommendations.services import recommendation_search_refresh
from apps.reviews.services import statement_search_refresh
from tests.factories import ReviewFactory, StatementFactory

pytestmark = pytest.mark.django_db


def search(api, q: str, path: str = "/recommendations/", **params) -> list[dict]:
    response = api().get(path, {"q": q, "page_size": 200, **params})
    assert response.status_code == 200, response.json()
    return response.json()["results"]


def test_it_parses_web_search_syntax_for_the_fallback():
    assert websearch_terms('"non-refoulement" asylum -escapees or refugee') == [
        [(False, "non-refoulement"), (False, "asylum"), (True, "escapees")],
        [(False, "refugee")],
    ]


@pytest.mark.parametrize("q", ["non-refoulement", '"non-refoulement"'])
def test_non_refoulement_finds_the_2013_refugee_recommendations(postgres, reference_data, api, q):
    found = {row["paragraph"] for row in search(api, q, state_under_review="CHN")}

    assert {"186.241", "186.243"} <= found
    assert "186.242" not in found  # UNHCR and asylum legislation, no non-refoulement in its words


def test_results_come_best_first_with_a_highlighted_snippet(postgres, reference_data, api):
    rows = search(api, "north korean refugees non-refoulement")

    assert rows, "expected matches"
    assert rows[0]["paragraph"] == "186.241"  # every word of the query, in one short text
    assert "<mark>" in rows[0]["snippet"]
    assert "<mark>refugees</mark>" in rows[0]["snippet"].lower() or "<mark>refugee" in rows[0]["snippet"].lower()


def test_it_honours_phrases_exclusions_and_or(postgres, reference_data, api):
    korean = {row["id"] for row in search(api, '"north korean"')}
    without_refugees = {row["id"] for row in search(api, '"north korean" -refugees')}
    either = {row["id"] for row in search(api, "refoulement or escapees")}
    refoulement = {row["id"] for row in search(api, "refoulement")}

    assert without_refugees < korean
    assert all("refugee" not in row["text"].lower() for row in search(api, '"north korean" -refugees'))
    assert refoulement <= either


def test_an_explicit_ordering_overrides_the_rank(postgres, reference_data, api):
    rows = search(api, "refugees", ordering="-id")
    assert [row["id"] for row in rows] == sorted((row["id"] for row in rows), reverse=True)


def test_the_vector_follows_every_write(postgres, reference_data, api, editor):
    client = api(editor, token=True)
    review = ReviewFactory()
    created = client.post(
        "/recommendations/",
        {
            "review": review.pk,
            "text": "Ratify the Kampala Convention on displaced persons.",
            "recommending_states": ["UGA"],
        },
    ).json()
    assert created["id"] in {row["id"] for row in search(api, "Kampala")}

    client.patch(f"/recommendations/{created['id']}/", {"text": "Ratify the 1954 Convention on statelessness."})
    assert created["id"] not in {row["id"] for row in search(api, "Kampala")}
    assert created["id"] in {row["id"] for row in search(api, "statelessness")}


def test_statements_are_searched_too(postgres, reference_data, api, editor):
    review = ReviewFactory()
    logged = (
        api(editor)
        .post(
            "/statements/",
            {"review": review.pk, "speaker_state": "DEU", "text": "Germany recommends ending forced repatriation."},
        )
        .json()
    )
    StatementFactory(text="An unrelated statement on education.")

    rows = search(api, "repatriations", path="/statements/")
    assert [row["id"] for row in rows] == [logged["id"]]
    assert "<mark>repatriation</mark>" in rows[0]["snippet"]


def test_the_snippet_escapes_the_text(postgres, reference_data, api):
    unsafe = StatementFactory(text="<script>alert(1)</script> refoulement & returns < 5 <img src=x onerror=alert(1)>")
    statement_search_refresh()  # the factory saves raw, as the fixtures do
    # 2009's report summaries speak of refoulement too: read this statement's snippet.
    rows = search(api, "refoulement", path="/statements/")
    snippet = next(row for row in rows if row["id"] == unsafe.pk)["snippet"]
    assert "<script>" not in snippet and "<img" not in snippet
    assert "&amp;" in snippet  # the text's own characters, escaped; only <mark> is markup
    assert snippet.replace("<mark>", "").replace("</mark>", "").count("<") == 0


def test_the_search_columns_are_gin_indexed(postgres):
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE indexname LIKE '%%search_vector_gin'")
        indexes = dict(cursor.fetchall())
    assert set(indexes) == {"rec_search_vector_gin", "statement_search_vector_gin"}
    assert all("USING gin (search_vector)" in definition for definition in indexes.values())


def test_loading_the_reference_data_fills_every_vector(postgres, reference_data):
    assert not Recommendation.objects.filter(search_vector__isnull=True).exists()


def test_a_refresh_touches_only_the_rows_it_is_given(postgres, reference_data):
    one = Recommendation.objects.filter(review__session__number=17, paragraph="186.241")
    Recommendation.objects.update(search_vector=None)

    assert recommendation_search_refresh(recommendations=one) == 1
    assert list(Recommendation.objects.filter(search_vector__isnull=False)) == list(one)
    assert recommendation_search_refresh() == Recommendation.objects.count()


def test_the_refresh_is_a_no_op_off_postgresql(reference_data):
    if connection.vendor == "postgresql":
        pytest.skip("the SQLite path; the PostgreSQL one is tested above")
    assert recommendation_search_refresh() == 0
    assert statement_search_refresh() == 0
