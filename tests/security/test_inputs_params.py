"""Every list of the API answers an unknown query parameter with a 400 naming it, never the whole list."""

import pytest

from tests.api.conftest import error_of
from upr_tracker.api_router import router

pytestmark = pytest.mark.django_db

LISTS = sorted(prefix for prefix, _viewset, _basename in router.registry)


def test_the_router_lists_are_all_checked():
    assert {"subscriptions", "recommendations", "statements", "deadlines"} <= set(LISTS)


@pytest.mark.parametrize("prefix", LISTS)
def test_an_unknown_parameter_is_a_400_on_every_list(reference_data, api, advocate, prefix):
    response = api(advocate).get(f"/{prefix}/", {"zzz": "1"})

    assert response.status_code == 400, response.content
    error = error_of(response)
    assert error["code"] == "invalid"
    assert list(error["fields"]) == ["zzz"]
    assert error["fields"]["zzz"][0].startswith("Unknown query parameter.")


@pytest.mark.parametrize("prefix", LISTS)
def test_the_common_parameters_are_known_on_every_list(reference_data, api, advocate, prefix):
    response = api(advocate).get(f"/{prefix}/", {"page": "1", "page_size": "10"})

    assert response.status_code == 200, response.content


def test_subscriptions_refuse_an_unknown_parameter(reference_data, api, advocate):
    response = api(advocate).get("/subscriptions/", {"zzz": "1"})

    assert response.status_code == 400
    assert "zzz" in error_of(response)["fields"]
