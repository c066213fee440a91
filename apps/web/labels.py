"""How the record is named and linked on the pages and in the e-mails: one rule for each.

- a review or a session is "2013 · session 17" (the year first: advocates remember years, the UN numbers sessions);
- a UN document symbol links to the UN's Official Document System address for that symbol;
- a recommendation's anchor on its review page is ``rec-<paragraph>``, stable across reloads of the record;
- a who-raised-it cell's state has one label and one legend line;
- source and note texts show their web addresses and document symbols as links.
"""

import re
from functools import lru_cache
from urllib.parse import quote

from django.utils.functional import Promise
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.recommendations.models import Recommendation
from apps.reviews.models import Review, Session
from apps.web.selectors import CellState

UN_DOCUMENT_BASE_URL = "https://docs.un.org/en/"


# -- "2013 · session 17" -------------------------------------------------------------------------------
def year_session_label(
    *, year: int | None, session_number: int, provisional: bool = False, estimate: Session | None = None
) -> str:
    """The label; a session with no date but an estimated window names the window's years ("2028–2029")."""
    if year is None and estimate is not None and estimate.estimated_earliest and estimate.estimated_latest:
        first, last = estimate.estimated_earliest.year, estimate.estimated_latest.year
        years = str(first) if first == last else f"{first}\u2013{last}"
        return _("%(year)s (provisional) · session %(session)s") % {"year": years, "session": session_number}
    if year is None:
        return _("year not set · session %(session)s") % {"session": session_number}
    if provisional:
        return _("%(year)s (provisional) · session %(session)s") % {"year": year, "session": session_number}
    return _("%(year)s · session %(session)s") % {"year": year, "session": session_number}


def review_year(review: Review) -> int | None:
    """The year of the interactive dialogue, else of its session's first day; None when neither is known."""
    if review.dialogue_date is not None:
        return review.dialogue_date.year
    if review.dialogue_starts_at is not None:
        return review.dialogue_starts_at.year
    if review.session.starts_on is not None:
        return review.session.starts_on.year
    return None


def review_year_session(review: Review) -> str:
    """ "2013 · session 17"; a provisional review says so ("2029 (provisional) · session 59")."""
    return year_session_label(
        year=review_year(review),
        session_number=review.session.number,
        provisional=review.status == Review.Status.PROVISIONAL or review.session.is_provisional,
        estimate=review.session,
    )


def session_year_session(session: Session) -> str:
    return year_session_label(
        year=session.starts_on.year if session.starts_on else None,
        session_number=session.number,
        provisional=session.is_provisional,
        estimate=session,
    )


# -- UN documents --------------------------------------------------------------------------------------
def un_document_url(symbol: str) -> str:
    """The official document-system address of a UN document symbol, e.g. A/HRC/40/6/Add.1."""
    return UN_DOCUMENT_BASE_URL + quote(symbol.strip(), safe="/.-")


# A UN document symbol: series letters, then slash-separated parts, one of them a number (A/HRC/40/6,
# A/HRC/25/5/Add.1, E/CN.4/2005/L.10). Only these series: words such as "and/or" must not become links.
SYMBOL_PATTERN = (
    r"\b(?:A|E|S|CCPR|CERD|CRC|CEDAW|CAT|CESCR|CMW|CRPD|CED)/(?:[A-Z][A-Za-z.]*/)*\d+(?:/[A-Za-z0-9.]*[A-Za-z0-9])*"
)
URL_PATTERN = r"\bhttps?://[^\s<>\"']+[^\s<>\"'.,;:!?)\]]"
# Addresses written without a scheme, as the sources cite them ("nknews.org/2024/07/china-…").
BARE_URL_PATTERN = r"\b(?:[a-z0-9-]+\.)+(?:org|com|net|int|kr|ch|info|news)/[^\s<>\"']*[^\s<>\"'.,;:!?)\]]"
LINKABLE = re.compile(rf"(?P<url>{URL_PATTERN})|(?P<bare>{BARE_URL_PATTERN})|(?P<symbol>{SYMBOL_PATTERN})")


@lru_cache(maxsize=2048)  # a review page repeats the same sources hundreds of times ("A/HRC/40/6/Add.1 - Para. 2")
def linked_sources(text: str) -> SafeString:
    """The text, escaped, with its web addresses and UN document symbols as links."""
    pieces, last = [], 0
    for match in LINKABLE.finditer(text or ""):
        pieces.append(escape(text[last : match.start()]))
        found = match.group(0)
        if match.group("symbol"):
            href = un_document_url(found)
        elif match.group("bare"):
            href = f"https://{found}"
        else:
            href = found
        pieces.append(format_html('<a href="{}" rel="noopener">{}</a>', href, found))
        last = match.end()
    pieces.append(escape((text or "")[last:]))
    return mark_safe("".join(pieces))  # noqa: S308 - every piece is escaped above


# -- recommendation anchors ----------------------------------------------------------------------------
def recommendation_anchor(recommendation: Recommendation) -> str:
    """``rec-186.241``, ``rec-28-g`` for 28(g): the paragraph, the report's own number, with characters that
    fragments and CSS selectors handle badly turned into hyphens. Without a paragraph (press paraphrases)
    the record's id stands in, the only stable key such a row has."""
    paragraph = re.sub(r"[^A-Za-z0-9._-]+", "-", recommendation.paragraph or "").strip("-")
    return f"rec-{paragraph}" if paragraph else f"rec-id-{recommendation.pk}"


# -- who raised it: a cell state's label and its line in the legend --------------------------------------
CELL_STATE_TEXT: dict[CellState, tuple[Promise, Promise]] = {
    CellState.RAISED: (
        gettext_lazy("Raised"),
        gettext_lazy(
            "recommended on the theme, naming it explicitly (or as the source's coders classify it): each paragraph "
            "links to its text, with the response"
        ),
    ),
    CellState.RELATED: (
        gettext_lazy("Related only"),
        gettext_lazy(
            "recommended in general refugee, asylum or non-refoulement language, without naming North Korea or "
            "North Koreans"
        ),
    ),
    CellState.OTHER_MATTERS: (
        gettext_lazy("Other matters (n)"),
        gettext_lazy("n recommendations, none on the theme: the link lists them in the explorer"),
    ),
    CellState.SPOKE: (
        gettext_lazy("Spoke"),
        gettext_lazy("took the floor without recommending (from logged statements)"),
    ),
    CellState.NOT_HEARD: (
        gettext_lazy("Inscribed, could not speak"),
        gettext_lazy("on the speakers' list, but \u201cnot able to make their statements\u201d (the report's words)"),
    ),
    CellState.NOTHING_RECORDED: (
        gettext_lazy("No recommendation"),
        gettext_lazy("the review's recommendations are all in the record, and none is this state's"),
    ),
    CellState.NOT_IN_RECORD: (
        gettext_lazy("Not in the record"),
        gettext_lazy(
            "the record holds only part of this review's recommendations: it cannot say this state was silent"
        ),
    ),
}
