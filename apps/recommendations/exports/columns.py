"""What an export holds: one list of columns per kind, the row of each record, and the rows a chunk at a time.

CSV and JSON headers are the machine keys below (`state_under_review`, `themes`, …): the importer reads
them back (`import_recommendations --format csv`) and scripts key on them, so they never change with the
reader's language. XLSX is the file people open: its header row is the translated label of each column.
Codes and names sit in columns of their own (`recommending_states` ISO3 codes beside
`recommending_state_names`, `themes` `scheme:code` beside `theme_names`), in the same order, so a list of
codes and its list of names line up.
"""

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _

from apps.recommendations.fields import RECOMMENDATION_FIELD_NAMES, RECOMMENDATION_FIELDS
from apps.recommendations.models import Recommendation
from apps.reviews.models import Review, Statement
from apps.vocabulary.models import DPRK_REFUGEES_THEME_CODE, Theme

# Rows fetched (with their relations, in 3 queries) and written per step; the ids are streamed from a
# server-side cursor, so memory holds about one chunk whatever the export's size.
CHUNK = 2000

KINDS = ("recommendations", "statements")

RECOMMENDATION_LABELS: dict[str, Any] = {
    "id": _("ID"),
    "state_under_review": _("State under review (ISO3)"),
    "state_under_review_name": _("State under review"),
    "year": _("Year of the review"),
    "session": _("Session"),
    "cycle": _("Cycle"),
    **RECOMMENDATION_FIELDS,  # the recommendation's own fields (apps/recommendations/fields.py)
    "recommending_states": _("Recommending states (ISO3)"),
    "recommending_state_names": _("Recommending states"),
    "themes": _("Theme codes"),
    "theme_names": _("Themes"),
    "dprk_refugees_mention": _("North Korean refugees: named explicitly, or related language"),
}
STATEMENT_LABELS: dict[str, Any] = {
    "id": _("ID"),
    "state_under_review": _("State under review (ISO3)"),
    "state_under_review_name": _("State under review"),
    "year": _("Year of the review"),
    "session": _("Session"),
    "forum": _("Forum"),
    "speaking_order": _("Speaking order"),
    "speaker_state": _("Speaking state (ISO3)"),
    "speaker_state_name": _("Speaking state"),
    "speaker_stakeholder": _("Speaking stakeholder"),
    "language": _("Language"),
    "seconds_used": _("Seconds used"),
    "text": _("Statement"),
    "text_kind": _("Kind of text (delivered, or the report's summary)"),
    "source": _("Source"),
    "source_url": _("Source link"),
    "themes": _("Theme codes"),
    "theme_names": _("Themes"),
    "recommendations": _("Recommendations delivered (IDs)"),
}
RECOMMENDATION_COLUMNS = list(RECOMMENDATION_LABELS)
STATEMENT_COLUMNS = list(STATEMENT_LABELS)


def columns_for(kind: str) -> list[str]:
    return RECOMMENDATION_COLUMNS if kind == "recommendations" else STATEMENT_COLUMNS


def labels_for(kind: str) -> list[str]:
    labels = RECOMMENDATION_LABELS if kind == "recommendations" else STATEMENT_LABELS
    return [str(label) for label in labels.values()]


def review_year(review: Review) -> int | None:
    """The year of a review: its dialogue's, else its session's start; None where the record has neither."""
    if review.dialogue_date:
        return review.dialogue_date.year
    if review.session.starts_on:
        return review.session.starts_on.year
    return None


def _themes(themes: Iterable[Theme]) -> tuple[list[str], list[str]]:
    ordered = sorted(themes, key=lambda theme: (theme.scheme, theme.code))
    return [f"{theme.scheme}:{theme.code}" for theme in ordered], [theme.name for theme in ordered]


_RECOMMENDATION_FIELDS = (
    "id",
    "review__state_under_review__iso3",
    "review__state_under_review__name",
    "review__dialogue_date",
    "review__session__starts_on",
    "review__session__number",
    "review__session__cycle__number",
    *RECOMMENDATION_FIELD_NAMES,
)


