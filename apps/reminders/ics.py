"""RFC 5545 calendars of deadlines: the feeds /calendar.ics and /reviews/<id>/calendar.ics, and the
attachment of each reminder e-mail (the same UID, so a calendar application merges them)."""

from collections.abc import Iterable
from urllib.parse import urlsplit

from django.conf import settings
from icalendar import Calendar, Event

from apps.common.timezones import zone_or_geneva
from apps.reviews.models import Deadline


def site_domain() -> str:
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def review_url(review_id: int) -> str:
    return f"{settings.SITE_URL}/reviews/{review_id}/"


def deadline_uid(deadline: Deadline) -> str:
    # Stable across feeds, moves and renames: only the deadline's id and the site.
    return f"deadline-{deadline.pk}@{site_domain()}"


def deadline_summary(deadline: Deadline) -> str:
    label = deadline.title or deadline.get_kind_display()
    review = deadline.review
    summary = f"{label}: {review.state_under_review.name} (UPR session {review.session.number})"
    return f"{summary} [provisional]" if deadline.is_provisional else summary


def deadline_event(deadline: Deadline) -> Event:
    """One VEVENT. Needs deadline.review.state_under_review and .session loaded."""
    event = Event()
    event.add("uid", deadline_uid(deadline))
    event.add("dtstamp", deadline.updated_at)
    event.add("last-modified", deadline.updated_at)
    local = deadline.due_at.astimezone(zone_or_geneva(deadline.timezone))
    if deadline.time_is_known:
        event.add("dtstart", local)  # with TZID; the VTIMEZONE is added to the calendar
    else:
        event.add("dtstart", local.date())  # an all-day event on the local date
    event.add("summary", deadline_summary(deadline))
    description = [deadline.get_kind_display() + "."]
    if deadline.is_provisional:
        description.append("Provisional: estimated from the UPR calendar rules, not yet published by OHCHR.")
    if not deadline.time_is_known:
        description.append("Only the date is known.")
    if deadline.note:
        description.append(deadline.note)
    if deadline.source_url:
        description.append(f"Source: {deadline.source_url}")
    event.add("description", "\n".join(description))
    event.add("url", review_url(deadline.review_id))
    event.add("categories", [deadline.get_kind_display()])
    if deadline.is_cancelled:
        event.add("status", "CANCELLED")
    elif deadline.is_provisional:
        event.add("status", "TENTATIVE")
    else:
        event.add("status", "CONFIRMED")
    event.add("transp", "TRANSPARENT")  # a deadline does not make the reader busy
    return event


def deadline_calendar(*, deadlines: Iterable[Deadline], name: str) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//UPR Tracker//Deadlines//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", settings.GENEVA_TZ)
    for deadline in deadlines:
        cal.add_component(deadline_event(deadline))
    cal.add_missing_timezones()
    return cal.to_ical()
