"""A file name that says what an export holds: `upr-recommendations-china-2018.csv`.

Built from the filters as given (names looked up, never invented): the state under review by its name,
the year of the review where the filters narrow the list to one review whose year the record holds (else
`cycle-3` or `session-31`), then the recommending states (`from-…`), themes, response, search words. ASCII
only (slugified), so it goes into Content-Disposition as it is.
"""

import datetime as dt
from collections.abc import Mapping, Sequence

from django.utils import timezone
from django.utils.text import slugify

from apps.recommendations.exports.columns import review_year
from apps.reviews.models import Review
from apps.states.models import MemberState

MAX_STEM = 120
# Filters that change the order or a detail only: they do not name the file.
_SILENT = {"ordering", "format"}
_NAMED = {
    "state_under_review",
    "cycle",
    "session",
    "review",
    "recommending_state",
    "speaker_state",
    "theme",
    "response",
    "action_category",
    "q",
}


def _state_slugs(codes: Sequence[str]) -> list[str]:
    names = dict(MemberState.objects.filter(iso3__in=[code.upper() for code in codes]).values_list("iso3", "name"))
    return [slugify(names.get(code.upper(), code)) for code in codes]


def _one(filters: Mapping[str, Sequence[str]], name: str) -> str | None:
    values = [value for value in filters.get(name, []) if value != ""]
    return values[0] if len(values) == 1 else None


def _review_part(filters: Mapping[str, Sequence[str]]) -> list[str]:
    """`china-2018` for one review; else the state names, `cycle-N`, `session-N` as given."""
    review_id, states = _one(filters, "review"), [v for v in filters.get("state_under_review", []) if v]
    cycle, session = _one(filters, "cycle"), _one(filters, "session")
    reviews = Review.objects.none()
    if review_id and review_id.isdigit():
        reviews = Review.objects.filter(pk=int(review_id))
    elif len(states) == 1 and (cycle or session):
        reviews = Review.objects.filter(state_under_review__iso3=states[0].upper())
        if cycle and cycle.isdigit():
            reviews = reviews.filter(session__cycle__number=int(cycle))
        if session and session.isdigit():
            reviews = reviews.filter(session__number=int(session))
    found = list(reviews.select_related("state_under_review", "session")[:2])
    if len(found) == 1 and (year := review_year(found[0])) is not None:
        return [slugify(found[0].state_under_review.name), str(year)]
    parts = _state_slugs(states)
    if cycle:
        parts.append(f"cycle-{slugify(cycle)}")
    if session:
        parts.append(f"session-{slugify(session)}")
    if review_id and not found:
        parts.append(f"review-{slugify(review_id)}")
    elif len(found) == 1:
        parts.append(f"session-{found[0].session.number}")
    return parts


def export_filename(
    kind: str, fmt: str, filters: Mapping[str, Sequence[str]] | None = None, *, now: dt.datetime | None = None
) -> str:
    """`upr-<kind>-<what the filters select>.<fmt>`; with no filter, `upr-<kind>-all-<date>.<fmt>`."""
    filters = {name: [v for v in values if v != ""] for name, values in (filters or {}).items()}
    filters = {name: values for name, values in filters.items() if values and name not in _SILENT}
    if not filters:
        stamp = timezone.localtime(now or timezone.now()).strftime("%Y%m%d")
        return f"upr-{kind}-all-{stamp}.{fmt}"
    parts = ["upr", kind, *_review_part(filters)]
    for name in ("recommending_state", "speaker_state"):
        if filters.get(name):
            parts += ["from", *_state_slugs(filters[name])]
    if filters.get("theme"):
        parts += ["theme", *(slugify(code) for code in filters["theme"])]
    if filters.get("response"):
        parts += [slugify(value) for value in filters["response"]]
    if filters.get("action_category"):
        parts += [f"action-{slugify(value)}" for value in filters["action_category"]]
    if filters.get("q"):
        parts += ["search", slugify(" ".join(filters["q"]))[:40]]
    if set(filters) - _NAMED:
        parts.append("filtered")
    stem = "-".join(part for part in parts if part)[:MAX_STEM].rstrip("-")
    return f"{stem}.{fmt}"
