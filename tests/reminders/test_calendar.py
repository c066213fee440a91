"""The calendar feeds: RFC 5545, stable UIDs, time zones."""

import datetime as dt

import pytest
from icalendar import Calendar

from tests.factories import DeadlineFactory

pytestmark = pytest.mark.django_db


def parse(response) -> Calendar:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def test_the_feed_lists_every_deadline_of_the_reference_data_with_stable_uids(client, reference_data):
    from apps.reviews.models import Deadline

    calendar = parse(client.get("/calendar.ics"))
    assert str(calendar["version"]) == "2.0" and calendar["prodid"]
    uids = [str(e["uid"]) for e in calendar.events]
    assert len(uids) == Deadline.objects.count() == len(set(uids))
    assert uids == [str(e["uid"]) for e in parse(client.get("/calendar.ics")).events]  # stable across requests
    # China's 2024 stakeholder deadline, 18 July 2023 (from the data's README), is in it.
    assert any(str(e.decoded("dtstart"))[:10] == "2023-07-18" for e in calendar.events)


def test_a_timed_deadline_carries_its_time_zone_and_a_vtimezone(client, review):
    deadline = DeadlineFactory(review=review, due_at=dt.datetime(2026, 7, 1, 10, 0, tzinfo=dt.UTC))
    calendar = parse(client.get(f"/reviews/{review.pk}/calendar.ics"))
    (event,) = calendar.events
    assert str(event["uid"]) == f"deadline-{deadline.pk}@127.0.0.1"
    assert event["dtstart"].params["TZID"] == "Europe/Zurich"
    assert event.decoded("dtstart").replace(tzinfo=None) == dt.datetime(2026, 7, 1, 12, 0)  # noon, summer time
    assert event.decoded("dtstart") == deadline.due_at
    assert [str(tz["tzid"]) for tz in calendar.timezones] == ["Europe/Zurich"]
    assert f"/reviews/{review.pk}/" in str(event["url"])
    assert str(event["status"]) == "CONFIRMED"


def test_all_day_provisional_and_cancelled_deadlines_say_so(client, review):
    DeadlineFactory(
        review=review, due_at=dt.datetime(2028, 11, 5, 23, 0, tzinfo=dt.UTC), time_is_known=False, is_provisional=True
    )
    DeadlineFactory(review=review, due_at=dt.datetime(2028, 12, 1, 9, 0, tzinfo=dt.UTC), is_cancelled=True)
    provisional, cancelled = parse(client.get(f"/reviews/{review.pk}/calendar.ics")).events
    assert provisional.decoded("dtstart") == dt.date(2028, 11, 6)  # the Geneva date
    assert str(provisional["status"]) == "TENTATIVE"
    assert "[provisional]" in str(provisional["summary"])
    assert str(cancelled["status"]) == "CANCELLED"


def test_the_feed_can_be_narrowed_to_one_state(client, reference_data, review):
    DeadlineFactory(review=review)
    china = parse(client.get("/calendar.ics?state=chn"))
    assert china.events and all("China" in str(e["summary"]) for e in china.events)


def test_an_unknown_state_answers_400_with_the_reason(client, reference_data):
    response = client.get("/calendar.ics?state=XYZ")
    assert response.status_code == 400
    assert "Unknown state 'XYZ'" in response.content.decode()


def test_an_unknown_review_answers_404(client, db):
    assert client.get("/reviews/999999/calendar.ics").status_code == 404


def test_a_deadline_with_a_mistyped_time_zone_is_shown_in_geneva_time(client, review):
    DeadlineFactory(review=review, due_at=dt.datetime(2026, 7, 1, 10, 0, tzinfo=dt.UTC), timezone="Europe")
    (event,) = parse(client.get(f"/reviews/{review.pk}/calendar.ics")).events
    assert event["dtstart"].params["TZID"] == "Europe/Zurich"
