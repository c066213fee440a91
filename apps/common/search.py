"""Full-text search shared by recommendations and statements.

PostgreSQL: a stored `search_vector` column (GIN-indexed, refreshed by the write services) queried with
`websearch_to_tsquery` (quoted phrases, `-word`, `or`), ranked with ts_rank, with a ts_headline snippet.
Elsewhere (SQLite in `make run`): the same syntax applied as case-insensitive substring matches, no rank.
"""

import re
from typing import Any

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db import connections
from django.db.models import F, Q, QuerySet, TextField, Value
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

SEARCH_CONFIG = "english"
# ts_headline marks matches with these private-use characters rather than HTML tags: the snippet is then
# plain text until snippet_html() escapes it, so a "<script>" in a statement can never reach a page.
MATCH_START = "\ue000"
MATCH_END = "\ue001"

_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')


def websearch_terms(q: str) -> list[list[tuple[bool, str]]]:
    """Parse web-search syntax into OR-groups of (negated, term): `a "b c" -d or e` → [[a, "b c", -d], [e]]."""
    groups: list[list[tuple[bool, str]]] = [[]]
    for match in _TOKEN.finditer(q):
        negated_phrase, phrase, word = match.groups()
        if word is not None:
            if word.lower() == "or":
                groups.append([])
                continue
            negated = word.startswith("-") and len(word) > 1
            term = word[1:] if negated else word
            groups[-1].append((negated, term))
        elif phrase.strip():
            groups[-1].append((bool(negated_phrase), phrase.strip()))
    return [group for group in groups if group]


def _fallback_q(q: str, field: str) -> Q | None:
    combined: Q | None = None
    for group in websearch_terms(q):
        clause = Q()
        for negated, term in group:
            contains = Q(**{f"{field}__icontains": term})
            clause &= ~contains if negated else contains
        combined = clause if combined is None else combined | clause
    return combined


def search_queryset(queryset: QuerySet[Any], q: str, *, headline_field: str = "text") -> QuerySet[Any]:
    """Rows matching `q`, annotated with `rank` and `snippet`, best first (PostgreSQL) or by id."""
    q = q.strip()
    if not q:
        return queryset
    if connections[queryset.db].vendor == "postgresql":
        query = SearchQuery(q, search_type="websearch", config=SEARCH_CONFIG)
        return (
            queryset.filter(search_vector=query)
            .annotate(
                rank=SearchRank(F("search_vector"), query),
                snippet=SearchHeadline(
                    headline_field,
                    query,
                    config=SEARCH_CONFIG,
                    start_sel=MATCH_START,
                    stop_sel=MATCH_END,
                    max_words=40,
                    min_words=15,
                    max_fragments=2,
                    fragment_delimiter=" … ",
                ),
            )
            .order_by("-rank", "pk")
        )
    condition = _fallback_q(q, headline_field)
    if condition is None:  # only "or"s or empty quotes: nothing to search for
        return queryset.none()
    return queryset.filter(condition).annotate(snippet=Value(None, output_field=TextField())).order_by("pk")


def snippet_html(snippet: str | None) -> SafeString | None:
    """The snippet as HTML: its text escaped, each match wrapped in <mark>."""
    if snippet is None:
        return None
    html = escape(snippet).replace(MATCH_START, "<mark>").replace(MATCH_END, "</mark>")
    return mark_safe(html)  # noqa: S308 - escaped above; only our own <mark> tags are added


# A search matching more rows than this ranks only its newest RANK_CANDIDATES matches (PostgreSQL): ts_rank
# reads every matching row's vector, ~150 ms for a word such as "women" (31,000 of 250,000 recommendations).
RANK_CANDIDATES = 1000


def ranked_page_ids(matches: QuerySet[Any], bottom: int, top: int, *, candidates: int = RANK_CANDIDATES) -> list[Any]:
    """Ids bottom..top of a very common search: the newest `candidates` matches by rank, then the rest newest first.

    `matches` is search_queryset()'s result (filtered, annotated with `rank`). Every match is still listed,
    once, so the count and the pages stay whole; only the order is approximate: a strong match older than
    the newest `candidates` comes after them rather than by its rank.
    """
    newest = matches.order_by("-pk").values_list("pk", flat=True)
    ranked = list(matches.filter(pk__in=newest[:candidates]).order_by("-rank", "pk").values_list("pk", flat=True))
    ids = ranked[bottom:top]
    if top > len(ranked) and ranked:
        skip = max(0, bottom - len(ranked))
        ids += list(newest.filter(pk__lt=min(ranked))[skip : skip + top - bottom - len(ids)])
    return ids
