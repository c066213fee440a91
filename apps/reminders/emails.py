"""The reminder e-mail: one function over templates/emails/reminder-{subject,body-text,body-html}."""

import datetime as dt
import functools
from email.utils import parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from apps.common.timezones import zone_or_geneva
from apps.reminders.ics import deadline_calendar, deadline_summary, review_url
from apps.reminders.models import ReminderDelivery
from apps.reminders.timing import time_left
from apps.reminders.tokens import unsubscribe_token_make


@functools.cache  # the sweep computes 100,000 Message-IDs in one go
def message_domain() -> str:
    return parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "upr-tracker.local"


def delivery_message_id(*, subscription_id: int, deadline_id: int, lead_days: int, deadline_due_at: dt.datetime) -> str:
    """Deterministic from the delivery's unique key: a resent copy carries the same Message-ID."""
    stamp = int(deadline_due_at.timestamp())
    return f"<reminder.{subscription_id}.{deadline_id}.{lead_days}.{stamp}@{message_domain()}>"


def unsubscribe_url(subscription_id: int) -> str:
    token = unsubscribe_token_make(subscription_id=subscription_id)
    return settings.SITE_URL + reverse("reminders:unsubscribe", kwargs={"token": token})


@functools.cache
def _subscriptions_path() -> str:
    return reverse("reminders:subscription_list")


def _moment(when: dt.datetime, tz: str, *, with_time: bool) -> str:
    local = when.astimezone(zone_or_geneva(tz))
    day = f"{local:%A} {local.day} {local:%B %Y}"
    return f"{day}, {local:%H:%M} ({local.tzname()})" if with_time else day


def reminder_message_build(
    *,
    delivery: ReminderDelivery,
    now: dt.datetime,
    ics_cache: dict[tuple[int, dt.datetime], bytes] | None = None,
    moved_from: dt.datetime | None = None,
) -> EmailMultiAlternatives:
    """The e-mail of one delivery, rendered from the deadline as it stands now.

    Needs delivery.subscription.user and delivery.deadline.review (state, session) loaded. A batch
    passes `ics_cache`: the attachment is the same for every subscriber of a deadline, and building
    it (time zone definitions included) costs more than the rest of the message. `moved_from` is
    the date an earlier reminder of this deadline announced, when the deadline has moved since.
    """
    deadline = delivery.deadline
    subscription = delivery.subscription
    review = deadline.review
    with_time = deadline.time_is_known
    unsubscribe = unsubscribe_url(subscription.pk)
    context = {
        "deadline": deadline,
        "review": review,
        "label": deadline.title or deadline.get_kind_display(),
        "summary": deadline_summary(deadline),
        "geneva_time": _moment(deadline.due_at, settings.GENEVA_TZ, with_time=with_time),
        "reader_time": _moment(deadline.due_at, subscription.timezone, with_time=with_time),
        "reader_timezone": subscription.timezone,
        "show_reader_time": with_time and subscription.timezone != settings.GENEVA_TZ,
        "time_left": time_left(delta=deadline.due_at - now),
        "lead_days": delivery.lead_days,
        "review_url": review_url(review.pk),
        "unsubscribe_url": unsubscribe,
        "subscriptions_url": settings.SITE_URL + _subscriptions_path(),
        "moved_from": _moment(moved_from, settings.GENEVA_TZ, with_time=with_time) if moved_from else "",
    }
    subject = " ".join(render_to_string("emails/reminder-subject.txt", context).split())
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("emails/reminder-body-text.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[subscription.user.email],
        headers={
            "Message-ID": delivery.message_id,
            "List-Unsubscribe": f"<{unsubscribe}>",
            # RFC 8058: mail clients unsubscribe with one POST, no page to visit, no login.
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(render_to_string("emails/reminder-body-html.html", context), "text/html")
    cache = {} if ics_cache is None else ics_cache
    key = (deadline.pk, deadline.updated_at)
    if key not in cache:
        cache[key] = deadline_calendar(deadlines=[deadline], name=context["summary"])
    message.attach(f"deadline-{deadline.pk}.ics", cache[key], "text/calendar; charset=utf-8; method=PUBLISH")
    return message
