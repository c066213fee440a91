"""Template helpers: times in Geneva and in the reader's own zone, countdowns, response labels, and the
record's names and links (apps/web/labels.py): "2013 · session 17", UN document links, paragraph anchors."""

import datetime as dt
import re
import zoneinfo
from typing import Any

from django import template
from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.timesince import timeuntil
from django.utils.translation import gettext as _

from apps.common.models import Verification
from apps.common.search import snippet_html, websearch_terms
from apps.common.timezones import zone_or_geneva
from apps.recommendations.fingerprint import strip_attributions
from apps.recommendations.models import Recommendation
from apps.reviews.models import Review, Session
from apps.web import labels
from apps.web.selectors import CellState

register = template.Library()

GENEVA = zoneinfo.ZoneInfo(settings.GENEVA_TZ)


def reader_timezone(request: HttpRequest | None) -> zoneinfo.ZoneInfo | None:
    """The signed-in reader's own zone (from the profile), cached on the request; None if unset."""
    if request is None or not request.user.is_authenticated:
        return None
    if not hasattr(request, "_reader_tz"):
        from apps.web.models import Profile

        name = Profile.objects.filter(user_id=request.user.pk).values_list("timezone", flat=True).first()
        request._reader_tz = zoneinfo.ZoneInfo(name) if name else None  # type: ignore[attr-defined]
    return request._reader_tz  # type: ignore[attr-defined]


@register.simple_tag(takes_context=True)
def moment(
    context: dict[str, Any], value: dt.datetime | None, tz_name: str = "", all_day: bool = False
) -> SafeString | str:
    """A stored UTC time shown in its zone (Geneva by default) and, if different, in the reader's zone."""
    if value is None:
        return "not set"
    zone = zone_or_geneva(tz_name)
    local = timezone.localtime(value, zone)
    if all_day:
        return format_html('<time datetime="{}">{}</time>', local.date().isoformat(), date_format(local, "j F Y"))
    place = "Geneva" if zone.key == GENEVA.key else zone.key.replace("_", " ")
    html = format_html('<time datetime="{}">{} {}</time>', value.isoformat(), date_format(local, "j F Y, H:i"), place)
    reader = reader_timezone(context.get("request"))
    if reader is not None and reader.key != zone.key:
        own = timezone.localtime(value, reader)
        same_day = own.date() == local.date()
        html += format_html(
            ' <span class="own-time">({} your time, {})</span>',
            date_format(own, "H:i" if same_day else "j F, H:i"),
            reader.key.replace("_", " "),
        )
    return html


@register.simple_tag
def countdown(value: dt.datetime | None) -> SafeString | str:
    """ "in 32 days" (or "passed"); static/js/countdown.js keeps it ticking where scripts run."""
    if value is None:
        return ""
    now = timezone.now()
    if value <= now:
        return SafeString('<span class="countdown countdown-past">passed</span>')
    return format_html(
        '<span class="countdown" data-countdown="{}">in {}</span>', value.isoformat(), timeuntil(value, now)
    )


@register.filter
def response_label(recommendation: Recommendation) -> str:
    """The response as the UN records it, with the state's own word where it differs ("Noted — rejected")."""
    label = recommendation.get_response_display()
    if recommendation.response_label and recommendation.response_label.casefold() != label.casefold():
        return f"{label} ({recommendation.response_label})"
    return label


@register.filter
def is_paraphrase(recommendation: Recommendation) -> bool:
    return recommendation.text_status == Recommendation.TextStatus.PARAPHRASE


@register.simple_tag(takes_context=True)
def deadline_when(context: dict[str, Any], deadline: Any) -> SafeString | str:
    """A deadline in its own zone; a date alone where only the date is known."""
    return moment(context, deadline.due_at, deadline.timezone, all_day=not deadline.time_is_known)