def _recommendation_rows(ids: list[int]) -> dict[int, dict[str, Any]]:
    """The rows of recommendations `ids` in 3 queries of plain values (no model instances: ~5x faster)."""
    states: dict[int, list[tuple[str, str]]] = {pk: [] for pk in ids}
    for rec_id, iso3, name in Recommendation.recommending_states.through.objects.filter(
        recommendation_id__in=ids
    ).values_list("recommendation_id", "memberstate__iso3", "memberstate__name"):
        states[rec_id].append((iso3, name))
    themes: dict[int, list[tuple[str, str, str]]] = {pk: [] for pk in ids}
    dprk_mention: dict[int, str] = {}
    for rec_id, scheme, code, name, mention in Recommendation.themes.through.objects.filter(
        recommendation_id__in=ids
    ).values_list("recommendation_id", "theme__scheme", "theme__code", "theme__name", "mention"):
        themes[rec_id].append((scheme, code, name))
        if scheme == Theme.Scheme.PROJECT and code == DPRK_REFUGEES_THEME_CODE:
            dprk_mention[rec_id] = mention
    rows: dict[int, dict[str, Any]] = {}
    for values in Recommendation.objects.filter(pk__in=ids).values_list(*_RECOMMENDATION_FIELDS):
        (pk, iso3, name, dialogue, starts, session, cycle), own = values[:7], values[7:]
        by_code = sorted(states[pk])
        by_scheme = sorted(themes[pk])
        year = dialogue.year if dialogue else starts.year if starts else None
        rows[pk] = {
            "id": pk,
            "state_under_review": iso3,
            "state_under_review_name": name,
            "year": year,
            "session": session,
            "cycle": cycle,
            **dict(zip(RECOMMENDATION_FIELD_NAMES, own, strict=True)),
            "recommending_states": [code for code, _name in by_code],
            "recommending_state_names": [state_name for _code, state_name in by_code],
            "themes": [f"{theme_scheme}:{code}" for theme_scheme, code, _name in by_scheme],
            "theme_names": [theme_name for _scheme, _code, theme_name in by_scheme],
            "dprk_refugees_mention": dprk_mention.get(pk, ""),
        }
    return rows


def _statement_row(statement: Statement) -> dict[str, Any]:
    review = statement.review
    theme_codes, theme_names = _themes(statement.themes.all())
    return {
        "id": statement.pk,
        "state_under_review": review.state_under_review.iso3,
        "state_under_review_name": review.state_under_review.name,
        "year": review_year(review),
        "session": review.session.number,
        "forum": statement.forum,
        "speaking_order": statement.speaking_order,
        "speaker_state": statement.speaker_state.iso3 if statement.speaker_state else "",
        "speaker_state_name": statement.speaker_state.name if statement.speaker_state else "",
        "speaker_stakeholder": statement.speaker_stakeholder.name if statement.speaker_stakeholder else "",
        "language": statement.language,
        "seconds_used": statement.seconds_used,
        "text": statement.text,
        "text_kind": statement.text_kind,
        "source": statement.source,
        "source_url": statement.source_url,
        "themes": theme_codes,
        "theme_names": theme_names,
        "recommendations": sorted(rec.pk for rec in statement.recommendations.all()),
    }


_THEMES = Prefetch("themes", queryset=Theme.objects.only("id", "scheme", "code", "name"))


def _statement_chunk(ids: list[int]) -> QuerySet[Statement]:
    return (
        Statement.objects.filter(pk__in=ids)
        .defer("search_vector")
        .select_related("review__state_under_review", "review__session", "speaker_state", "speaker_stakeholder")
        .prefetch_related(_THEMES, Prefetch("recommendations", queryset=Recommendation.objects.only("id")))
    )


def export_ids(queryset: QuerySet[Any]) -> Iterator[int]:
    """The ids of a filtered list in its order, from a server-side cursor (its annotations are not computed)."""
    return queryset.values_list("pk", flat=True).iterator(chunk_size=CHUNK)


def _statement_rows(ids: list[int]) -> dict[int, dict[str, Any]]:
    return {statement.pk: _statement_row(statement) for statement in _statement_chunk(ids)}


def export_rows(kind: str, ids: Iterable[int]) -> Iterator[dict[str, Any]]:
    """The rows of the records `ids` (in that order), a chunk at a time; a record deleted meanwhile is left out."""
    fetch: Callable[[list[int]], dict[int, dict[str, Any]]]
    fetch = _recommendation_rows if kind == "recommendations" else _statement_rows
    chunk: list[int] = []

    def flush() -> Iterator[dict[str, Any]]:
        by_id = fetch(chunk)
        for pk in chunk:
            if pk in by_id:
                yield by_id[pk]

    for pk in ids:
        chunk.append(pk)
        if len(chunk) == CHUNK:
            yield from flush()
            chunk = []
    if chunk:
        yield from flush()
