import datetime as dt

import pytest

from tests.factories import DeadlineFactory, ReviewFactory, SubscriptionFactory

NOW = dt.datetime(2026, 11, 27, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def review(db):
    return ReviewFactory()


@pytest.fixture
def deadline(review):
    """A submission deadline at noon in Geneva, five days after NOW: the 7-day reminder is due at NOW."""
    return DeadlineFactory(review=review, due_at=NOW + dt.timedelta(days=5, hours=2))


@pytest.fixture
def subscription(advocate, review):
    return SubscriptionFactory(user=advocate, review=review, lead_days=[30, 7, 1], timezone="Asia/Seoul")