@register.simple_tag
def highlighted(recommendation: Recommendation, q: str) -> SafeString:
    """The search snippet with <mark>ed matches (PostgreSQL's ts_headline), or the text with the terms marked."""
    if getattr(recommendation, "snippet", None):
        return snippet_html(recommendation) or SafeString("")
    text = recommendation.text
    terms = [term for group in websearch_terms(q or "") for negated, term in group if not negated and term]
    if not terms:
        return SafeString(escape(text))
    pattern = re.compile("|".join(re.escape(term) for term in sorted(terms, key=len, reverse=True)), re.IGNORECASE)
    pieces, last = [], 0
    for match in pattern.finditer(text):
        pieces.append(escape(text[last : match.start()]))
        pieces.append(format_html("<mark>{}</mark>", match.group(0)))
        last = match.end()
    pieces.append(escape(text[last:]))
    return mark_safe("".join(pieces))  # noqa: S308 - every piece is escaped above


@register.simple_tag
def fact_badge(review: Any, fact: str) -> SafeString:
    """A badge after a review's fact whose level is below verified: "reported" or "estimated", source as title.

    Verified facts get no badge; a fact with no stated source gets none either (its text says "not recorded").
    """
    entry = (getattr(review, "facts_sources", None) or {}).get(fact)
    if not entry or entry.get("verification") == Verification.VERIFIED:
        return mark_safe("")
    level = entry.get("verification", "")
    label = _("estimated") if level == Verification.ESTIMATED else _("reported")
    return format_html(
        '<span class="badge badge-{}" title="{}">{}</span>', level, _("Source: %s") % entry.get("source", ""), label
    )


@register.simple_tag
def deadline_badge(deadline: Any) -> SafeString:
    """A deadline's level below verified: "reported" (source as title) or "estimated (rule: …)"."""
    level = getattr(deadline, "verification", Verification.VERIFIED)
    if level == Verification.VERIFIED:
        return mark_safe("")
    if level == Verification.ESTIMATED:
        return format_html('<span class="badge badge-estimated" title="{}">{}</span>', deadline.note, _("estimated"))
    return format_html(
        '<span class="badge badge-reported" title="{}">{}</span>', _("Source: %s") % deadline.source, _("reported")
    )


@register.filter
def without_attributions(recommendation: Recommendation) -> str:
    """The text without the bracketed recommending states OHCHR prints in it: for display beside their names.

    The stored text keeps them (it is the UN's text); only this shorter display copy leaves them out.
    """
    names = [
        name
        for state in recommendation.recommending_states.all()
        for name in (state.name, state.formal_name, state.common_name)
        if name
    ]
    return strip_attributions(recommendation.text, names)


@register.filter
def year_session(value: Review | Session | None) -> str:
    """ "2013 · session 17", for a review or a session (the pages' and the e-mails' one way to name them)."""
    if isinstance(value, Review):
        return labels.review_year_session(value)
    if isinstance(value, Session):
        return labels.session_year_session(value)
    return ""


@register.filter
def un_document_url(symbol: str) -> str:
    return labels.un_document_url(symbol) if symbol else ""


@register.filter
def un_document_link(symbol: str) -> SafeString | str:
    """A UN document symbol as a link to the document on the UN's document system."""
    if not symbol:
        return ""
    return format_html('<a href="{}" rel="noopener">{}</a>', labels.un_document_url(symbol), symbol)


@register.filter
def linked_sources(text: str) -> SafeString:
    """A source or note text with its web addresses and UN document symbols as links."""
    return labels.linked_sources(text)


@register.filter
def rec_anchor(recommendation: Recommendation) -> str:
    """The id of a recommendation on its review page (``rec-186.241``)."""
    return labels.recommendation_anchor(recommendation)


@register.filter
def cell_label(state: CellState) -> str:
    return str(labels.CELL_STATE_TEXT[CellState(state)][0])


@register.simple_tag
def cell_legend() -> list[tuple[str, str, str]]:
    """(state, label, meaning) for every cell state, in the order of CellState."""
    return [(state.value, str(label), str(meaning)) for state, (label, meaning) in labels.CELL_STATE_TEXT.items()]
