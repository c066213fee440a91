"""Search highlighting cannot be forged by stored text: no in-band marker a statement could contain."""

import pytest

from apps.common import search
from apps.recommendations.services import recommendation_search_refresh
from apps.reviews.services import statement_search_refresh
from tests.factories import RecommendationFactory, StatementFactory

pytestmark = pytest.mark.django_db

FORGED = "\ue000<script>alert(1)</script>\ue001 and \ue000forged\ue001 marks beside refoulement"


def snippet_of(api, path: str, q: str, pk: int) -> str:
    """The snippet of row pk among the matches (the reference data holds other matches, e.g. China 2009's)."""
    response = api().get(path, {"q": q, "page_size": 200})
    assert response.status_code == 200, response.content
    return next(row["snippet"] for row in response.json()["results"] if row["id"] == pk)


def test_private_use_characters_in_a_statement_do_not_become_marks(postgres, reference_data, api):
    statement = StatementFactory(text=FORGED)
    statement_search_refresh()

    snippet = snippet_of(api, "/statements/", "refoulement", statement.pk)

    assert snippet.count("<mark>") == snippet.count("</mark>") == 1
    assert "<mark>refoulement</mark>" in snippet
    assert "<script" not in snippet  # ts_headline drops tags; whatever is left is escaped
    assert "<mark>forged</mark>" not in snippet
    assert "forged\ue001" in snippet  # the text's own characters, shown as they are


def test_private_use_characters_in_a_recommendation_do_not_become_marks_on_the_page(postgres, reference_data, client):
    RecommendationFactory(text=FORGED)
    recommendation_search_refresh()

    page = client.get("/recommendations/", {"q": "refoulement beside"}).content.decode()

    assert "<mark>forged</mark>" not in page
    assert "<mark><script>" not in page and "<script>alert" not in page
    assert "<mark>refoulement</mark>" in page


def test_a_text_that_holds_the_marker_is_shown_unmarked(postgres, reference_data, api, monkeypatch):
    monkeypatch.setattr(search, "new_snippet_marker", lambda: "fixedmarker")
    statement = StatementFactory(text="[fixedmarker[forged]fixedmarker] & refoulement")
    statement_search_refresh()

    snippet = snippet_of(api, "/statements/", "refoulement", statement.pk)

    assert "<mark>" not in snippet
    assert "forged" in snippet and "refoulement" in snippet
    assert "&amp;" in snippet
