"""subscription_update holds the rule the API's view used to apply: naming the new target clears the old."""

import pytest

from apps.reminders.services import subscription_update
from tests.factories import MemberStateFactory, ReviewFactory, SubscriptionFactory

pytestmark = pytest.mark.django_db


def test_naming_a_state_switches_a_subscription_from_its_review(advocate) -> None:  # type: ignore[no-untyped-def]
    subscription = SubscriptionFactory(user=advocate)
    state = MemberStateFactory()
    subscription_update(subscription=subscription, data={"state_under_review": state})
    subscription.refresh_from_db()
    assert (subscription.review, subscription.state_under_review) == (None, state)


def test_naming_a_review_switches_a_subscription_from_its_state(advocate) -> None:  # type: ignore[no-untyped-def]
    subscription = SubscriptionFactory(user=advocate, review=None, state_under_review=MemberStateFactory())
    review = ReviewFactory()
    subscription_update(subscription=subscription, data={"review": review})
    subscription.refresh_from_db()
    assert (subscription.review, subscription.state_under_review) == (review, None)
