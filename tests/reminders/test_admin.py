"""Failed deliveries show in the admin with their error, and can be sent again; subscriptions are written by
the services."""

import pytest
from django.urls import reverse

from apps.reminders.models import ReminderDelivery
from tests.admin_forms import admin_page_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def failed(subscription, deadline):
    return ReminderDelivery.objects.create(
        subscription=subscription,
        deadline=deadline,
        lead_days=7,
        deadline_due_at=deadline.due_at,
        status="failed",
        attempts=1,
        last_error="SMTPRecipientsRefused: {'advocate@example.org': (550, b'No such user')}",
    )


def test_a_failed_delivery_is_listed_with_its_error(client_for, staff, failed):
    response = client_for(staff).get("/admin/reminders/reminderdelivery/?status__exact=failed")
    assert response.status_code == 200
    assert b"No such user" in response.content
    assert client_for(staff).get(f"/admin/reminders/reminderdelivery/{failed.pk}/change/").status_code == 200


def test_the_admin_sends_a_failed_delivery_again(client_for, staff, failed):
    response = client_for(staff).post(
        "/admin/reminders/reminderdelivery/", {"action": "send_again", "_selected_action": [failed.pk]}
    )
    assert response.status_code == 302
    failed.refresh_from_db()
    assert (failed.status, failed.attempts, failed.next_attempt_at) == ("pending", 0, None)


def test_subscriptions_are_managed_in_the_admin(client_for, staff, subscription):
    assert client_for(staff).get("/admin/reminders/subscription/").status_code == 200
    assert client_for(staff).get(f"/admin/reminders/subscription/{subscription.pk}/change/").status_code == 200


def test_a_subscription_changed_in_the_admin_is_normalised_by_its_service(client_for, staff, subscription):
    client = client_for(staff)
    url = reverse("admin:reminders_subscription_change", args=[subscription.pk])
    data = admin_page_data(client.get(url))
    data["lead_days"] = "[1, 7, 30]"
    assert client.post(url, data).status_code == 302
    subscription.refresh_from_db()
    assert subscription.lead_days == [30, 7, 1]  # subscription_update: largest first


def test_a_delivery_cannot_be_added_or_edited_by_hand(client_for, staff, failed):
    client = client_for(staff)
    assert client.get(reverse("admin:reminders_reminderdelivery_add")).status_code == 403
    response = client.post(reverse("admin:reminders_reminderdelivery_change", args=[failed.pk]), {"status": "sent"})
    assert response.status_code == 403
    failed.refresh_from_db()
    assert failed.status == "failed"
